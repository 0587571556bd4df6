// The outbox's storage and replay, shared by the page (outbox.js) and the service worker
// (bundled into static/dist/sw.js): writes made offline, kept in IndexedDB in the order they
// were made, each with the Idempotency-Key it was first tried with, so a replay that the
// server already applied (the answer was lost) is not applied twice.
import { openDB } from "../../dist/idb.js";

const DB_NAME = "toto-outbox";
const STORE = "requests";
export const SYNC_TAG = "toto-outbox";

function database() {
  return openDB(DB_NAME, 1, {
    upgrade(db) {
      db.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
    },
  });
}

export function newKey() {
  return crypto.randomUUID();
}

export async function enqueue({ url, method = "POST", headers = {}, body = null, label = "" }) {
  const db = await database();
  await db.add(STORE, { url, method, headers, body, label, queuedAt: Date.now() });
}

export async function pendingCount() {
  const db = await database();
  return db.count(STORE);
}

export async function pending() {
  const db = await database();
  return db.getAll(STORE);
}

// A network error or a 5xx/408/429 stops the replay (it is tried again later, in the same
// order); any other answer settles the request: 2xx is done, and a 4xx (the phrase became a
// duplicate, the object is gone) would fail the same way every time, so it is dropped and
// reported instead of blocking everything queued after it.
function retryable(status) {
  return status >= 500 || status === 408 || status === 429;
}

async function replayLocked(fetchFn) {
  const db = await database();
  let sent = 0;
  const rejected = [];
  for (const item of await db.getAll(STORE)) {
    let response;
    try {
      response = await fetchFn(item.url, {
        method: item.method,
        headers: item.headers,
        body: item.body,
        credentials: "same-origin",
      });
    } catch {
      break;
    }
    if (retryable(response.status)) break;
    await db.delete(STORE, item.id);
    if (response.ok) sent += 1;
    else rejected.push({ label: item.label, status: response.status });
  }
  return { sent, rejected, left: await db.count(STORE) };
}

// One replay at a time across the page's tabs and the service worker (Web Locks where the
// browser has them; the idempotency keys make an overlap harmless anyway).
export async function replay(fetchFn) {
  const locks = globalThis.navigator?.locks;
  if (locks) return locks.request("toto-outbox-replay", () => replayLocked(fetchFn));
  return replayLocked(fetchFn);
}
