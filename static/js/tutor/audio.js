// The tutor page's audio: the microphone (AudioWorklet → 16 kHz PCM16 frames, and a live
// waveform) and the player of the tutor's speech (a queue of PCM chunks scheduled back to back
// on one AudioContext, stoppable at once for a barge-in, knowing what was heard so far).

export class Microphone {
  constructor({ canvas, onFrame, workletUrl }) {
    this.canvas = canvas;
    this.onFrame = onFrame;
    this.workletUrl = workletUrl;
    this.level = 0;
  }

  async start() {
    // Echo cancellation keeps the tutor's voice out of the microphone; the server's echo
    // guard handles what leaks through.
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
    });
    this.context = new AudioContext();
    await this.context.audioWorklet.addModule(this.workletUrl);
    const source = this.context.createMediaStreamSource(this.stream);
    this.node = new AudioWorkletNode(this.context, "pcm-frames");
    this.node.port.onmessage = (event) => this.onFrame(event.data);
    source.connect(this.node);
    // A worklet only runs when connected to the graph's output; a muted gain keeps it silent.
    const mute = this.context.createGain();
    mute.gain.value = 0;
    this.node.connect(mute).connect(this.context.destination);
    this.analyser = this.context.createAnalyser();
    this.analyser.fftSize = 1024;
    source.connect(this.analyser);
    if (this.context.state === "suspended") await this.context.resume();
    this.draw();
  }

  draw() {
    const canvas = this.canvas;
    const ctx = canvas.getContext("2d");
    const samples = new Uint8Array(this.analyser.fftSize);
    const frame = () => {
      if (!this.analyser) return;
      const { width, height } = canvas;
      this.analyser.getByteTimeDomainData(samples);
      let peak = 0;
      ctx.clearRect(0, 0, width, height);
      ctx.lineWidth = 2;
      ctx.strokeStyle = getComputedStyle(canvas).color;
      ctx.beginPath();
      samples.forEach((value, index) => {
        peak = Math.max(peak, Math.abs(value - 128));
        const x = (index / samples.length) * width;
        const y = (value / 255) * height;
        if (index) ctx.lineTo(x, y);
        else ctx.moveTo(x, y);
      });
      ctx.stroke();
      this.level = peak / 128;
      this.frameId = requestAnimationFrame(frame);
    };
    frame();
  }

  stop() {
    cancelAnimationFrame(this.frameId);
    this.analyser = null;
    if (this.node) this.node.port.onmessage = null;
    this.stream?.getTracks().forEach((track) => track.stop());
    this.context?.close();
    this.context = null;
  }
}

function pcmToFloat(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const samples = new Int16Array(bytes.buffer, 0, bytes.length >> 1);
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i] / 0x8000;
  return out;
}

export class Player {
  constructor({ onIdle, onStart }) {
    this.onIdle = onIdle;
    this.onStart = onStart;
    this.sources = new Set();
    this.sentences = new Map(); // index -> {text, start, end}
    this.nextTime = 0;
  }

  ensureContext() {
    if (!this.context) this.context = new AudioContext();
    if (this.context.state === "suspended") this.context.resume();
    return this.context;
  }

  get playing() {
    return this.sources.size > 0;
  }

  // One `audio` event of the socket: PCM16 at its own sample rate, in order.
  enqueue(event) {
    const context = this.ensureContext();
    const samples = pcmToFloat(event.data);
    if (!samples.length) return;
    const buffer = context.createBuffer(1, samples.length, event.sample_rate);
    buffer.copyToChannel(samples, 0);
    const source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(context.destination);
    const start = Math.max(context.currentTime + 0.02, this.nextTime);
    source.start(start);
    this.nextTime = start + buffer.duration;
    const sentence = this.sentences.get(event.sentence) || { text: "", start, end: start };
    if (event.text) sentence.text = event.text;
    sentence.end = this.nextTime;
    this.sentences.set(event.sentence, sentence);
    const wasIdle = !this.playing;
    this.sources.add(source);
    source.onended = () => {
      this.sources.delete(source);
      if (!this.playing) this.onIdle?.();
    };
    if (wasIdle) this.onStart?.();
  }

  // What the learner has heard of this reply so far: every sentence that finished playing,
  // and the share of the words of the one playing now that its elapsed time covers.
  heardText() {
    const now = this.context ? this.context.currentTime : 0;
    const parts = [];
    for (const [, sentence] of [...this.sentences.entries()].sort((a, b) => a[0] - b[0])) {
      if (sentence.end <= now) parts.push(sentence.text);
      else if (sentence.start < now) {
        const words = sentence.text.split(/\s+/);
        const share = (now - sentence.start) / Math.max(0.01, sentence.end - sentence.start);
        parts.push(words.slice(0, Math.round(words.length * share)).join(" "));
      }
    }
    return parts.join(" ").trim();
  }

  // A new reply starts: its sentence numbers start at 0 again.
  newReply() {
    this.sentences = new Map();
  }

  // Barge-in: silence now; returns what was heard.
  stop() {
    const heard = this.heardText();
    for (const source of this.sources) {
      source.onended = null;
      try {
        source.stop();
      } catch {
        // already stopped
      }
    }
    this.sources.clear();
    this.nextTime = 0;
    this.sentences = new Map();
    this.onIdle?.();
    return heard;
  }
}
