// "Find a practice partner": asks /ws/match/ for a partner with the chosen language and level
// and, once matched, goes to the call both partners were given.
const form = document.getElementById("practice-form");
const status = document.getElementById("practice-status");
const find = document.getElementById("practice-find");
const cancel = document.getElementById("practice-cancel");
const scheme = location.protocol === "https:" ? "wss" : "ws";
let ws;

function searching(on) {
  find.hidden = on;
  cancel.hidden = !on;
  form.language.disabled = on;
  form.level.disabled = on;
}

function connect() {
  ws = new WebSocket(`${scheme}://${location.host}/ws/match/`);
  ws.addEventListener("message", (event) => {
    const data = JSON.parse(event.data);
    if (data.type === "match.waiting") status.textContent = form.dataset.waiting;
    if (data.type === "match.found") {
      status.textContent = form.dataset.found;
      location.assign(data.url);
    }
    if (data.type === "match.none" || data.type === "error") {
      searching(false);
      status.textContent = data.message;
    }
    if (data.type === "match.cancelled") {
      searching(false);
      status.textContent = "";
    }
  });
  ws.addEventListener("close", (event) => {
    searching(false);
    if (event.code >= 4400 && event.code < 4500) status.textContent = "You cannot use matching right now (is your email address verified?).";
  });
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (ws?.readyState !== WebSocket.OPEN) {
    status.textContent = form.dataset.offline;
    return;
  }
  searching(true);
  ws.send(JSON.stringify({ type: "match.find", language: form.language.value, level: form.level.value }));
});
cancel.addEventListener("click", () => ws?.send(JSON.stringify({ type: "match.cancel" })));
connect();
