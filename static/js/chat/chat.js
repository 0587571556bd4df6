import { gettext, interpolate } from "../design/i18n.js";
import { ResumingSocket } from "./socket.js";

const root = document.querySelector(".chat");
const me = root.dataset.user;
const list = document.getElementById("conversations");
const messages = document.getElementById("messages");
const composer = document.getElementById("composer");
const body = document.getElementById("message-body");
const title = document.getElementById("conversation-title");
const typing = document.getElementById("typing");
const status = document.getElementById("connection-status");
const slotsPanel = document.getElementById("slots-panel");
const slotsButton = document.getElementById("slots-button");
const slotsResult = document.getElementById("slots-result");
const csrf = document.cookie.match(/csrftoken=([^;]+)/)?.[1] ?? "";

const socket = new ResumingSocket("/ws/chat/");
const shown = new Map(); // conversation id → Map(seq → message)
// client_id → {conversation, body, failed?: reason}. A failed send stays on screen with a
// "Retry" that resends under the same client_id, which the server stores once however often
// it arrives (an idempotency key), so a retry after a lost acknowledgement never doubles.
const pending = new Map();
const ACK_TIMEOUT_MS = 10000;
let current = null;
let conversations = [];
const listedTeachers = new Map(); // user id → Promise<boolean>
// Errors of the "slots" action (tutoring.selectors.chat), shown next to the button.
const SLOT_ERRORS = new Set(["not_a_member", "not_direct", "not_a_teacher", "no_lessons", "rate_limited"]);

async function api(path, options = {}) {
  const response = await fetch(path, {
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    ...options,
  });
  if (!response.ok) throw new Error((await response.json()).message);
  return response.status === 204 ? null : response.json();
}

function nameOf(conversation) {
  if (conversation.title) return conversation.title;
  return conversation.participants.filter((p) => p.id !== me).map((p) => p.name).join(", ");
}

function renderList() {
  const empty = document.getElementById("conversations-empty");
  if (empty) empty.hidden = conversations.length > 0;
  list.replaceChildren(
    ...conversations.map((conversation) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = nameOf(conversation);
      if (conversation.unread && conversation.id !== current) {
        const badge = document.createElement("span");
        badge.className = "badge";
        badge.textContent = conversation.unread;
        badge.setAttribute("aria-label", `${conversation.unread} unread`);
        button.append(" ", badge);
      }
      button.setAttribute("aria-current", conversation.id === current ? "true" : "false");
      button.addEventListener("click", () => open(conversation.id));
      item.append(button);
      return item;
    }),
  );
}

function remember(message) {
  if (!shown.has(message.conversation)) shown.set(message.conversation, new Map());
  shown.get(message.conversation).set(message.seq, message);
  // The resume point is the highest seq with no gap below it.
  let seq = socket.lastSeq.get(message.conversation) ?? 0;
  while (shown.get(message.conversation).has(seq + 1)) seq += 1;
  socket.lastSeq.set(message.conversation, seq);
}

function renderMessages() {
  const items = [...(shown.get(current)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
  messages.replaceChildren(
    ...items.map((message) => {
      const item = document.createElement("li");
      item.className = message.sender === me ? "mine" : "theirs";
      item.dataset.seq = message.seq;
      item.textContent = message.deleted ? "(deleted)" : message.body;
      if (message.attachment) {
        const link = document.createElement("a");
        link.href = message.attachment.url;
        link.textContent = ` 📎 ${message.attachment.name}`;
        item.append(link);
      }
      return item;
    }),
    ...[...pending.entries()]
      .filter(([, p]) => p.conversation === current)
      .map(([clientId, p]) => pendingItem(clientId, p)),
  );
  messages.lastElementChild?.scrollIntoView({ block: "end" });
  const last = socket.lastSeq.get(current);
  if (last && document.visibilityState === "visible") socket.send({ type: "read", conversation: current, seq: last });
}

function pendingItem(clientId, entry) {
  const item = document.createElement("li");
  item.className = entry.failed ? "mine failed" : "mine pending";
  item.dataset.clientId = clientId;
  item.append(entry.body);
  if (entry.failed) {
    const reason = document.createElement("span");
    reason.className = "chat-failure";
    reason.textContent = interpolate(gettext("Not sent: %(reason)s"), { reason: entry.failed });
    const retry = document.createElement("button");
    retry.type = "button";
    retry.className = "chat-retry";
    retry.textContent = gettext("Retry");
    retry.addEventListener("click", () => deliver(clientId));
    item.append(reason, retry);
  }
  return item;
}

function fail(clientId, reason) {
  const entry = pending.get(clientId);
  if (!entry) return;
  clearTimeout(entry.timer);
  entry.failed = reason || "the message could not be delivered.";
  renderMessages();
}

function deliver(clientId) {
  const entry = pending.get(clientId);
  if (!entry) return;
  entry.failed = null;
  clearTimeout(entry.timer);
  renderMessages();
  const message = { type: "message.send", conversation: entry.conversation, client_id: clientId, body: entry.body };
  if (socket.send(message)) {
    entry.timer = setTimeout(() => fail(clientId, "no answer from the server."), ACK_TIMEOUT_MS);
    return;
  }
  // No socket: the REST endpoint takes the same client id, so a later retry stays single.
  api(`/api/v1/conversations/${entry.conversation}/messages/`, {
    method: "POST", body: JSON.stringify({ client_id: clientId, body: entry.body }),
  }).then(
    (stored) => { pending.delete(clientId); remember(stored); renderMessages(); },
    (error) => fail(clientId, error.message),
  );
}

function isListedTeacher(userId) {
  if (!listedTeachers.has(userId)) {
    const found = fetch(`/api/v1/teachers/${userId}/`, { credentials: "same-origin" }).then((r) => r.ok, () => false);
    listedTeachers.set(userId, found);
  }
  return listedTeachers.get(userId);
}

// "Next free times" shows when the other person of a direct conversation is a listed teacher.
async function showSlotsButton(conversation) {
  slotsPanel.hidden = true;
  slotsResult.replaceChildren();
  const others = conversation.participants.filter((p) => p.id !== me);
  if (conversation.kind !== "direct" || others.length !== 1) return;
  if ((await isListedTeacher(others[0].id)) && current === conversation.id) slotsPanel.hidden = false;
}

function renderSlots(answer) {
  if (answer.conversation !== current) return;
  const day = new Intl.DateTimeFormat(undefined, { timeZone: answer.tz, weekday: "short", day: "numeric", month: "short" });
  const clock = new Intl.DateTimeFormat(undefined, { timeZone: answer.tz, hour: "2-digit", minute: "2-digit" });
  if (!answer.slots.length) {
    slotsResult.replaceChildren(Object.assign(document.createElement("p"), { textContent: gettext("No free time in the next weeks.") }));
    return;
  }
  const intro = Object.assign(document.createElement("p"), { textContent: interpolate(gettext("Next free times (%(zone)s); choose one to book:"), { zone: answer.tz }) });
  const items = document.createElement("ul");
  items.setAttribute("aria-label", gettext("Next free times"));
  for (const slot of answer.slots) {
    const start = new Date(slot.start);
    const end = new Date(slot.end);
    const link = document.createElement("a");
    link.href = answer.book_url;
    link.textContent = `${day.format(start)}, ${clock.format(start)}–${clock.format(end)}`;
    const item = document.createElement("li");
    const time = document.createElement("time");
    time.dateTime = slot.start;
    time.append(link);
    item.append(time);
    items.append(item);
  }
  slotsResult.replaceChildren(intro, items);
}

slotsButton.addEventListener("click", () => {
  if (!current) return;
  const asked = socket.send({ type: "slots", conversation: current, count: 5 });
  slotsResult.replaceChildren(Object.assign(document.createElement("p"), { textContent: asked ? gettext("Looking…") : gettext("Offline: try again in a moment.") }));
});
socket.addEventListener("slots", ({ detail }) => renderSlots(detail));

async function open(conversationId) {
  current = conversationId;
  const conversation = conversations.find((c) => c.id === conversationId);
  title.textContent = nameOf(conversation);
  showSlotsButton(conversation);
  conversation.unread = 0;
  composer.hidden = false;
  const page = await api(`/api/v1/conversations/${conversationId}/messages/?page_size=50`);
  page.results.forEach(remember);
  renderList();
  renderMessages();
  body.focus();
}

async function loadConversations() {
  conversations = (await api("/api/v1/conversations/")).results;
  renderList();
}

composer.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = body.value.trim();
  if (!text || !current) return;
  const clientId = crypto.randomUUID();
  pending.set(clientId, { conversation: current, body: text, failed: null });
  body.value = "";
  deliver(clientId);
});

body.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    composer.requestSubmit();
  }
});

let lastTyping = 0;
body.addEventListener("input", () => {
  if (current && Date.now() - lastTyping > 3000) {
    lastTyping = Date.now();
    socket.send({ type: "typing", conversation: current });
  }
});

const peopleForm = document.getElementById("people-search");
const peopleResults = document.getElementById("people-results");
const peopleStatus = document.getElementById("people-status");
const peopleMore = document.getElementById("people-more");
let nextPeople = null;

async function startWith(person) {
  try {
    const conversation = await api("/api/v1/conversations/", { method: "POST", body: JSON.stringify({ participants: [person.id] }) });
    await loadConversations();
    open(conversation.id);
  } catch (error) {
    peopleStatus.textContent = error.message;
  }
}

function showPeople(page, append) {
  const items = page.results.map((person) => {
    const item = document.createElement("li");
    const name = document.createElement("span");
    name.textContent = person.name;
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = gettext("Message");
    button.setAttribute("aria-label", interpolate(gettext("Message %(name)s"), { name: person.name }));
    button.addEventListener("click", () => startWith(person));
    item.append(name, button);
    return item;
  });
  if (append) peopleResults.append(...items);
  else peopleResults.replaceChildren(...items);
  nextPeople = page.next;
  peopleMore.hidden = !page.next;
  peopleStatus.textContent = peopleResults.children.length ? "" : peopleForm.dataset.none;
}

peopleForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const query = peopleForm.q.value.trim();
  if (query.length < 2) {
    peopleStatus.textContent = peopleForm.dataset.short;
    return;
  }
  try {
    showPeople(await api(`/api/v1/people/?q=${encodeURIComponent(query)}`), false);
  } catch (error) {
    peopleStatus.textContent = error.message;
  }
});
peopleMore.addEventListener("click", async () => {
  if (nextPeople) showPeople(await api(nextPeople), true);
});

socket.addEventListener("status", ({ detail }) => {
  status.textContent = detail === "online" ? gettext("Online") : detail === "offline" ? gettext("Reconnecting…") : gettext("Not allowed");
  status.dataset.state = detail;
});
function settle(clientId) {
  clearTimeout(pending.get(clientId)?.timer);
  pending.delete(clientId);
}
socket.addEventListener("message.ack", ({ detail }) => {
  settle(detail.client_id);
});
socket.addEventListener("message.new", ({ detail }) => {
  const message = detail.message;
  settle(message.client_id);
  remember(message);
  const conversation = conversations.find((c) => c.id === message.conversation);
  if (!conversation) return loadConversations();
  if (message.conversation === current) renderMessages();
  else if (message.sender !== me) { conversation.unread += 1; renderList(); }
});
for (const type of ["message.updated", "message.deleted"]) {
  socket.addEventListener(type, ({ detail }) => {
    shown.get(detail.message.conversation)?.set(detail.message.seq, detail.message);
    if (detail.message.conversation === current) renderMessages();
  });
}
socket.addEventListener("conversation.new", loadConversations);
let typingTimer;
socket.addEventListener("typing", ({ detail }) => {
  if (detail.conversation !== current) return;
  typing.textContent = "typing…";
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => (typing.textContent = ""), 4000);
});
socket.addEventListener("error", ({ detail }) => {
  if (SLOT_ERRORS.has(detail?.code)) {
    if (detail.conversation === current) slotsResult.replaceChildren(Object.assign(document.createElement("p"), { textContent: detail.message }));
    return;
  }
  if (detail?.client_id && pending.has(detail.client_id)) {
    fail(detail.client_id, detail.message);
    return;
  }
  if (detail?.message) status.textContent = detail.message;
  renderMessages();
});

// The first screen came rendered with the page (messaging.views.chat_page), with the same
// data in the API's shapes: take it over without asking the API again. Without it (an older
// cached page), ask as before. "Message" on a profile lands here with the conversation to open.
const asked = new URLSearchParams(location.search).get("conversation");
const initialData = document.getElementById("chat-initial");
if (initialData) {
  const initial = JSON.parse(initialData.textContent);
  conversations = initial.conversations;
  if (initial.current) {
    initial.messages.forEach(remember);
    current = initial.current;
    const conversation = conversations.find((c) => c.id === current);
    conversation.unread = 0;
    showSlotsButton(conversation);
    renderMessages(); // the same items; also marks them read
    body.focus();
  }
  renderList(); // the same items, now with their click handlers
} else {
  loadConversations().then(() => {
    if (asked && conversations.some((c) => c.id === asked)) open(asked);
  });
}
