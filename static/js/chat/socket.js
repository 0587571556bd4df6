// A JSON WebSocket that reconnects with backoff and, on every (re)connect, asks the server
// to resume each conversation from the last sequence number this page holds.
export class ResumingSocket extends EventTarget {
  constructor(path) {
    super();
    this.path = path;
    this.lastSeq = new Map(); // conversation id → highest contiguous seq shown
    this.retry = 0;
    this.connect();
    setInterval(() => this.send({ type: "ping" }), 25000);
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    this.ws = new WebSocket(`${scheme}://${location.host}${this.path}`);
    this.ws.addEventListener("open", () => {
      this.retry = 0;
      this.dispatchEvent(new CustomEvent("status", { detail: "online" }));
      this.send({ type: "resume", conversations: Object.fromEntries(this.lastSeq) });
    });
    this.ws.addEventListener("message", (event) => {
      const data = JSON.parse(event.data);
      this.dispatchEvent(new CustomEvent(data.type, { detail: data }));
    });
    this.ws.addEventListener("close", (event) => {
      this.dispatchEvent(new CustomEvent("status", { detail: event.code >= 4400 ? `closed:${event.code}` : "offline" }));
      if (event.code >= 4400 && event.code < 4500) return; // not allowed: retrying will not help
      const delay = Math.min(15000, 500 * 2 ** this.retry++) * (0.5 + Math.random());
      setTimeout(() => this.connect(), delay);
    });
  }

  send(message) {
    if (this.ws?.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(message));
      return true;
    }
    return false;
  }
}
