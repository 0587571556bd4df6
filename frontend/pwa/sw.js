// Toto's service worker, bundled by scripts/build-frontend.mjs (esbuild) from Workbox's npm
// modules into static/dist/sw.js and served by the pwa app at /sw.js, which replaces
// self.__WB_MANIFEST with the app shell's current static URLs (hashed in production).
//
// What works offline (say the same on templates/pwa/offline.html):
// - the app shell (stylesheet, Alpine, icons, the site's scripts) and the offline page;
// - pages visited while online, NetworkFirst: fresh when the network answers in time,
//   otherwise the copy from the last visit, otherwise the offline page;
// - lessons the learner opened, with their images and audio (fetched whole when the lesson
//   opens, played offline through range requests), under a byte cap: past LESSON_BYTES the
//   least recently used lessons go, page and media together (lesson-cache.js); other media
//   past MAX_MEDIA entries;
// - the phrasebook and translation history (their API reads, NetworkFirst);
// - the word bank and the review session with the cards due at the last visit (their own
//   cache, so other pages do not push them out); answers made offline go to the outbox;
// - writes made offline wait in the outbox (static/js/pwa/outbox.js) and are replayed by the
//   page on reconnect, or here on a Background Sync "toto-outbox" event.
import { clientsClaim } from "workbox-core";
import { ExpirationPlugin } from "workbox-expiration";
import { cleanupOutdatedCaches, matchPrecache, precacheAndRoute } from "workbox-precaching";
import { registerRoute, setCatchHandler } from "workbox-routing";
import { CacheFirst, NetworkFirst, StaleWhileRevalidate } from "workbox-strategies";
import { CacheableResponsePlugin } from "workbox-cacheable-response";
import { RangeRequestsPlugin } from "workbox-range-requests";
import { replay } from "../../static/js/pwa/outbox-store.js";
import { LESSON_PATH, LessonBytesPlugin, lessonOf } from "./lesson-cache.js";

const OFFLINE_URL = "/offline/";
// The pwa app's view writes settings.PWA_LESSON_CACHE_BYTES here (50 MB by default).
const LESSON_BYTES = Number(self.__TOTO_LESSON_CACHE_BYTES) || 50 * 1024 * 1024;
const MAX_MEDIA = 120;
const NETWORK_TIMEOUT = 4; // seconds before a page falls back to its cached copy
const ok = new CacheableResponsePlugin({ statuses: [200] });

self.skipWaiting();
clientsClaim();
cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);

const sameOrigin = (url) => url.origin === self.location.origin;
const isLesson = ({ request, url }) =>
  request.mode === "navigate" && sameOrigin(url) && LESSON_PATH.test(url.pathname);

// Lessons first: their own caches under one byte cap, so a week of lessons does not push out
// the phrasebook, and a learner's least recently used lessons go first, with their media.
const lessonBytes = new LessonBytesPlugin({ maxBytes: LESSON_BYTES });
registerRoute(
  isLesson,
  new NetworkFirst({
    cacheName: "toto-lessons",
    networkTimeoutSeconds: NETWORK_TIMEOUT,
    plugins: [ok, lessonBytes],
  }),
);

// Lesson media: Wagtail images (renditions) and documents (a lesson's audio and video are
// documents, /documents/<id>/<name>, served after the collection's privacy check: cached
// like the lesson page, on the learner's own device, dropped when another person signs in);
// immutable by URL. Only
// whole files (200) are cached: a lesson page fetches its audio whole when it opens
// (static/js/pwa/pwa.js), since <audio preload="none"> would fetch nothing, or only a range.
// An <audio> element asks with a Range header: the RangeRequestsPlugin answers it with a 206
// sliced from the cached whole file, so the lesson's audio plays (and seeks) offline.
const isMedia = ({ request, url }) =>
  sameOrigin(url) &&
  (url.pathname.startsWith("/media/") ||
    url.pathname.startsWith("/documents/") ||
    ["image", "audio", "video"].includes(request.destination)) &&
  !url.pathname.startsWith("/static/");
// A lesson page's own media count in its bytes and go with it.
registerRoute(
  ({ request, url }) => isMedia({ request, url }) && lessonOf(request) !== null,
  new CacheFirst({
    cacheName: "toto-lesson-media",
    plugins: [new CacheableResponsePlugin({ statuses: [0, 200] }), lessonBytes, new RangeRequestsPlugin()],
  }),
);
registerRoute(
  isMedia,
  new CacheFirst({
    cacheName: "toto-media",
    plugins: [
      new CacheableResponsePlugin({ statuses: [0, 200] }),
      new ExpirationPlugin({ maxEntries: MAX_MEDIA, purgeOnQuotaError: true }),
      new RangeRequestsPlugin(),
    ],
  }),
);

// The word bank and the review session: the learner's cards, reviewable offline. Their own
// small cache so browsing sixty other pages does not evict them.
registerRoute(
  ({ request, url }) => request.mode === "navigate" && sameOrigin(url) && url.pathname.startsWith("/vocabulary/"),
  new NetworkFirst({
    cacheName: "toto-words",
    networkTimeoutSeconds: NETWORK_TIMEOUT,
    plugins: [ok, new ExpirationPlugin({ maxEntries: 10, purgeOnQuotaError: true })],
  }),
);

// Every other page: fresh when possible, the last copy when not.
registerRoute(
  ({ request, url }) => request.mode === "navigate" && sameOrigin(url) && !url.pathname.startsWith("/admin/"),
  new NetworkFirst({
    cacheName: "toto-pages",
    networkTimeoutSeconds: NETWORK_TIMEOUT,
    plugins: [ok, new ExpirationPlugin({ maxEntries: 60, purgeOnQuotaError: true })],
  }),
);

// Reads that the offline pages show: phrasebook, translation history, languages, the cards
// due for review and the word bank.
const OFFLINE_READS = [
  /^\/api\/v1\/translate\/(phrasebook|history|languages)\//,
  /^\/api\/v1\/reviews\/due\/$/,
  /^\/api\/v1\/vocabulary\/words\/$/,
];
registerRoute(
  ({ request, url }) =>
    request.method === "GET" && sameOrigin(url) && OFFLINE_READS.some((read) => read.test(url.pathname)),
  new NetworkFirst({
    cacheName: "toto-api",
    networkTimeoutSeconds: NETWORK_TIMEOUT,
    plugins: [ok, new ExpirationPlugin({ maxEntries: 50, purgeOnQuotaError: true })],
  }),
);

// Static files not in the precache (an app's own script): hashed in production.
registerRoute(
  ({ url }) => sameOrigin(url) && url.pathname.startsWith("/static/"),
  new StaleWhileRevalidate({ cacheName: "toto-static", plugins: [ok, new ExpirationPlugin({ maxEntries: 100 })] }),
);

setCatchHandler(async ({ request }) => {
  if (request.mode === "navigate") return (await matchPrecache(OFFLINE_URL)) ?? Response.error();
  return Response.error();
});

// --- Background Sync: replay the outbox when the browser says the network is back. ---------
self.addEventListener("sync", (event) => {
  if (event.tag === "toto-outbox") event.waitUntil(replayAndTell());
});

async function replayAndTell() {
  const result = await replay(fetch.bind(self));
  const windows = await self.clients.matchAll({ type: "window" });
  for (const client of windows) client.postMessage({ type: "outbox-replayed", ...result });
}

// --- Web Push (notifications app's webpush channel) -----------------------------------------
self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = { title: "Toto", body: event.data ? event.data.text() : "" };
  }
  const title = message.title || "Toto";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: message.body || "",
      icon: "/static/img/app/icon-192.png",
      badge: "/static/img/app/maskable-192.png",
      tag: message.notification_id || undefined,
      data: { url: message.url || "/" },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url || "/", self.location.origin).href;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const open = windows.find((client) => client.url === target);
      if (open) return open.focus();
      return self.clients.openWindow(target);
    })(),
  );
});
