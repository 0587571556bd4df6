// Mesh WebRTC over our signalling socket (/ws/rooms/<id>/): one RTCPeerConnection per peer.
// The newer peer makes the offer to everyone already present; ICE candidates trickle.
// Audio asks for echo cancellation and noise suppression; on a weak link (high loss or low
// bandwidth reported by getStats) video is dropped and the call goes on audio only.

const root = document.querySelector(".room");
const roomId = root.dataset.room;
const statusEl = document.getElementById("room-status");
const remote = document.getElementById("remote-media");
const localVideo = document.getElementById("local-video");
const people = document.getElementById("people");

const AUDIO = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
const peers = new Map(); // peer id → {pc, element, name}
let ws;
let me = null;
let iceServers = [];
let localStream = new MediaStream();
let cameraTrack = null;
let audioOnly = false;

function say(text) { statusEl.textContent = text; }
function send(message) { if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message)); }

async function startMicrophone() {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: AUDIO, video: false });
    stream.getAudioTracks().forEach((track) => localStream.addTrack(track));
  } catch (error) {
    say(`Microphone unavailable: ${error.message}. You can still listen.`);
  }
}

function peerConnection(peerId, name) {
  const pc = new RTCPeerConnection({ iceServers });
  const element = document.createElement("video");
  element.autoplay = true;
  element.playsInline = true;
  element.setAttribute("aria-label", name);
  remote.append(element);
  localStream.getTracks().forEach((track) => pc.addTrack(track, localStream));
  pc.addEventListener("icecandidate", ({ candidate }) => {
    if (candidate) send({ type: "ice", to: peerId, candidate: candidate.toJSON() });
  });
  pc.addEventListener("track", ({ streams }) => { element.srcObject = streams[0]; });
  pc.addEventListener("connectionstatechange", () => {
    if (pc.connectionState === "failed") pc.restartIce();
  });
  pc.addEventListener("negotiationneeded", async () => {
    await pc.setLocalDescription();
    send({ type: "offer", to: peerId, sdp: pc.localDescription });
  });
  const entry = { pc, element, name };
  peers.set(peerId, entry);
  renderPeople();
  return entry;
}

function closePeer(peerId) {
  const entry = peers.get(peerId);
  if (!entry) return;
  entry.pc.close();
  entry.element.remove();
  peers.delete(peerId);
  renderPeople();
}

function renderPeople() {
  people.replaceChildren(...[...peers.values()].map(({ name }) => Object.assign(document.createElement("li"), { textContent: name })));
}

async function callEveryone(list) {
  for (const peer of list) {
    const { pc } = peerConnection(peer.peer_id, peer.name);
    if (!localStream.getTracks().length) {
      pc.addTransceiver("audio", { direction: "recvonly" });
    }
  }
}

// Weak link: drop video (ours) when loss or available bandwidth says so.
async function watchLink() {
  if (audioOnly || !cameraTrack) return;
  for (const { pc } of peers.values()) {
    const stats = await pc.getStats();
    for (const report of stats.values()) {
      const weakBandwidth = report.type === "candidate-pair" && report.nominated && report.availableOutgoingBitrate && report.availableOutgoingBitrate < 150000;
      const heavyLoss = report.type === "remote-inbound-rtp" && report.fractionLost > 0.1;
      if (weakBandwidth || heavyLoss) {
        audioOnly = true;
        await setCamera(false);
        say("Weak connection: switched to audio only.");
        return;
      }
    }
  }
}
setInterval(watchLink, 5000);

async function setCamera(on) {
  const button = document.getElementById("toggle-camera");
  if (on && !cameraTrack) {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360 } });
    cameraTrack = stream.getVideoTracks()[0];
    localStream.addTrack(cameraTrack);
    for (const { pc } of peers.values()) pc.addTrack(cameraTrack, localStream);
  } else if (!on && cameraTrack) {
    for (const { pc } of peers.values()) {
      const sender = pc.getSenders().find((s) => s.track === cameraTrack);
      if (sender) pc.removeTrack(sender);
    }
    cameraTrack.stop();
    localStream.removeTrack(cameraTrack);
    cameraTrack = null;
  }
  localVideo.srcObject = cameraTrack ? localStream : null;
  button.setAttribute("aria-pressed", String(Boolean(cameraTrack)));
}

document.getElementById("toggle-mic").addEventListener("click", (event) => {
  const enabled = event.target.getAttribute("aria-pressed") !== "true";
  localStream.getAudioTracks().forEach((track) => (track.enabled = enabled));
  event.target.setAttribute("aria-pressed", String(enabled));
});
document.getElementById("toggle-camera").addEventListener("click", () => setCamera(!cameraTrack).catch((e) => say(e.message)));
document.getElementById("share-screen").addEventListener("click", async () => {
  const stream = await navigator.mediaDevices.getDisplayMedia({ video: true });
  const [screen] = stream.getVideoTracks();
  for (const { pc } of peers.values()) pc.addTrack(screen, stream);
  send({ type: "screen.start" });
  screen.addEventListener("ended", () => send({ type: "screen.stop" }));
});
document.getElementById("raise-hand")?.addEventListener("click", () => send({ type: "hand.raise" }));
document.getElementById("request-recording")?.addEventListener("click", () => send({ type: "recording.request" }));

// Classroom: whiteboard strokes, pad, chat.
const board = document.getElementById("whiteboard");
const pad = document.getElementById("pad");
let padVersion = 0;
function drawStroke(stroke) {
  const context = board.getContext("2d");
  context.strokeStyle = stroke.color || "#1d3557";
  context.lineWidth = 2;
  context.beginPath();
  stroke.points.forEach(([x, y], index) => (index ? context.lineTo(x, y) : context.moveTo(x, y)));
  context.stroke();
}
if (board) {
  let points = null;
  board.addEventListener("pointerdown", (e) => { points = [[e.offsetX, e.offsetY]]; });
  board.addEventListener("pointermove", (e) => { if (points) points.push([e.offsetX, e.offsetY]); });
  board.addEventListener("pointerup", () => {
    if (points?.length > 1) send({ type: "whiteboard.stroke", stroke: { points, color: "#1d3557" } });
    points = null;
  });
  let padTimer;
  pad.addEventListener("input", () => {
    clearTimeout(padTimer);
    padTimer = setTimeout(() => send({ type: "pad.update", text: pad.value, base_version: padVersion }), 300);
  });
  document.getElementById("room-chat-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = document.getElementById("room-chat-input");
    send({ type: "chat", text: input.value });
    input.value = "";
  });
}

const handlers = {
  "room.state": async (data) => {
    me = data.you;
    iceServers = data.ice_servers;
    say(`In the room as ${me.role}.`);
    data.whiteboard?.forEach((stroke) => board && drawStroke(stroke));
    if (pad) { pad.value = data.pad.text; padVersion = data.pad.version; }
    await callEveryone(data.peers);
  },
  "peer.joined": (data) => { say(`${data.name} joined.`); },
  "peer.left": (data) => closePeer(data.peer_id),
  offer: async (data) => {
    const entry = peers.get(data.from) ?? peerConnection(data.from, "Guest");
    await entry.pc.setRemoteDescription(data.sdp);
    await entry.pc.setLocalDescription();
    send({ type: "answer", to: data.from, sdp: entry.pc.localDescription });
  },
  answer: async (data) => { await peers.get(data.from)?.pc.setRemoteDescription(data.sdp); },
  ice: async (data) => { await peers.get(data.from)?.pc.addIceCandidate(data.candidate).catch(() => {}); },
  waiting: () => say("Waiting for the teacher to let you in…"),
  admitted: () => say("The teacher let you in."),
  "waiting.joined": (data) => {
    if (confirm(`${data.name} is waiting. Let them in?`)) send({ type: "admit", user: data.user });
  },
  muted: (data) => {
    if (data.user === root.dataset.user) {
      localStream.getAudioTracks().forEach((track) => (track.enabled = false));
      say("The host muted you.");
    }
  },
  removed: () => say("The host removed you from this room."),
  "whiteboard.stroke": (data) => drawStroke(data.stroke),
  "whiteboard.clear": () => board?.getContext("2d").clearRect(0, 0, board.width, board.height),
  pad: (data) => { padVersion = data.version; if (data.peer_id !== me?.peer_id) pad.value = data.text; },
  "pad.conflict": (data) => { padVersion = data.version; pad.value = data.text; },
  chat: (data) => document.getElementById("room-chat")?.append(Object.assign(document.createElement("li"), { textContent: `${data.name}: ${data.text}` })),
  "recording.consent_request": () => send({ type: "recording.consent", granted: confirm("The teacher asks to record this class. Do you agree?") }),
  "recording.consent": (data) => { if (data.everyone) say("Everyone agreed: recording can start."); },
};

function connect(retry = 0) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  ws = new WebSocket(`${scheme}://${location.host}/ws/rooms/${roomId}/`);
  ws.addEventListener("message", (event) => {
    const data = JSON.parse(event.data);
    handlers[data.type]?.(data);
  });
  ws.addEventListener("close", (event) => {
    const reasons = { 4401: "Sign in to join.", 4403: "This room is not open to you.", 4404: "This room does not exist or has ended.", 4409: "This room is full.", 4410: "You were removed from this room." };
    if (reasons[event.code]) return say(reasons[event.code]);
    // Reconnection: peers are renegotiated from the fresh room.state.
    [...peers.keys()].forEach(closePeer);
    say("Reconnecting…");
    setTimeout(() => connect(retry + 1), Math.min(10000, 500 * 2 ** retry));
  });
}

await startMicrophone();
connect();
