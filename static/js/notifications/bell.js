// The notification bell: the unread count, live from /ws/notifications/, and a menu with the
// latest few (from the REST API) that links to each one and to the notifications page.
const bell = document.querySelector("[data-notification-bell]");
const count = bell?.querySelector(".bell-count");
const panel = document.getElementById("bell-panel");
const list = panel?.querySelector("[data-bell-list]");
const summary = panel?.querySelector("[data-bell-summary]");
const LATEST = 5;
let unread = 0;

function show(value) {
  unread = value;
  count.textContent = value > 99 ? "99+" : String(value);
  count.dataset.count = String(value);
  count.hidden = value === 0;
  if (summary) {
    summary.textContent =
      value === 1 ? panel.dataset.unreadOne : panel.dataset.unreadMany.replace("{n}", String(value));
  }
}

function item(notification) {
  const li = document.createElement("li");
  li.className = notification.read ? "read" : "unread";
  li.dataset.id = notification.id;
  const link = document.createElement("a");
  // Opening it through the site marks it read, then goes to what it is about.
  link.href = `/notifications/${notification.id}/`;
  link.textContent = notification.title;
  if (notification.body) {
    const body = document.createElement("small");
    body.textContent = notification.body;
    link.append(body);
  }
  li.append(link);
  return li;
}

async function load() {
  list.replaceChildren();
  list.setAttribute("aria-busy", "true");
  try {
    const [page, unreadCount] = await Promise.all(
      [`/api/v1/notifications/?page_size=${LATEST}`, "/api/v1/notifications/unread-count/"].map(
        async (url) => {
          const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        },
      ),
    );
    show(unreadCount.count);
    if (!page.results.length) {
      const empty = document.createElement("li");
      empty.className = "empty";
      empty.textContent = panel.dataset.empty;
      list.append(empty);
    }
    for (const notification of page.results) list.append(item(notification));
  } catch {
    const failed = document.createElement("li");
    failed.textContent = panel.dataset.failed;
    list.append(failed);
  } finally {
    list.removeAttribute("aria-busy");
  }
}

function setOpen(open) {
  panel.hidden = !open;
  bell.setAttribute("aria-expanded", String(open));
  if (open) load();
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
      if (!panel.hidden) {
        // A grouped notification ("Ana and 4 others liked …") comes again with its id.
        list.querySelector(`li[data-id="${data.notification.id}"]`)?.remove();
        list.prepend(item(data.notification));
      }
    }
  });
  ws.addEventListener("close", (event) => {
    if (event.code >= 4400 && event.code < 4500) return;
    setTimeout(() => connect(retry + 1), Math.min(15000, 1000 * 2 ** retry));
  });
}

if (bell && panel) {
  // The link stays the no-script fallback; with the script it is a menu button.
  bell.setAttribute("role", "button");
  bell.setAttribute("aria-haspopup", "true");
  bell.setAttribute("aria-expanded", "false");
  bell.addEventListener("click", (event) => {
    event.preventDefault();
    setOpen(panel.hidden);
  });
  bell.addEventListener("keydown", (event) => {
    if (event.key === " ") {
      event.preventDefault();
      setOpen(panel.hidden);
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden) {
      setOpen(false);
      bell.focus();
    }
  });
  document.addEventListener("click", (event) => {
    if (!panel.hidden && !panel.contains(event.target) && !bell.contains(event.target)) setOpen(false);
  });
  show(unread);
  connect();
}
