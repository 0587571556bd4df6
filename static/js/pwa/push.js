// The profile's "Notifications on this device" switch: subscribes this browser to Web Push with
// the server's VAPID key (GET /api/v1/notifications/web-push/) and registers the subscription
// (POST there), or removes it (POST …/unsubscribe/). The service worker shows what arrives.
const box = document.querySelector("[data-web-push]");
const API = "/api/v1/notifications/web-push/";

const csrf = () =>
  document.querySelector("[name=csrfmiddlewaretoken]")?.value ||
  document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/)?.[1] ||
  "";

function keyBytes(base64url) {
  const padded = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

async function post(url, json) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
    body: JSON.stringify(json),
  });
  if (!response.ok) throw new Error(`${response.status}`);
}

function show(state) {
  box.querySelector("[data-web-push-status]").textContent = box.dataset[`text${state[0].toUpperCase()}${state.slice(1)}`];
  box.querySelector("[data-web-push-on]").hidden = state !== "off";
  box.querySelector("[data-web-push-off]").hidden = state !== "on";
}

async function setUp() {
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    show("unsupported");
    return;
  }
  const config = await (await fetch(API, { credentials: "same-origin" })).json();
  if (!config.public_key) {
    show("unavailable");
    return;
  }
  const registration = await navigator.serviceWorker.ready;
  const current = await registration.pushManager.getSubscription();
  if (Notification.permission === "denied") show("denied");
  else show(current ? "on" : "off");

  box.querySelector("[data-web-push-on]").addEventListener("click", async () => {
    try {
      if ((await Notification.requestPermission()) !== "granted") {
        show("denied");
        return;
      }
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(config.public_key),
      });
      await post(API, subscription.toJSON());
      show("on");
    } catch {
      show("failed");
      box.querySelector("[data-web-push-on]").hidden = false;
    }
  });
  box.querySelector("[data-web-push-off]").addEventListener("click", async () => {
    try {
      const subscription = await registration.pushManager.getSubscription();
      if (subscription) {
        await post(`${API}unsubscribe/`, { endpoint: subscription.endpoint });
        await subscription.unsubscribe();
      }
      show("off");
    } catch {
      show("failed");
    }
  });
}

if (box) setUp();
