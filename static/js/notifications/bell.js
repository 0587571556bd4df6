// The notification bell: the unread count, live from /ws/notifications/.
const bell = document.querySelector("[data-notification-bell]");
const count = bell?.querySelector(".bell-count");

function show(value) {
  count.textContent = value > 99 ? "99+" : String(value);
  count.dataset.count = String(value);
  count.hidden = value === 0;
}

function connect(retry = 0) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${scheme}://${location.host}/ws/notifications/`);
  ws.addEventListener("open", () => (retry = 0));
  ws.addEventListener("message", (event) => {
    const data = JSON.parse(event.data);
    if (data.type === "unread_count") show(data.count);
    if (data.type === "notification.new") {
      show(data.unread_count);
      bell.title = data.notification.title;
    }
  });
  ws.addEventListener("close", (event) => {
    if (event.code >= 4400 && event.code < 4500) return;
    setTimeout(() => connect(retry + 1), Math.min(15000, 1000 * 2 ** retry));
  });
}

if (bell) connect();
