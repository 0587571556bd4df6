import { gettext } from "../design/i18n.js";
import { api, explain } from "../ai/api.js";

// Live suggestions: the text is re-checked 700 ms after the learner stops typing; an older
// request still in flight is aborted. Identical texts are answered from the server's cache.
const DEBOUNCE_MS = 700;
const textarea = document.getElementById("grammar-text");
const layer = document.getElementById("grammar-highlights");
const list = document.getElementById("grammar-edits");
const count = document.getElementById("grammar-count");
const status = document.getElementById("grammar-status");
let timer = null;
let inFlight = null;
let edits = [];

// Offsets from the API are in code points; JavaScript strings index UTF-16 units.
const chars = (text) => Array.from(text);

function render() {
  const text = chars(textarea.value);
  const fragment = document.createDocumentFragment();
  let position = 0;
  edits.forEach((edit, index) => {
    if (edit.offset < position) return;
    fragment.append(text.slice(position, edit.offset).join(""));
    const mark = document.createElement("mark");
    mark.className = `issue issue-${edit.category.toLowerCase()}`;
    mark.dataset.index = index;
    mark.textContent = text.slice(edit.offset, edit.offset + edit.length).join("");
    fragment.append(mark);
    position = edit.offset + edit.length;
  });
  fragment.append(text.slice(position).join("") + "\n");
  layer.replaceChildren(fragment);
  count.textContent = edits.length;
  list.replaceChildren(...edits.map((edit, index) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "edit";
    const fix = edit.replacement === null ? "" : ` → “${edit.replacement}”`;
    button.textContent = `“${edit.original}”${fix}`;
    button.addEventListener("click", () => apply(index));
    const why = document.createElement("p");
    why.textContent = `${edit.category}: ${edit.explanation}`;
    item.append(button, why);
    return item;
  }));
}

function apply(index) {
  const edit = edits[index];
  if (edit.replacement === null) return;
  const text = chars(textarea.value);
  text.splice(edit.offset, edit.length, ...chars(edit.replacement));
  textarea.value = text.join("");
  const shift = chars(edit.replacement).length - edit.length;
  edits = edits.filter((_, i) => i !== index).map((other) =>
    other.offset > edit.offset ? { ...other, offset: other.offset + shift } : other);
  render();
  schedule();
}

async function check() {
  const text = textarea.value;
  if (!text.trim()) { edits = []; render(); return; }
  inFlight?.abort();
  inFlight = new AbortController();
  status.textContent = gettext("Checking…");
  try {
    const result = await api("ai/grammar/", {
      method: "POST", json: { text, language: "en" }, signal: inFlight.signal,
    });
    if (textarea.value !== text) return; // typed on meanwhile: the next check will render
    edits = result.edits;
    render();
    status.textContent = edits.length ? "" : gettext("No problems found.");
  } catch (error) {
    if (error.name !== "AbortError") status.textContent = explain(error);
  }
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(check, DEBOUNCE_MS);
}

textarea.addEventListener("input", () => {
  edits = []; // stale offsets would mark the wrong words
  render();
  schedule();
});
textarea.addEventListener("scroll", () => { layer.scrollTop = textarea.scrollTop; });
render();
