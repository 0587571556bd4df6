// Lessons kept for offline use under a byte cap, least recently used lesson out first
// (issue 20: "lessons the learner opened available offline, with a size cap and an LRU
// eviction"). Workbox's ExpirationPlugin counts entries, not bytes: one lesson with a 20 MB
// video and thirty text lessons are both "30 entries". This Workbox plugin sits on the lesson
// pages' cache and on the lesson media cache (files fetched by a lesson page: its images, its
// audio and video saved whole by static/js/pwa/pwa.js). It records in IndexedDB each cached
// response's size and the lessons it belongs to (the page itself; for a file, every lesson
// page that asked for it, the request's referrer: two lessons may share a picture), and when
// a lesson is used (opened online, so cached again, or answered from the cache offline) its
// time. After each write, while the cached lessons add up to more than the cap (each file
// counted once), the least recently used lesson goes: its page, and each of its files that no
// other kept lesson uses. The lesson just opened always stays, even alone over the cap.
import { openDB } from "../../static/dist/idb.js";

const DB_NAME = "toto-lesson-cache";
const ENTRIES = "entries"; // {url, cacheName, lessons: [lesson URL], bytes}
const LESSONS = "lessons"; // {lesson, usedAt}

function database() {
  return openDB(DB_NAME, 1, {
    upgrade(db) {
      db.createObjectStore(ENTRIES, { keyPath: "url" });
      db.createObjectStore(LESSONS, { keyPath: "lesson" });
    },
  });
}

// Lesson pages: /learn/… and their translations under a language prefix (/es/learn/…).
export const LESSON_PATH = /^\/(?:[a-z]{2}(?:-[a-z]+)?\/)?learn\//;

// The lesson a request belongs to: a lesson page is its own lesson; a file fetched by such a
// page belongs to it. Query and fragment are not part of a lesson's identity.
export function lessonOf(request) {
  const own = new URL(request.url);
  if (request.mode === "navigate") return own.origin + own.pathname;
  if (!request.referrer || request.referrer === "about:client") return null;
  const page = new URL(request.referrer);
  if (page.origin !== own.origin || !LESSON_PATH.test(page.pathname)) return null;
  return page.origin + page.pathname;
}

async function sizeOf(response) {
  const length = Number(response.headers.get("Content-Length"));
  if (Number.isFinite(length) && length > 0 && !response.headers.get("Content-Encoding")) return length;
  return (await response.clone().blob()).size;
}

// One eviction at a time across the worker's concurrent fetches.
function exclusively(work) {
  const locks = globalThis.navigator?.locks;
  return locks ? locks.request("toto-lesson-cache", work) : work();
}

export class LessonBytesPlugin {
  constructor({ maxBytes }) {
    this.maxBytes = maxBytes;
  }

  cacheDidUpdate = async ({ cacheName, request, newResponse }) => {
    const lesson = lessonOf(request);
    if (!lesson || !newResponse) return;
    const bytes = await sizeOf(newResponse);
    await this.record(lesson, request.url, { cacheName, bytes });
    await exclusively(() => this.evict(lesson));
  };

  // A lesson read from the cache (offline, or a slow network) counts as used; a file already
  // cached for another lesson now belongs to this one as well.
  cachedResponseWillBeUsed = async ({ request, cachedResponse }) => {
    const lesson = cachedResponse ? lessonOf(request) : null;
    if (lesson) await this.record(lesson, request.url, null);
    return cachedResponse;
  };

  // One transaction: the entry's owners and the lesson's time, read and written together.
  async record(lesson, url, stored) {
    const db = await database();
    const tx = db.transaction([ENTRIES, LESSONS], "readwrite");
    const entries = tx.objectStore(ENTRIES);
    const entry = (await entries.get(url)) ?? (stored ? { url, lessons: [] } : null);
    const writes = [tx.objectStore(LESSONS).put({ lesson, usedAt: Date.now() })];
    if (entry) {
      if (stored) Object.assign(entry, stored);
      if (!entry.lessons.includes(lesson)) entry.lessons.push(lesson);
      writes.push(entries.put(entry));
    }
    await Promise.all([...writes, tx.done]);
    db.close();
  }

  async evict(keep) {
    const db = await database();
    try {
      const entries = await db.getAll(ENTRIES);
      // Entries whose response is gone (the caches were cleared at sign-out, or the browser
      // dropped them) no longer count.
      const live = [];
      for (const entry of entries) {
        const cache = await caches.open(entry.cacheName);
        if (await cache.match(entry.url, { ignoreVary: true })) live.push(entry);
        else await db.delete(ENTRIES, entry.url);
      }
      let total = live.reduce((sum, entry) => sum + entry.bytes, 0);
      if (total <= this.maxBytes) return;
      const lessons = (await db.getAll(LESSONS)).sort((a, b) => a.usedAt - b.usedAt);
      for (const { lesson } of lessons) {
        if (total <= this.maxBytes) break;
        if (lesson === keep) continue;
        for (const entry of live.filter((item) => item.lessons.includes(lesson))) {
          entry.lessons = entry.lessons.filter((owner) => owner !== lesson);
          if (entry.lessons.length) {
            await db.put(ENTRIES, entry);
            continue;
          }
          await (await caches.open(entry.cacheName)).delete(entry.url, { ignoreVary: true });
          await db.delete(ENTRIES, entry.url);
          total -= entry.bytes;
        }
        await db.delete(LESSONS, lesson);
      }
    } finally {
      db.close();
    }
  }
}
