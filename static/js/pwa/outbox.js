// The page's side of the offline outbox: send(url, json) posts now when the network answers,
// and otherwise queues the write (IndexedDB, outbox-store.js) with an Idempotency-Key and
// says so. Queued writes are replayed in order when the browser comes back online (and by
// the service worker's Background Sync where the browser has it), and the indicator
// ([data-outbox] in base.html) shows "n changes waiting to sync" until they are.
//
// Another feature plugs in by calling send() instead of fetch() for a POST that must not be
// lost offline; its endpoint must honour the Idempotency-Key header (a replay of a key it has
// seen answers with the first result instead of applying the write again). See
// docs/pwa.md "Offline outbox".
import { SYNC_TAG, enqueue, newKey, pending, pendingCount, replay } from "./outbox-store.js";

export { pending };

const csrf = () =>
  document.querySelector("[name=csrfmiddlewaretoken]")?.value ||
  document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/)?.[1] ||
  "";

// A 5xx/408/429 answer is queued like a network failure (the server may not have applied it;
// the replay's Idempotency-Key makes trying again safe). `key`: a caller whose endpoint also
// takes the key in the body (the review API) passes the one it put there.
export async function send(url, json, { method = "POST", label = "", key = newKey() } = {}) {
  const headers = {
    "Content-Type": "application/json",
    Accept: "application/json",
    "X-CSRFToken": csrf(),
    "Idempotency-Key": key,
  };
  const body = JSON.stringify(json);
  if (navigator.onLine) {
    try {
      const response = await fetch(url, { method, headers, body, credentials: "same-origin" });
      const retry = response.status >= 500 || response.status === 408 || response.status === 429;
      if (!retry) return { queued: false, response };
    } catch {
      // the network failed under us: queue it below
    }
  }
  await enqueue({ url, method, headers, body, label });
  await askForBackgroundSync();
  await refreshIndicator();
  return { queued: true, response: null };
}

async function askForBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register(SYNC_TAG);
  } catch {
    // no Background Sync (Safari, Firefox): the page replays on "online" instead
  }
}

export async function refreshIndicator() {
  const indicator = document.querySelector("[data-outbox]");
  if (!indicator) return 0;
  const count = await pendingCount();
  const template = count === 1 ? indicator.dataset.one : indicator.dataset.many;
  indicator.querySelector("[data-outbox-text]").textContent = (template || "").replace("%(n)s", String(count));
  indicator.hidden = count === 0;
  return count;
}

export async function flush() {
  const result = await replay(fetch.bind(window));
  await refreshIndicator();
  if (result.sent) document.dispatchEvent(new CustomEvent("toto:outbox-replayed", { detail: result }));
  return result;
}

// While changes wait and the browser says it is online, try again every few seconds: the
// "online" event can come before the network really answers (the replay then stops at the
// network error), and some browsers never send it after a flaky connection comes back.
const RETRY_MS = 5000;

export function start() {
  refreshIndicator();
  if (navigator.onLine) flush();
  window.addEventListener("online", flush);
  setInterval(() => {
    const indicator = document.querySelector("[data-outbox]");
    if (navigator.onLine && indicator && !indicator.hidden) flush();
  }, RETRY_MS);
  navigator.serviceWorker?.addEventListener("message", (event) => {
    if (event.data?.type !== "outbox-replayed") return;
    refreshIndicator();
    document.dispatchEvent(new CustomEvent("toto:outbox-replayed", { detail: event.data }));
  });
}
