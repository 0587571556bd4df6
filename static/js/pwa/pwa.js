// On every page (base.html): registers the service worker at the site root, starts the
// offline outbox's indicator and replay, and offers installation where the browser allows:
// Chromium fires beforeinstallprompt (the [data-install-app] buttons appear and open the
// browser's own dialog); iOS Safari has no prompt, so [data-install-ios] guidance is shown
// there instead (templates/pwa/install.html).
import { start as startOutbox } from "./outbox.js";

// Registered once the page has loaded: on a first visit the worker's precache would otherwise
// compete with the page's own files for a slow phone connection.
function registerWorker() {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
    // No service worker (private mode, an old browser): the site still works online.
  });
}
if ("serviceWorker" in navigator) {
  if (document.readyState === "complete") registerWorker();
  else window.addEventListener("load", registerWorker, { once: true });
}
// Pages, lessons and API reads are cached as the signed-in person saw them: when another
// person (or nobody, after signing out) uses this browser, the copies go. The outbox is
// replayed only for a signed-in page (its writes carry the CSRF token of the session that
// made them; after a new sign-in the server refuses them instead of applying them).
const RUNTIME_CACHES = ["toto-pages", "toto-lessons", "toto-lesson-media", "toto-words", "toto-api", "toto-media"];
const signedIn = document.body.dataset.signedIn ?? "";
async function forgetPreviousPerson() {
  let previous = null;
  try {
    previous = localStorage.getItem("toto-signed-in");
    localStorage.setItem("toto-signed-in", signedIn);
  } catch {
    return; // storage blocked: nothing was cached by us either
  }
  if (previous !== null && previous !== signedIn && "caches" in window) {
    await Promise.all(RUNTIME_CACHES.map((name) => caches.delete(name)));
  }
}
forgetPreviousPerson();
if (signedIn) startOutbox();

// A lesson opened online is saved for offline use with its media: its page is cached by the
// service worker, but <audio preload="none"> fetches nothing until played (and then only
// ranges). Once the worker controls the page, each audio and video file of the lesson is
// fetched whole through it, into its media cache (CacheFirst: files already there cost no
// request). The lesson page marks its article [data-offline-media] ("saved" once done).
async function saveLessonMedia() {
  const main = document.querySelector("main [data-offline-media]");
  if (!main || !("serviceWorker" in navigator) || !navigator.onLine) return;
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) =>
      navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }),
    );
  }
  const urls = new Set();
  main.querySelectorAll("audio[src], video[src], audio source[src], video source[src]").forEach((element) => {
    const url = new URL(element.getAttribute("src"), window.location.href);
    if (url.origin === window.location.origin) urls.add(url.href);
  });
  const saved = await Promise.allSettled(
    [...urls].map((url) => fetch(url, { credentials: "same-origin" }).then((response) => response.ok)),
  );
  main.dataset.offlineMedia = saved.every((result) => result.status === "fulfilled" && result.value)
    ? "saved"
    : "partial";
}
saveLessonMedia();

let deferredPrompt = null;
const installButtons = () => document.querySelectorAll("[data-install-app]");
const standalone = () =>
  window.matchMedia("(display-mode: standalone)").matches || navigator.standalone === true;

window.addEventListener("beforeinstallprompt", (event) => {
  event.preventDefault();
  deferredPrompt = event;
  installButtons().forEach((button) => { button.hidden = false; });
});

window.addEventListener("appinstalled", () => {
  deferredPrompt = null;
  installButtons().forEach((button) => { button.hidden = true; });
  document.querySelectorAll("[data-installed]").forEach((element) => { element.hidden = false; });
});

document.addEventListener("click", async (event) => {
  const button = event.target.closest?.("[data-install-app]");
  if (!button || !deferredPrompt) return;
  const prompt = deferredPrompt;
  deferredPrompt = null;
  await prompt.prompt();
  await prompt.userChoice;
  button.hidden = true;
});

const isIos = /iphone|ipad|ipod/i.test(navigator.userAgent) ||
  (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
if (isIos && !standalone()) {
  document.querySelectorAll("[data-install-ios]").forEach((element) => { element.hidden = false; });
}
if (standalone()) {
  document.querySelectorAll("[data-installed]").forEach((element) => { element.hidden = false; });
}
