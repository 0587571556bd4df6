import { gettext } from "../design/i18n.js";
import { api, explain } from "./api.js";

// Writing feedback: one request per submission (it is charged), with an idempotency key so
// that a double click or a retry after a network error is not charged twice.
const $ = (selector) => document.querySelector(selector);
const LABELS = {
  grammar: gettext("Grammar"),
  vocabulary_range: gettext("Vocabulary range"),
  coherence: gettext("Coherence"),
  task_achievement: gettext("Task achievement"),
};
let pending = null; // { key, body } of the submission in flight or last failed

const words = (text) => text.trim().split(/\s+/).filter(Boolean).length;

$("#writing-text").addEventListener("input", (event) => {
  const count = words(event.target.value);
  $("#writing-count").textContent = `${count} ${count === 1 ? "word" : "words"}`;
});

function render(result) {
  $("#writing-cefr").textContent = result.cefr_level;
  const scores = $("#writing-scores");
  scores.replaceChildren();
  for (const [name, label] of Object.entries(LABELS)) {
    const value = result.scores[name];
    const term = document.createElement("dt");
    term.textContent = label;
    const detail = document.createElement("dd");
    const bar = document.createElement("meter");
    Object.assign(bar, { min: 0, max: 100, low: 50, high: 75, optimum: 100, value });
    bar.setAttribute("aria-label", `${label}: ${value} out of 100`);
    const number = document.createElement("span");
    number.textContent = ` ${value}/100`;
    detail.append(bar, number);
    scores.append(term, detail);
  }
  $("#writing-comments").replaceChildren(...result.comments.map((comment) => {
    const item = document.createElement("li");
    item.textContent = comment;
    return item;
  }));
  $("#writing-mode").textContent = result.mode === "llm"
    ? `Scored by the language model${result.model ? ` (${result.model})` : ""}.`
    : `Scored offline from grammar checks and vocabulary measures. ${result.fallback_reason ?? ""}`;
  $("#writing-result").hidden = false;
  $("#writing-result-title").focus?.();
}

$("#writing-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = {
    text: $("#writing-text").value,
    task: $("#writing-task").value,
    level: $("#writing-level").value,
    language: $("#writing-language").value,
  };
  $("#writing-error").textContent = "";
  if (words(body.text) < 3) {
    $("#writing-error").textContent = gettext("Write at least a few words to assess.");
    $("#writing-text").focus();
    return;
  }
  // The same text resubmitted after a failure reuses its key; a changed text gets a new one.
  if (!pending || JSON.stringify(pending.body) !== JSON.stringify(body)) {
    pending = { key: crypto.randomUUID(), body };
  }
  const button = $("#writing-submit");
  button.disabled = true;
  $("#writing-status").textContent = gettext("Reading your text…");
  try {
    const result = await api("ai/writing/", {
      method: "POST", json: body, headers: { "Idempotency-Key": pending.key },
    });
    render(result);
    $("#writing-status").textContent = `Feedback ready (${result.usage.credits} credits).`;
  } catch (error) {
    $("#writing-status").textContent = "";
    $("#writing-error").textContent = explain(error);
  } finally {
    button.disabled = false;
  }
});
