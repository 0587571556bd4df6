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
const pending = new Map(); // client_id → {conversation, body}
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
    ...[...pending.values()]
      .filter((p) => p.conversation === current)
      .map((p) => Object.assign(document.createElement("li"), { className: "mine pending", textContent: p.body })),
  );
  messages.lastElementChild?.scrollIntoView({ block: "end" });
  const last = socket.lastSeq.get(current);
  if (last && document.visibilityState === "visible") socket.send({ type: "read", conversation: current, seq: last });
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
    slotsResult.replaceChildren(Object.assign(document.createElement("p"), { textContent: "No free time in the next weeks." }));
    return;
  }
  const intro = Object.assign(document.createElement("p"), { textContent: `Next free times (${answer.tz}); choose one to book:` });
  const items = document.createElement("ul");
  items.setAttribute("aria-label", "Next free times");
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
  slotsResult.replaceChildren(Object.assign(document.createElement("p"), { textContent: asked ? "Looking…" : "Offline: try again in a moment." }));
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
  pending.set(clientId, { conversation: current, body: text });
  body.value = "";
  renderMessages();
  const message = { type: "message.send", conversation: current, client_id: clientId, body: text };
  if (!socket.send(message)) {
    // No socket: the REST endpoint takes the same client id, so a later retry stays single.
    api(`/api/v1/conversations/${current}/messages/`, { method: "POST", body: JSON.stringify({ client_id: clientId, body: text }) })
      .then((stored) => { pending.delete(clientId); remember(stored); renderMessages(); });
  }
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

document.getElementById("new-conversation").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = event.target.participant;
  const conversation = await api("/api/v1/conversations/", { method: "POST", body: JSON.stringify({ participants: [input.value.trim()] }) });
  input.value = "";
  await loadConversations();
  open(conversation.id);
});

socket.addEventListener("status", ({ detail }) => {
  status.textContent = detail === "online" ? "Online" : detail === "offline" ? "Reconnecting…" : "Not allowed";
  status.dataset.state = detail;
});
socket.addEventListener("message.ack", ({ detail }) => {
  pending.delete(detail.client_id);
});
socket.addEventListener("message.new", ({ detail }) => {
  const message = detail.message;
  pending.delete(message.client_id);
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
  if (detail?.client_id) pending.delete(detail.client_id);
  if (detail?.message) status.textContent = detail.message;
  renderMessages();
});

loadConversations();
