// The review session: today's cards from /api/v1/reviews/due/, one challenge per card (flip,
// multiple choice from the learner's own bank, type the word, listening, word chips to build a
// phrase, and say-it: the recording scored by the ML service's pronunciation assessment, offered
// when the service is configured and the browser has a microphone), each answer turned
// into an FSRS rating and sent to /api/v1/reviews/ with the learner's own time and an
// idempotency key. Answers go through the site's offline outbox, so a dropped connection
// loses nothing and a resend is never counted twice; offline, the page and its cards come
// from the service worker's cache (frontend/pwa/sw.js). Playable with the keyboard
// alone: Space shows/continues, 1–4 rate or choose, Enter checks, Backspace takes back the last
// chip, P plays the sound, R records.
import { api, explain } from "../ai/api.js";
import { pending, send } from "../pwa/outbox.js";
import { Recorder } from "../translate/recorder.js";

const $ = (selector, root = document) => root.querySelector(selector);
const root = $("#review");
const stage = $("#review-stage");
const text = $("#review-strings").dataset;
const ratingNames = text.ratings.split("|");
const OLD_PENDING = "toto.vocabulary.pending";
const FAST_MS = 3000;
const SLOW_MS = 20000;

let cards = [];
let position = 0;
let mode = "loading";
let shownAt = 0;
let audio = null;
let canSay = false; // the ML service is configured and the browser has a microphone
let placed = []; // word chips: the indexes of the chips placed, in order
let recorder = null; // say-it: the running recorder
const answered = [];
const startedAt = performance.now();

// --- sending answers (offline-safe) ---------------------------------------------------------
// Through the site's outbox (static/js/pwa/outbox.js): posted at once when online; offline,
// kept in IndexedDB with its idempotency key (the same in the body and the header), counted
// in the "n changes waiting to sync" indicator and replayed on reconnect or by the service
// worker's Background Sync. The server keys a review by it, so a replay is never counted twice.
const REVIEWS_URL = "/api/v1/reviews/";
let sending = Promise.resolve(); // answers go out one after another, in the order given

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function queuedCards() {
  // Cards answered on this device but not yet synced: an offline reload of the cached due
  // list must not offer them again (a second answer would be a second review).
  const ids = new Set();
  for (const item of await pending().catch(() => [])) {
    if (!item.url.endsWith(REVIEWS_URL)) continue;
    try {
      ids.add(JSON.parse(item.body).card);
    } catch {
      // not ours
    }
  }
  return ids;
}

async function sendReview(review) {
  const { queued, response } = await send(REVIEWS_URL, review, { label: `review:${review.card}`, key: review.idempotency_key });
  if (queued) {
    say(text.offline);
  } else if (response && !response.ok) {
    // Refused for good (the card was deleted, a bad value): nothing to retry.
    say(text.error);
  }
}

function record(card, rating, duration) {
  answered.push({ card: card.id, rating });
  const review = {
    card: card.id,
    rating,
    reviewed_at: new Date().toISOString(),
    duration_ms: Math.round(duration),
    idempotency_key: newKey(),
  };
  sending = sending.then(() => sendReview(review)).catch(() => {});
}

async function adoptOldPending() {
  // Answers an earlier version kept in localStorage: hand them to the outbox, keys unchanged.
  const old = JSON.parse(localStorage.getItem(OLD_PENDING) || "[]");
  localStorage.removeItem(OLD_PENDING);
  for (const review of old) await sendReview(review);
}

// --- rendering ------------------------------------------------------------------------------
function say(message) {
  $("#review-status").textContent = message;
}

function fill(template, card) {
  // The server rendered the first card (vocabulary.views.first_challenge): kept as it is
  // (a word typed before the script ran stays), given its handlers below. Otherwise, a copy.
  const rendered = stage.dataset.firstCard;
  delete stage.dataset.firstCard;
  if (rendered === undefined || rendered !== String(card?.id)) {
    stage.replaceChildren($(`#tpl-${template}`).content.cloneNode(true));
  }
  return (slot) => $(`[data-slot="${slot}"]`, stage);
}

function progress() {
  const total = cards.length;
  const done = Math.min(position, total);
  const bar = $("#review-progress");
  bar.setAttribute("aria-valuemax", String(total));
  bar.setAttribute("aria-valuenow", String(done));
  $("#review-progress-bar").style.width = total ? `${(done / total) * 100}%` : "0";
  $("#review-progress-text").textContent = text.progress
    .replace("%(n)s", String(Math.min(done + 1, total)))
    .replace("%(total)s", String(total));
}

function kindOf(card, sayable = false) {
  if (card.is_new || !card.word.translation) return "flip";
  const kinds = ["flip", "type", "listen"];
  if (card.distractors.length >= 2) kinds.push("choice");
  if (card.chips) kinds.push("chips");
  if (sayable) kinds.push("say"); // never on the server-drawn first card: it can't know
  return kinds[(card.id + card.reps) % kinds.length];
}

function shuffle(items, seed) {
  const list = [...items];
  let state = seed;
  for (let i = list.length - 1; i > 0; i -= 1) {
    state = (state * 9301 + 49297) % 233280;
    const j = Math.floor((state / 233280) * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

function show() {
  progress();
  if (position >= cards.length) return finish();
  const card = cards[position];
  const kind = kindOf(card, canSay);
  const wasKind = stage.dataset.kind;
  stage.dataset.kind = kind;
  if (wasKind !== kind) delete stage.dataset.firstCard; // not the card rendered with the page
  stage.dataset.card = String(card.id); // the stage answers keys and clicks from here
  delete stage.dataset.verdict;
  shownAt = performance.now();
  audio = null;
  if (kind === "flip") return showFlip(card);
  if (kind === "choice") return showChoice(card);
  if (kind === "chips") return showChips(card);
  if (kind === "say") return showSay(card);
  return showTyping(card, kind);
}

// --- word chips -----------------------------------------------------------------------------
// The server cut the phrase into words and shuffled them with a few distractors
// (vocabulary/challenges.py): the learner taps them in order; checked like a typed answer.
function showChips(card) {
  mode = "chips";
  placed = [];
  const slot = fill("chips", card);
  const { target, prompt, chips } = card.chips;
  slot("kind").textContent = target === "example" ? text.buildExample : text.buildPhrase;
  slot("front").textContent = prompt;
  if (target === "word") slot("front").lang = card.word.language;
  else slot("front").removeAttribute("lang");
  slot("built").replaceChildren();
  const bank = slot("chips");
  bank.replaceChildren();
  chips.forEach((word, index) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button-secondary vocab-chip";
    button.dataset.chip = String(index);
    button.textContent = word;
    if (target !== "translation") button.lang = card.word.language;
    button.addEventListener("click", () => place(index));
    bank.append(button);
  });
  stage.dataset.chips = JSON.stringify(chips);
  $("[data-action=check]", stage).addEventListener("click", checkChips);
  $("[data-action=undo]", stage).addEventListener("click", undoChip);
  $(".vocab-chip", stage).focus();
}

function place(index) {
  if (mode !== "chips" || placed.includes(index)) return;
  const card = cards[position];
  placed.push(index);
  $(`[data-slot=chips] [data-chip="${index}"]`, stage).hidden = true;
  const chip = document.createElement("button");
  chip.type = "button";
  chip.className = "button vocab-chip";
  chip.textContent = card.chips.chips[index];
  chip.dataset.placed = String(index);
  chip.addEventListener("click", () => takeBack(index));
  $("[data-slot=built]", stage).append(chip);
  // Once as many words are placed as the answer takes, Check; until then the next chip.
  const nextChip = $("[data-slot=chips] .vocab-chip:not([hidden])", stage);
  const full = placed.length >= card.chips.length;
  (full || !nextChip ? $("[data-action=check]", stage) : nextChip).focus();
  say(placed.map((i) => card.chips.chips[i]).join(" "));
}

function takeBack(index) {
  if (mode !== "chips" || !placed.includes(index)) return;
  placed = placed.filter((item) => item !== index);
  $(`[data-slot=built] [data-placed="${index}"]`, stage)?.remove();
  const chip = $(`[data-slot=chips] [data-chip="${index}"]`, stage);
  chip.hidden = false;
  chip.focus();
}

function undoChip() {
  if (placed.length) takeBack(placed[placed.length - 1]);
}

async function checkChips() {
  if (mode !== "chips") return;
  const card = cards[position];
  if (!placed.length) return undoChip();
  mode = "checking";
  const took = performance.now() - shownAt;
  const { target, chips } = card.chips;
  const given = placed.map((index) => chips[index]).join(" ");
  const expected = target === "example" ? card.word.example : target === "translation" ? card.word.translation : card.word.text;
  let result;
  try {
    if (!navigator.onLine) throw new Error("offline");
    const json = { card: card.id, answer: given, direction: target };
    result = await api("reviews/check/", { method: "POST", json, signal: AbortSignal.timeout(4000) });
  } catch {
    const plain = (value) => value.toLowerCase().replace(/[^\p{L}\p{N}'’]+/gu, " ").trim();
    result = { correct: plain(given) === plain(expected), accents_only: false, expected };
  }
  const right = result.correct || result.accents_only;
  const rating = !right ? 1 : took > SLOW_MS ? 2 : took < FAST_MS ? 4 : 3;
  feedback(card, right ? "right" : "wrong", result.expected, rating, took);
}

// --- say-it ---------------------------------------------------------------------------------
// Recorded with the translate page's recorder (static/js/translate/recorder.js), scored by
// /api/v1/reviews/say/ (the ML service's pronunciation assessment); the score gives the rating.
function showSay(card) {
  mode = "say";
  const slot = fill("say", card);
  slot("front").textContent = card.word.text;
  slot("front").lang = card.word.language;
  slot("translation").textContent = card.word.translation;
  slot("say-status").textContent = "";
  recorder = new Recorder(slot("wave"));
  $("[data-action=record]", stage).addEventListener("click", toggleRecording);
  $("[data-action=play]", stage).addEventListener("click", playSound);
  $("[data-action=skip]", stage).addEventListener("click", skipSay);
  $("[data-action=record]", stage).focus();
}

function skipSay() {
  // No microphone to hand, or not the place to speak: the same card as a flip card.
  if (mode !== "say") return;
  recorder = null;
  stage.dataset.kind = "flip";
  showFlip(cards[position]);
}

async function toggleRecording() {
  if (mode !== "say" || !recorder) return;
  const card = cards[position];
  const button = $("[data-action=record]", stage);
  const status = $("[data-slot=say-status]", stage);
  if (!recorder.recorder || recorder.recorder.state !== "recording") {
    try {
      await recorder.start();
    } catch {
      status.textContent = text.denied;
      return;
    }
    $("[data-slot=record-label]", stage).textContent = text.stop;
    button.setAttribute("aria-pressed", "true");
    return;
  }
  mode = "scoring";
  const blob = await recorder.stop();
  button.setAttribute("aria-pressed", "false");
  button.disabled = true;
  status.textContent = text.scoring;
  const took = performance.now() - shownAt;
  const form = new FormData();
  form.append("card", String(card.id));
  form.append("audio", new File([blob], blob.type.includes("mp4") ? "say.m4a" : "say.webm", { type: blob.type }));
  let result;
  try {
    result = await api("reviews/say/", { method: "POST", form });
  } catch (error) {
    status.textContent = `${text.sayFailed} ${explain(error)}`;
    $("[data-slot=record-label]", stage).textContent = text.record;
    button.disabled = false;
    recorder = new Recorder($("[data-slot=wave]", stage));
    mode = "say";
    return;
  }
  let detail = `${text.score}: ${Math.round(result.score)} / 100`;
  if (result.recognized_text) detail += ` · ${text.heard}: “${result.recognized_text}”`;
  feedback(card, result.rating > 1 ? "right" : "wrong", result.expected, result.rating, took, detail);
}

function showFlip(card) {
  mode = "front";
  const slot = fill("flip", card);
  const front = slot("front");
  front.textContent = card.word.text;
  front.lang = card.word.language;
  slot("answer").textContent = card.word.translation || "—";
  slot("example").textContent = card.word.example;
  slot("example").lang = card.word.language;
  const picture = slot("image");
  picture.hidden = !card.word.image_url;
  if (card.word.image_url) picture.src = card.word.image_url;
  else picture.removeAttribute("src");
  $("[data-action=flip]", stage).addEventListener("click", flip);
  stage.querySelectorAll("[data-rating]").forEach((button) => {
    button.addEventListener("click", () => rate(Number(button.dataset.rating)));
  });
  $("[data-action=flip]", stage).focus();
}

function flip() {
  if (mode !== "front") return;
  mode = "rate";
  $("[data-slot=back]", stage).hidden = false;
  $("[data-slot=rate]", stage).hidden = false;
  $("[data-action=flip]", stage).hidden = true;
  $("[data-rating='3']", stage).focus();
  say($("[data-slot=answer]", stage).textContent);
}

function rate(rating) {
  if (mode !== "rate") return;
  record(cards[position], rating, performance.now() - shownAt);
  position += 1;
  show();
}

function showChoice(card) {
  mode = "choice";
  const slot = fill("choice", card);
  slot("choices").replaceChildren();
  slot("front").textContent = card.word.text;
  slot("front").lang = card.word.language;
  const options = shuffle([card.word.translation, ...card.distractors.slice(0, 3)], card.id);
  options.forEach((option, index) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button-secondary vocab-choice";
    button.textContent = option;
    const key = document.createElement("kbd");
    key.textContent = String(index + 1);
    button.prepend(key, " ");
    button.addEventListener("click", () => choose(option));
    slot("choices").append(button);
  });
  stage.dataset.options = JSON.stringify(options);
  $(".vocab-choice", stage).focus();
}

function choose(option) {
  if (mode !== "choice") return;
  const card = cards[position];
  const took = performance.now() - shownAt;
  const right = option === card.word.translation;
  const rating = !right ? 1 : took < FAST_MS ? 4 : took > SLOW_MS ? 2 : 3;
  feedback(card, right ? "right" : "wrong", card.word.translation, rating, took);
}

function showTyping(card, kind) {
  mode = "type";
  const slot = fill("type", card);
  const listening = kind === "listen";
  slot("kind").textContent = listening ? text.listen : text.typeWord;
  slot("label").textContent = listening ? text.listenLabel : text.typeLabel;
  slot("front").textContent = listening ? "" : card.word.translation;
  let hinted = false;
  const play = $("[data-action=play]", stage);
  if (listening) {
    play.hidden = false;
    play.addEventListener("click", playSound);
    playSound();
  }
  $("[data-action=hint]", stage).addEventListener("click", () => {
    hinted = true;
    slot("hint").textContent = `${text.hint} “${card.word.text.slice(0, 1)}…”`;
    $("#review-answer").focus();
  });
  slot("form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (mode !== "type") return;
    mode = "checking";
    const took = performance.now() - shownAt;
    const given = $("#review-answer").value;
    let result;
    try {
      // Offline (or a network that does not answer in 4 s): checked here instead.
      if (!navigator.onLine) throw new Error("offline");
      const json = { card: card.id, answer: given, direction: "word" };
      result = await api("reviews/check/", { method: "POST", json, signal: AbortSignal.timeout(4000) });
    } catch {
      // Offline: the same tolerant idea, roughly (case and spacing only).
      const plain = (value) => value.trim().toLowerCase().replace(/\s+/g, " ");
      result = { correct: plain(given) === plain(card.word.text), accents_only: false, expected: card.word.text };
    }
    const right = result.correct || result.accents_only;
    const rating = !right ? 1 : (hinted || result.accents_only || took > SLOW_MS) ? 2 : took < FAST_MS ? 4 : 3;
    const verdict = result.correct ? "right" : result.accents_only ? "accents" : "wrong";
    feedback(card, verdict, result.expected, rating, took);
  });
  $("#review-answer").focus();
}

function playSound() {
  const card = cards[position];
  if (!card) return;
  audio = audio || new Audio(card.word.audio_url);
  audio.currentTime = 0;
  audio.play().catch(() => {});
}

function feedback(card, verdict, expected, rating, took, detail = "") {
  record(card, rating, took);
  mode = "feedback";
  const slot = fill("feedback");
  stage.dataset.verdict = verdict;
  const words = { right: text.right, wrong: text.wrong, accents: text.accents };
  slot("result").textContent = words[verdict];
  slot("result").classList.add(verdict === "wrong" ? "text-danger-700" : "text-success-700");
  slot("answer").textContent = expected;
  slot("answer").lang = card.word.language;
  slot("rating").textContent = `${text.rated}: ${ratingNames[rating - 1]}${detail ? ` · ${detail}` : ""}`;
  say(`${words[verdict]} ${expected}`);
  $("[data-action=next]", stage).addEventListener("click", next);
  $("[data-action=next]", stage).focus();
}

function next() {
  if (mode !== "feedback") return;
  position += 1;
  show();
}

async function finish() {
  mode = "summary";
  stage.dataset.kind = "summary";
  const slot = fill("summary");
  const remembered = answered.filter((item) => item.rating > 1).length;
  slot("count").textContent = String(answered.length);
  slot("remembered").textContent = answered.length ? `${Math.round((remembered / answered.length) * 100)} %` : "—";
  const seconds = Math.round((performance.now() - startedAt) / 1000);
  slot("time").textContent = `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  stage.focus();
  await sending;
  await showWaiting();
}

async function showWaiting() {
  const slot = $("[data-slot=pending]", stage);
  if (mode !== "summary" || !slot) return;
  const left = (await queuedCards()).size;
  slot.textContent = String(left);
  stage.dataset.synced = left ? "no" : "yes";
}

// The outbox replayed (back online, or Background Sync): the summary's count follows.
document.addEventListener("toto:outbox-replayed", showWaiting);

// --- keyboard -------------------------------------------------------------------------------
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement;
  if (typing) return; // Enter submits the form by itself
  const onButton = event.target instanceof HTMLButtonElement;
  if (mode === "chips" && event.key === "Backspace") {
    event.preventDefault();
    undoChip();
    return;
  }
  if (event.key === " " || event.key === "Enter") {
    if (onButton) return; // the focused button's own click does it
    if (mode === "chips" && event.key === "Enter") {
      event.preventDefault();
      checkChips();
      return;
    }
    if (mode === "front" || mode === "feedback") {
      event.preventDefault();
      if (mode === "front") flip();
      else next();
    }
    return;
  }
  if (["1", "2", "3", "4"].includes(event.key)) {
    const number = Number(event.key);
    if (mode === "rate") rate(number);
    else if (mode === "choice") {
      const options = JSON.parse(stage.dataset.options || "[]");
      if (options[number - 1] !== undefined) choose(options[number - 1]);
    }
    return;
  }
  if (event.key.toLowerCase() === "p" && (mode === "type" || mode === "say")) playSound();
  if (event.key.toLowerCase() === "r" && mode === "say") toggleRecording();
});

// --- start ----------------------------------------------------------------------------------
async function microphoneUsable() {
  if (root.dataset.sayIt !== "yes") return false;
  if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === "undefined") return false;
  try {
    const devices = await navigator.mediaDevices.enumerateDevices();
    return devices.some((device) => device.kind === "audioinput");
  } catch {
    return false;
  }
}

async function start() {
  await adoptOldPending();
  canSay = await microphoneUsable();
  try {
    // Online: today's cards; offline: the list from the last visit (the service worker's
    // NetworkFirst copy), without the cards already answered here and waiting to sync.
    // The page came with them (the due API's first page, in its shapes); an older cached
    // copy of the page without them asks the API.
    const embedded = document.getElementById("review-cards");
    const data = embedded ? JSON.parse(embedded.textContent) : await api("reviews/due/?page_size=100");
    const answeredHere = await queuedCards();
    cards = data.results.filter((card) => !answeredHere.has(card.id));
  } catch {
    stage.textContent = text.error;
    return;
  }
  if (!cards.length) return finish();
  position = 0;
  show();
}

if (root && stage.querySelector(".empty-state") === null) start();
else adoptOldPending();
