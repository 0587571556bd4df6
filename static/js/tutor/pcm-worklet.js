// AudioWorklet: the microphone's float samples (at the context's rate, 44.1 or 48 kHz) become
// 16 kHz mono 16-bit little-endian PCM, posted to the page in frames of 100 ms (3200 bytes),
// which the page sends to /ws/tutor/ as binary WebSocket frames. Linear interpolation is
// enough for speech recognition: Whisper and the VAD work at 16 kHz.
const TARGET_RATE = 16000;
const FRAME_SAMPLES = 1600;

class PcmFrames extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / TARGET_RATE;
    this.position = 0; // where the next output sample falls in the input stream
    this.previous = 0;
    this.frame = new Int16Array(FRAME_SAMPLES);
    this.filled = 0;
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    // Input samples are indexed 0..length-1; `previous` is sample -1 of this block.
    while (this.position < channel.length) {
      const index = Math.floor(this.position);
      const fraction = this.position - index;
      const before = index === 0 && fraction < 0 ? this.previous : channel[index];
      const after = index + 1 < channel.length ? channel[index + 1] : channel[index];
      const value = before + (after - before) * fraction;
      const clipped = Math.max(-1, Math.min(1, value));
      this.frame[this.filled++] = clipped < 0 ? clipped * 0x8000 : clipped * 0x7fff;
      if (this.filled === FRAME_SAMPLES) {
        this.port.postMessage(this.frame.buffer, [this.frame.buffer]);
        this.frame = new Int16Array(FRAME_SAMPLES);
        this.filled = 0;
      }
      this.position += this.step;
    }
    this.position -= channel.length;
    this.previous = channel[channel.length - 1];
    return true;
  }
}

registerProcessor("pcm-frames", PcmFrames);
