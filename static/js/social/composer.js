// The moment composer's voice recorder: records with MediaRecorder (webm/opus in Chromium
// and Firefox, mp4 in Safari) and puts the clip into the form's own file input, so the
// form posts it like a chosen file. Without a microphone the file input still works.
//
// A moment with photos, a video or a voice clip is posted with XMLHttpRequest, with a
// progress bar (static/js/design/upload-progress.js), and the page stays: the new feed,
// the messages and the form (its errors, or emptied after posting) are taken from the
// server's answer. The shared data-upload-progress forms replace the whole document
// instead, which would stop this recorder. A text-only moment, or a browser without
// JavaScript, posts the form as usual.
import { actionOf, progressBar, uploadWithProgress } from "../design/upload-progress.js";

const MAX_SECONDS = 120;

function setup(form) {
  const button = form.querySelector("[data-record]");
  const label = form.querySelector("[data-record-label]");
  const status = form.querySelector("[data-record-status]");
  const preview = form.querySelector("[data-record-preview]");
  const input = form.querySelector('input[type="file"][name="voice"]');
  if (!button || !input || !navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === "undefined") return;
  button.hidden = false;
  let recorder = null;
  let stream = null;
  let chunks = [];
  let timer = null;

  const stop = () => {
    if (recorder && recorder.state === "recording") recorder.stop();
  };

  button.addEventListener("click", async () => {
    if (recorder && recorder.state === "recording") return stop();
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      status.textContent = button.dataset.denied;
      return;
    }
    const type = ["audio/webm;codecs=opus", "audio/webm", "audio/mp4"].find((t) => MediaRecorder.isTypeSupported(t));
    recorder = new MediaRecorder(stream, type ? { mimeType: type } : {});
    chunks = [];
    recorder.ondataavailable = (event) => event.data.size && chunks.push(event.data);
    recorder.onstop = () => {
      clearTimeout(timer);
      stream.getTracks().forEach((track) => track.stop());
      const blob = new Blob(chunks, { type: recorder.mimeType || "audio/webm" });
      const extension = blob.type.includes("mp4") ? "m4a" : "webm";
      const file = new File([blob], `voice.${extension}`, { type: blob.type });
      const transfer = new DataTransfer();
      transfer.items.add(file);
      input.files = transfer.files;
      preview.src = URL.createObjectURL(blob);
      preview.hidden = false;
      label.textContent = button.dataset.again;
      status.textContent = button.dataset.recorded;
      button.setAttribute("aria-pressed", "false");
    };
    recorder.start();
    timer = setTimeout(stop, MAX_SECONDS * 1000);
    label.textContent = button.dataset.stop;
    status.textContent = button.dataset.recording;
    button.setAttribute("aria-pressed", "true");
  });
}

function swap(current, answered) {
  if (current && answered) current.replaceWith(document.importNode(answered, true));
}

function showMessages(page) {
  const answered = page.querySelector(".messages");
  const current = document.querySelector(".messages");
  if (current) current.remove();
  if (answered) document.getElementById("main")?.before(document.importNode(answered, true));
}

function bindSubmit(form) {
  form.addEventListener("submit", async (event) => {
    const files = [...form.querySelectorAll('input[type="file"]')].some((input) => input.files?.length);
    if (!files) return; // nothing to upload: the form posts as usual
    event.preventDefault();
    const data = new FormData(form);
    const buttons = () => form.querySelectorAll('button[type="submit"]');
    for (const button of buttons()) button.disabled = true;
    form.querySelector('[data-testid="upload-progress"]')?.remove();
    const bar = progressBar(form, form.dataset.uploadLabel || "Uploading…");
    let answer;
    try {
      answer = await uploadWithProgress(actionOf(form), data, { bar });
    } catch {
      bar.fail(form.dataset.uploadFailed || "The upload failed. Check your connection and try again.");
      for (const button of buttons()) button.disabled = false;
      return;
    }
    const page = new DOMParser().parseFromString(answer.text, "text/html");
    const answeredForm = page.querySelector("form[data-composer]");
    if (!answeredForm) {
      bar.fail(form.dataset.uploadFailed || "The upload failed. Check your connection and try again.");
      for (const button of buttons()) button.disabled = false;
      return;
    }
    showMessages(page);
    // The form as the server answered it: emptied after posting, or with its errors beside
    // the fields; the recorder is set up again on its new buttons.
    form.replaceChildren(...[...answeredForm.childNodes].map((node) => document.importNode(node, true)));
    setup(form);
    if (answer.ok && !answeredForm.hasAttribute("data-bound")) {
      // Posted: the new moment is in the answered feed; the finished bar stays in view.
      swap(document.querySelector('[data-testid="feed"]'), page.querySelector('[data-testid="feed"]'));
      form.append(bar.element);
      bar.done(form.dataset.uploadDone || "Uploaded.");
    }
  });
}

document.querySelectorAll("form[data-composer]").forEach((form) => {
  setup(form);
  bindSubmit(form);
});
