import { gettext } from "../design/i18n.js";
import { ApiError, api, explain } from "../ai/api.js";
import { send } from "../pwa/outbox.js";
import { Recorder, extensionFor } from "./recorder.js";

const $ = (selector, root = document) => root.querySelector(selector);
const status = $("#status");
const say = (message) => { status.textContent = message; };
let last = null; // the latest translation, for copy / share / save

// --- languages -----------------------------------------------------------------------------
// Only pairs an installed engine can do are offered: the "To" list follows the "From"
// choice, and a target reached through a pivot language says so.
let languages = [];
const nameOf = (code) => languages.find((l) => l.code === code)?.name ?? code;

function fillTargets() {
  const select = $("#target");
  const source = $("#source").value;
  const previous = select.value || "es";
  const options = [];
  if (source === "auto") {
    const reachable = new Set(languages.flatMap((l) => l.targets));
    for (const language of languages) {
      if (reachable.has(language.code)) options.push(new Option(language.name, language.code));
    }
  } else {
    const from = languages.find((l) => l.code === source);
    for (const code of from?.targets ?? []) {
      if (code === source) continue;
      const pivot = from.pivots?.[code];
      const label = pivot ? `${nameOf(code)} (through ${nameOf(pivot)})` : nameOf(code);
      options.push(new Option(label, code));
    }
  }
  select.replaceChildren(...options);
  if (options.some((option) => option.value === previous)) select.value = previous;
  if (!options.length) say(`Nothing can be translated from ${nameOf(source)} on this server.`);
}

async function loadLanguages() {
  try {
    languages = await api("translate/languages/");
  } catch (error) {
    say(explain(error));
  }
  const defaults = { "conversation-a": "en", "conversation-b": "es" };
  document.querySelectorAll("[data-languages]:not(#target)").forEach((select) => {
    for (const language of languages) {
      if (select.dataset.languages === "source" || language.targets.length > 1) {
        select.append(new Option(language.name, language.code));
      }
    }
    const wanted = defaults[select.dataset.languages];
    if (wanted && languages.some((l) => l.code === wanted)) select.value = wanted;
  });
  fillTargets();
}

// --- text and voice --------------------------------------------------------------------------
function show(result) {
  last = result;
  $("#translated-text").textContent = result.translated_text;
  const detected = result.detected || result.transcript
    ? `Detected: ${nameOf(result.source_language)}. ` : "";
  let engine = result.engine ? `Translated by ${result.engine}` : "";
  if (engine && result.pivot_language) engine += ` through ${nameOf(result.pivot_language)}`;
  $("#detected").textContent = `${detected}${engine ? `${engine}.` : ""}`;
  for (const id of ["#copy-button", "#share-button", "#save-button", "#vocab-add-button"]) $(id).disabled = false;
}

async function translateText() {
  const text = $("#source-text").value.trim();
  if (!text) return say(gettext("Type something to translate."));
  say(gettext("Translating…"));
  try {
    show(await api("translate/text/", {
      method: "POST",
      json: { text, source: $("#source").value, target: $("#target").value },
    }));
    say("");
  } catch (error) {
    say(explain(error));
  }
}

function playBase64(audio, element) {
  element.src = `data:${audio.content_type};base64,${audio.data}`;
  element.hidden = false;
  element.play().catch(() => {}); // autoplay may be blocked; the controls stay visible
}

async function translateVoice(blob) {
  const form = new FormData();
  form.append("audio", blob, `recording.${extensionFor(blob)}`);
  form.append("target", $("#target").value);
  if ($("#source").value !== "auto") form.append("source", $("#source").value);
  say(gettext("Listening to your recording…"));
  try {
    const result = await api("translate/voice/", { method: "POST", form });
    $("#source-text").value = result.transcript;
    show({ ...result, source_text: result.transcript });
    playBase64(result.audio, $("#translated-audio"));
    say("");
  } catch (error) {
    say(explain(error));
  }
}

// --- microphone buttons ----------------------------------------------------------------------
function wireRecorder(button, onAudio) {
  const canvas = button.parentElement.querySelector(".waveform");
  let recorder = null;
  button.addEventListener("click", async () => {
    if (!recorder) {
      if (!window.MediaRecorder || !navigator.mediaDevices) return say(gettext("This browser cannot record audio."));
      recorder = new Recorder(canvas);
      try {
        await recorder.start();
      } catch {
        recorder = null;
        return say(gettext("Microphone access was refused."));
      }
      button.setAttribute("aria-pressed", "true");
      button.querySelector("span").textContent = "Stop";
      return;
    }
    const blob = await recorder.stop();
    recorder = null;
    button.setAttribute("aria-pressed", "false");
    button.querySelector("span").textContent = "Record";
    onAudio(blob);
  });
}

// --- copy, share, phrasebook ----------------------------------------------------------------
async function copy() {
  await navigator.clipboard.writeText(last.translated_text);
  say(gettext("Copied."));
}

async function share() {
  const text = `${last.source_text} → ${last.translated_text}`;
  if (navigator.share) {
    try { await navigator.share({ title: gettext("Translation"), text }); } catch { /* cancelled */ }
    return;
  }
  await navigator.clipboard.writeText(text);
  say("Sharing is not available here: the translation was copied instead.");
}

// Through the offline outbox: saved now when online, otherwise kept on this device and sent
// (with the same Idempotency-Key) when the connection is back.
async function save() {
  const entry = {
    source_language: last.source_language, target_language: last.target_language,
    source_text: last.source_text, translated_text: last.translated_text,
  };
  try {
    const { queued, response } = await send("/api/v1/translate/phrasebook/", entry, { label: entry.source_text });
    if (queued) {
      say("You are offline: the phrase is kept on this device and saved when you reconnect.");
      return;
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new ApiError(response.status, body);
    say(gettext("Saved to your phrasebook."));
    loadPhrasebook();
  } catch (error) {
    say(explain(error));
  }
}

async function loadPhrasebook() {
  const list = $("#phrasebook-list");
  try {
    const page = await api("translate/phrasebook/?page_size=50");
    if (!page.results.length) {
      const empty = document.createElement("li");
      empty.className = "empty-state";
      empty.textContent = "Nothing saved yet: translate something and press “Save to phrasebook”.";
      list.replaceChildren(empty);
      return;
    }
    list.replaceChildren(...page.results.map((entry) => {
      const item = document.createElement("li");
      item.innerHTML = "<span class=phrase-source></span> → <span class=phrase-target></span> <span class=tags></span> <button type=button class='button button-ghost phrase-delete'>Delete</button>";
      item.querySelector(".phrase-source").textContent = entry.source_text;
      item.querySelector(".phrase-target").textContent = entry.translated_text;
      item.querySelector(".tags").textContent = entry.tags.map((t) => `#${t}`).join(" ");
      const remove = item.querySelector(".phrase-delete");
      remove.setAttribute("aria-label", `Delete “${entry.source_text}” from the phrasebook`);
      remove.addEventListener("click", () => deletePhrase(entry, item));
      item.append(" ", vocabularyButton(entry));
      return item;
    }));
  } catch (error) {
    list.textContent = explain(error);
  }
}

// "Add to my words": static/js/vocabulary/quick-add.js handles buttons marked data-vocab-add.
function vocabularyButton(entry) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button button-ghost";
  button.textContent = gettext("Add to my words");
  button.setAttribute("aria-label", `Add to my words: ${entry.translated_text}`);
  Object.assign(button.dataset, {
    vocabAdd: "", source: "phrasebook", sourceRef: `phrasebook:${entry.id}`,
    text: entry.translated_text, translation: entry.source_text, language: entry.target_language,
    added: $("#vocab-add-button").dataset.added, already: $("#vocab-add-button").dataset.already,
  });
  return button;
}

async function deletePhrase(entry, item) {
  try {
    await api(`translate/phrasebook/${entry.id}/`, { method: "DELETE" });
    item.remove();
    say(`“${entry.source_text}” was removed from your phrasebook.`);
    if (!$("#phrasebook-list").children.length) loadPhrasebook();
  } catch (error) {
    say(explain(error));
  }
}

// --- conversation ----------------------------------------------------------------------------
let conversationId = null;

async function ensureConversation() {
  const a = $('[data-languages="conversation-a"]').value;
  const b = $('[data-languages="conversation-b"]').value;
  if (!conversationId || ensureConversation.pair !== `${a}:${b}`) {
    const conversation = await api("translate/conversations/", {
      method: "POST", json: { language_a: a, language_b: b },
    });
    conversationId = conversation.id;
    ensureConversation.pair = `${a}:${b}`;
  }
  return conversationId;
}

function addTurn(turn) {
  // The speaker's own words on their side, the translation on the other side.
  for (const side of ["a", "b"]) {
    const item = document.createElement("li");
    const own = side === turn.speaker;
    item.className = own ? "turn own" : "turn other";
    item.textContent = own ? turn.source_text : turn.translated_text;
    item.lang = own ? turn.source_language : turn.target_language;
    $(`.speaker-${side} .turns`).append(item);
  }
}

async function sendTurn(side, payload) {
  try {
    const id = await ensureConversation();
    let turn;
    if (payload instanceof Blob) {
      const form = new FormData();
      form.append("audio", payload, `turn.${extensionFor(payload)}`);
      form.append("speaker", side);
      turn = await api(`translate/conversations/${id}/turns/`, { method: "POST", form });
    } else {
      turn = await api(`translate/conversations/${id}/turns/`, {
        method: "POST", json: { text: payload, speaker: side },
      });
    }
    addTurn(turn);
    if (turn.audio) playBase64(turn.audio, new Audio());
  } catch (error) {
    say(explain(error));
  }
}

// --- tabs ------------------------------------------------------------------------------------
function wireTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  const select = (tab) => {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
    }
    tab.focus();
  };
  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => select(tab));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (step) select(tabs[(index + step + tabs.length) % tabs.length]);
    });
  });
}

wireTabs();
loadLanguages();
$("#source").addEventListener("change", fillTargets);
loadPhrasebook();
document.addEventListener("toto:outbox-replayed", () => loadPhrasebook());
$("#translate-button").addEventListener("click", translateText);
$("#source-text").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) translateText();
});
$("#copy-button").addEventListener("click", copy);
$("#share-button").addEventListener("click", share);
$("#save-button").addEventListener("click", save);
document.querySelectorAll(".record-button").forEach((button) => {
  const target = button.dataset.record;
  wireRecorder(button, (blob) => (target === "text" ? translateVoice(blob) : sendTurn(target, blob)));
});
document.querySelectorAll(".turn-form").forEach((form) => {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const input = form.querySelector("input");
    if (!input.value.trim()) return;
    sendTurn(form.closest(".speaker").dataset.side, input.value.trim());
    input.value = "";
  });
});
