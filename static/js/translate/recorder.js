// Records from the microphone with MediaRecorder and draws the live waveform from an
// AnalyserNode on a canvas. `start()` resolves when recording begins; `stop()` resolves
// with the recorded Blob (webm/opus in Chromium and Firefox, mp4 in Safari).
export class Recorder {
  constructor(canvas) {
    this.canvas = canvas;
  }

  async start() {
    this.stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    this.chunks = [];
    this.recorder = new MediaRecorder(this.stream);
    this.recorder.ondataavailable = (event) => event.data.size && this.chunks.push(event.data);
    this.recorder.start();
    this.context = new AudioContext();
    this.analyser = this.context.createAnalyser();
    this.analyser.fftSize = 1024;
    this.context.createMediaStreamSource(this.stream).connect(this.analyser);
    this.canvas.hidden = false;
    this.draw();
  }

  draw() {
    const ctx = this.canvas.getContext("2d");
    const samples = new Uint8Array(this.analyser.fftSize);
    const { width, height } = this.canvas;
    const frame = () => {
      if (!this.analyser) return;
      this.analyser.getByteTimeDomainData(samples);
      ctx.clearRect(0, 0, width, height);
      ctx.lineWidth = 2;
      ctx.strokeStyle = getComputedStyle(this.canvas).color;
      ctx.beginPath();
      samples.forEach((value, index) => {
        const x = (index / samples.length) * width;
        const y = (value / 255) * height;
        index ? ctx.lineTo(x, y) : ctx.moveTo(x, y);
      });
      ctx.stroke();
      this.frame = requestAnimationFrame(frame);
    };
    frame();
  }

  stop() {
    return new Promise((resolve) => {
      this.recorder.onstop = () => {
        cancelAnimationFrame(this.frame);
        this.analyser = null;
        this.context.close();
        this.stream.getTracks().forEach((track) => track.stop());
        this.canvas.hidden = true;
        resolve(new Blob(this.chunks, { type: this.recorder.mimeType || "audio/webm" }));
      };
      this.recorder.stop();
    });
  }
}

export function extensionFor(blob) {
  if (blob.type.includes("ogg")) return "ogg";
  if (blob.type.includes("mp4")) return "m4a";
  return "webm";
}
