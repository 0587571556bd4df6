// The lesson player: every exercise works with mouse, touch and keyboard. Answers are checked
// by the API (/api/v1/lessons/{id}/exercises/{block}/attempts/); the page holds no answers.
import { gettext, interpolate } from "../design/i18n.js";

const lesson = document.querySelector("article.lesson");
const csrfToken = () => document.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";
const startedAt = Date.now();
let lastReport = Date.now();

function secondsSinceLastReport() {
  const now = Date.now();
  const seconds = Math.min(4 * 3600, Math.round((now - lastReport) / 1000));
  lastReport = now;
  return seconds;
}

async function api(url, { body, json = true } = {}) {
  const headers = { "X-CSRFToken": csrfToken(), Accept: "application/json" };
  if (json && body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(url, {
    method: body === undefined ? "GET" : "POST",
    credentials: "same-origin",
    headers,
    body: json && body !== undefined ? JSON.stringify(body) : body,
  });
  const data = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, data };
}

// --- answers, per exercise type ------------------------------------------------------------
const collectors = {
  multiple_choice: (form) => ({
    choices: [...form.querySelectorAll("input[name=choice]:checked")].map((input) => input.value),
  }),
  fill_blank: (form) => ({
    blanks: Object.fromEntries([...form.querySelectorAll("input.blank")].map((i) => [i.name, i.value])),
  }),
  ordering: (form) => ({
    order: [...form.querySelectorAll(".ordering-list > li")].map((li) => li.dataset.itemId),
  }),
  matching: (form) => ({
    matches: Object.fromEntries(
      [...form.querySelectorAll(".match-row select")].map((select) => [select.name, select.value]),
    ),
  }),
  drag_words: (form) => ({
    gaps: Object.fromEntries([...form.querySelectorAll(".gap")].map((g) => [g.dataset.itemId, g.dataset.wordId])),
  }),
};

function incomplete(type, answer) {
  if (type === "multiple_choice") return answer.choices.length === 0;
  if (type === "fill_blank") return Object.values(answer.blanks).some((v) => !v.trim());
  if (type === "matching") return Object.values(answer.matches).some((v) => !v);
  if (type === "drag_words") return Object.values(answer.gaps).some((v) => !v);
  return false;
}

function showResult(section, attempt) {
  const result = section.querySelector(".exercise-result");
  section.querySelectorAll("[data-item-id]").forEach((el) => el.classList.remove("is-correct", "is-wrong"));
  if (attempt.status === "pending") {
    result.textContent = gettext("Listening to your recording…");
    result.className = "exercise-result is-pending";
    return;
  }
  for (const item of attempt.items || []) {
    if (!item.id) continue;
    const el = section.querySelector(`[data-item-id="${CSS.escape(item.id)}"]`);
    el?.classList.add(item.correct ? "is-correct" : "is-wrong");
  }
  const verdict = attempt.correct ? gettext("Correct!") : gettext("Not quite.");
  const score = interpolate(gettext("Score: %(score)s (%(points)s / %(max)s points)."), {
    score: `${Math.round(attempt.score)}%`,
    points: attempt.points,
    max: attempt.max_points,
  });
  const parts = [`${verdict} ${score}`];
  if (attempt.assessment?.recognized_text) {
    parts.push(interpolate(gettext("We heard: “%(text)s”."), { text: attempt.assessment.recognized_text }));
  }
  if (attempt.feedback) parts.push(attempt.feedback);
  if (attempt.explanation) parts.push(attempt.explanation);
  result.textContent = parts.join(" ");
  result.className = `exercise-result ${attempt.correct ? "is-correct" : "is-wrong"}`;
  section.dataset.answered = "true";
}

function showErrors(section, data) {
  const result = section.querySelector(".exercise-result");
  const fields = data.fields ? Object.values(data.fields).flat().join(" ") : "";
  result.textContent = `${data.message || gettext("Something went wrong.")} ${fields}`.trim();
  result.className = "exercise-result is-wrong";
}

async function pollAttempt(section, attemptId) {
  for (let tries = 0; tries < 90; tries += 1) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const { ok, data } = await api(`/api/v1/attempts/${attemptId}/`);
    if (ok && data.status === "scored") return showResult(section, data);
  }
}

async function submit(section) {
  const form = section.querySelector("form");
  const type = section.dataset.exerciseType;
  const url = `${lesson.dataset.attemptsBase}${section.dataset.blockId}/attempts/`;
  const result = section.querySelector(".exercise-result");
  if (lesson.dataset.preview === "true") {
    result.textContent = gettext("Preview: answers are not checked here.");
    return;
  }
  let response;
  if (type === "voice") {
    const recording = section.recording || form.querySelector("input[type=file]").files[0];
    if (!recording) {
      result.textContent = gettext("Record or upload your answer first.");
      return;
    }
    const body = new FormData();
    body.append("audio", recording, recording.name || "recording.webm");
    body.append("time_spent_seconds", String(secondsSinceLastReport()));
    response = await api(url, { body, json: false });
  } else {
    const answer = collectors[type](form);
    if (incomplete(type, answer)) {
      result.textContent = gettext("Answer every part first.");
      result.className = "exercise-result is-wrong";
      return;
    }
    response = await api(url, { body: { answer, time_spent_seconds: secondsSinceLastReport() } });
  }
  if (!response.ok) return showErrors(section, response.data);
  section.dataset.attempted = "true";
  showResult(section, response.data);
  if (response.data.status === "pending") pollAttempt(section, response.data.id);
}

// --- ordering: drag, or the Up / Down buttons ---------------------------------------------
function setupOrdering(section) {
  const list = section.querySelector(".ordering-list");
  let dragged = null;
  list.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const item = button.closest("li");
    if (button.classList.contains("move-up") && item.previousElementSibling) {
      list.insertBefore(item, item.previousElementSibling);
    } else if (button.classList.contains("move-down") && item.nextElementSibling) {
      list.insertBefore(item.nextElementSibling, item);
    }
    button.focus();
  });
  list.addEventListener("dragstart", (event) => {
    dragged = event.target.closest("li");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.itemId);
  });
  list.addEventListener("dragover", (event) => {
    event.preventDefault();
    const over = event.target.closest("li");
    if (!dragged || !over || over === dragged) return;
    const rect = over.getBoundingClientRect();
    list.insertBefore(dragged, event.clientY > rect.top + rect.height / 2 ? over.nextSibling : over);
  });
  list.addEventListener("drop", (event) => event.preventDefault());
  list.addEventListener("dragend", () => { dragged = null; });
}

// --- word bank → targets: drag, or select a word then a target (keyboard, touch) ----------
function setupWordBank(section, { onPlace }) {
  let selected = null;
  const select = (chip) => {
    section.querySelectorAll(".chip[aria-pressed=true]").forEach((c) => c.setAttribute("aria-pressed", "false"));
    selected = chip;
    chip?.setAttribute("aria-pressed", "true");
  };
  section.querySelectorAll(".chip").forEach((chip) => {
    chip.addEventListener("click", () => select(selected === chip ? null : chip));
    chip.addEventListener("dragstart", (event) => {
      event.dataTransfer.setData("text/plain", chip.dataset.wordId);
      event.dataTransfer.effectAllowed = "copyMove";
    });
  });
  section.querySelectorAll(".drop-target").forEach((target) => {
    target.addEventListener("dragover", (event) => { event.preventDefault(); target.classList.add("is-over"); });
    target.addEventListener("dragleave", () => target.classList.remove("is-over"));
    target.addEventListener("drop", (event) => {
      event.preventDefault();
      target.classList.remove("is-over");
      const chip = section.querySelector(`.chip[data-word-id="${CSS.escape(event.dataTransfer.getData("text/plain"))}"]`);
      if (chip) onPlace(target, chip);
    });
    target.addEventListener("click", (event) => {
      if (event.target.tagName === "SELECT" || event.target.tagName === "OPTION") return;
      if (selected) { onPlace(target, selected); select(null); }
      else if (target.classList.contains("gap")) onPlace(target, null);
    });
  });
}

function setupDragWords(section) {
  setupWordBank(section, {
    onPlace(gap, chip) {
      gap.dataset.wordId = chip ? chip.dataset.wordId : "";
      gap.textContent = chip ? chip.textContent : "\u00a0";
      const number = [...section.querySelectorAll(".gap")].indexOf(gap) + 1;
      gap.setAttribute(
        "aria-label",
        chip
          ? interpolate(gettext("Gap %(number)s: %(word)s"), { number, word: chip.textContent })
          : interpolate(gettext("Gap %(number)s, empty"), { number }),
      );
    },
  });
}

function setupMatching(section) {
  setupWordBank(section, {
    onPlace(row, chip) {
      if (chip) row.querySelector("select").value = chip.dataset.wordId;
    },
  });
}

// --- voice: record with the microphone, or upload a file ----------------------------------
function setupVoice(section) {
  const button = section.querySelector(".record-button");
  const playback = section.querySelector(".recording-playback");
  let recorder = null;
  if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === "undefined") {
    button.hidden = true;
    return;
  }
  button.addEventListener("click", async () => {
    if (recorder && recorder.state === "recording") {
      recorder.stop();
      return;
    }
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const chunks = [];
    recorder = new MediaRecorder(stream);
    recorder.addEventListener("dataavailable", (event) => chunks.push(event.data));
    recorder.addEventListener("stop", () => {
      stream.getTracks().forEach((track) => track.stop());
      const blob = new Blob(chunks, { type: recorder.mimeType || "audio/webm" });
      section.recording = new File([blob], "recording.webm", { type: blob.type });
      playback.src = URL.createObjectURL(blob);
      playback.hidden = false;
      button.textContent = gettext("Record again");
      button.setAttribute("aria-pressed", "false");
    });
    recorder.start();
    button.textContent = gettext("Stop recording");
    button.setAttribute("aria-pressed", "true");
  });
}

const setups = { ordering: setupOrdering, drag_words: setupDragWords, matching: setupMatching, voice: setupVoice };

if (lesson) {
  document.querySelectorAll("section.exercise").forEach((section) => {
    setups[section.dataset.exerciseType]?.(section);
    section.querySelector("form").addEventListener("submit", (event) => {
      event.preventDefault();
      submit(section);
    });
  });

  lesson.querySelector(".finish-button")?.addEventListener("click", async () => {
    const output = lesson.querySelector(".finish-result");
    const { ok, data } = await api(lesson.dataset.completeUrl, {
      body: { time_spent_seconds: secondsSinceLastReport() },
    });
    if (ok) {
      output.textContent = interpolate(gettext("Lesson completed! Your score: %(score)s."), {
        score: `${data.best_score}%`,
      });
      output.className = "finish-result is-correct";
    } else {
      output.textContent = data.message || gettext("Something went wrong.");
      output.className = "finish-result is-wrong";
    }
  });
  void startedAt;
  // Every answer form is wired: a click before this would have submitted the form natively.
  lesson.dataset.ready = "true";
}
