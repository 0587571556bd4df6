// The moment composer's voice recorder: records with MediaRecorder (webm/opus in Chromium
// and Firefox, mp4 in Safari) and puts the clip into the form's own file input, so the
// form posts it like a chosen file. Without a microphone the file input still works.
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

document.querySelectorAll("form[data-composer]").forEach(setup);
