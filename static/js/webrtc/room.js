// Mesh WebRTC over our signalling socket (/ws/rooms/<id>/): one RTCPeerConnection per peer.
// The newer peer makes the offer to everyone already present; ICE candidates trickle; offers
// that cross are settled by "perfect negotiation" (the peer with the higher id is polite).
// Audio asks for echo cancellation and noise suppression; on a weak link (high loss or low
// bandwidth reported by getStats) video is dropped and the call goes on audio only.
// State for people and tests: .room[data-connection] is "connected" while at least one peer
// connection is, each remote media element carries data-connection-state.
// Classrooms: once everyone present agreed, the teacher records the room's mixed audio
// (MediaRecorder) and uploads it to /api/v1/rooms/<id>/recordings/ for playback.
import { gettext, interpolate } from "../design/i18n.js";

import { progressBar, uploadWithProgress } from "../design/upload-progress.js";

const root = document.querySelector(".room");
const roomId = root.dataset.room;
const statusEl = document.getElementById("room-status");
const remote = document.getElementById("remote-media");
const localVideo = document.getElementById("local-video");
const people = document.getElementById("people");
const csrf = document.cookie.match(/csrftoken=([^;]+)/)?.[1] ?? "";

const AUDIO = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
const peers = new Map(); // peer id → {pc, element, name, polite, makingOffer, ignoreOffer}
const names = new Map(); // peer id → display name, from peer.joined
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
    watchLevel("me", stream);
  } catch (error) {
    say(interpolate(gettext("Microphone unavailable: %(error)s. You can still listen."), { error: error.message }));
  }
}

function peerConnection(peerId, name) {
  const pc = new RTCPeerConnection({ iceServers });
  const element = document.createElement("video");
  element.autoplay = true;
  element.playsInline = true;
  element.setAttribute("aria-label", name);
  remote.append(element);
  const entry = { pc, element, name, polite: (me?.peer_id ?? "") > peerId, makingOffer: false, ignoreOffer: false };
  localStream.getTracks().forEach((track) => pc.addTrack(track, localStream));
  pc.addEventListener("icecandidate", ({ candidate }) => {
    if (candidate) send({ type: "ice", to: peerId, candidate: candidate.toJSON() });
  });
  pc.addEventListener("track", ({ streams }) => {
    if (!streams[0]) return;
    element.srcObject = streams[0];
    // An audio-only peer has no picture: its tile is not shown as a black stage.
    element.classList.toggle("has-video", streams[0].getVideoTracks().length > 0);
    streams[0].addEventListener("addtrack", () => element.classList.toggle("has-video", streams[0].getVideoTracks().length > 0));
    watchLevel(peerId, streams[0]);
    mixIntoRecording(streams[0]);
  });
  pc.addEventListener("connectionstatechange", () => {
    element.dataset.connectionState = pc.connectionState;
    if (pc.connectionState === "failed") pc.restartIce();
    showConnection();
  });
  pc.addEventListener("negotiationneeded", async () => {
    try {
      entry.makingOffer = true;
      await pc.setLocalDescription();
      send({ type: "offer", to: peerId, sdp: pc.localDescription });
    } finally {
      entry.makingOffer = false;
    }
  });
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
  showConnection();
}

function showConnection() {
  const states = [...peers.values()].map(({ pc }) => pc.connectionState);
  root.dataset.connection = states.includes("connected") ? "connected" : (states[0] ?? "alone");
}

// Perfect negotiation (W3C WebRTC 1.0, §10.6): an offer that collides with ours is ignored
// by the impolite peer and wins with the polite one.
async function onDescription(data) {
  const entry = peers.get(data.from) ?? peerConnection(data.from, names.get(data.from) ?? "Guest");
  const { pc } = entry;
  const collision = data.sdp.type === "offer" && (entry.makingOffer || pc.signalingState !== "stable");
  entry.ignoreOffer = !entry.polite && collision;
  if (entry.ignoreOffer) return;
  await pc.setRemoteDescription(data.sdp);
  if (data.sdp.type === "offer") {
    await pc.setLocalDescription();
    send({ type: "answer", to: data.from, sdp: pc.localDescription });
  }
}

// Who speaks: the loudness of each person's audio, measured in the page (nothing is sent).
const speaking = new Map(); // "me" or peer id → true while their voice is above the threshold
const SPEAKING_LEVEL = 0.04;
let audioContext = null;

function watchLevel(key, stream) {
  if (!stream.getAudioTracks().length || !window.AudioContext) return;
  audioContext ??= new AudioContext();
  const analyser = audioContext.createAnalyser();
  analyser.fftSize = 512;
  audioContext.createMediaStreamSource(stream).connect(analyser);
  const samples = new Uint8Array(analyser.fftSize);
  const tick = () => {
    if (key !== "me" && !peers.has(key)) return;
    if (audioContext.state === "suspended") audioContext.resume().catch(() => {});
    analyser.getByteTimeDomainData(samples);
    let sum = 0;
    for (const value of samples) sum += ((value - 128) / 128) ** 2;
    const loud = Math.sqrt(sum / samples.length) > SPEAKING_LEVEL;
    if (loud !== (speaking.get(key) ?? false)) {
      speaking.set(key, loud);
      renderPeople();
    }
    setTimeout(tick, 150);
  };
  tick();
}

function personItem(key, name) {
  const item = document.createElement("li");
  const isSpeaking = speaking.get(key) ?? false;
  item.dataset.speaking = String(isSpeaking);
  const initial = Object.assign(document.createElement("span"), { className: "room-person-initial", textContent: name.trim().charAt(0).toUpperCase() || "?" });
  initial.setAttribute("aria-hidden", "true");
  const label = Object.assign(document.createElement("span"), { className: "room-person-name", textContent: name });
  item.append(initial, label);
  if (isSpeaking) item.append(Object.assign(document.createElement("span"), { className: "room-person-speaking", textContent: "speaking" }));
  return item;
}

function renderPeople() {
  const everyone = me ? [personItem("me", `${root.dataset.userName || "You"} (you)`)] : [];
  for (const [peerId, { name }] of peers) everyone.push(personItem(peerId, name));
  people.replaceChildren(...everyone);
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
        say(gettext("Weak connection: switched to audio only."));
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
  localVideo.classList.toggle("has-video", Boolean(cameraTrack));
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
    data.waiting?.forEach((userId) => showWaiting({ user: userId, name: gettext("Someone") }));
    iceServers = data.ice_servers;
    say(interpolate(gettext("In the room as %(role)s."), { role: me.role }));
    renderPeople();
    data.whiteboard?.forEach((stroke) => board && drawStroke(stroke));
    if (pad) { pad.value = data.pad.text; padVersion = data.pad.version; }
    await callEveryone(data.peers);
  },
  "peer.left": (data) => closePeer(data.peer_id),
  offer: onDescription,
  answer: onDescription,
  ice: async (data) => {
    const entry = peers.get(data.from);
    try {
      await entry?.pc.addIceCandidate(data.candidate);
    } catch (error) {
      if (!entry.ignoreOffer) console.warn("ICE candidate refused", error);
    }
  },
  waiting: () => say(gettext("Waiting for the teacher to let you in…")),
  admitted: () => say(gettext("The teacher let you in.")),
  "waiting.joined": (data) => showWaiting(data),
  "peer.joined": (data) => {
    names.set(data.peer_id, data.name);
    say(interpolate(gettext("%(name)s joined."), { name: data.name }));
    removeWaiting(data.user);
    // Someone new has not agreed to be recorded: stop, and keep what was recorded so far.
    if (recorder?.state === "recording") stopRecording(`${data.name} joined: recording stopped.`);
  },
  muted: (data) => {
    if (data.user === root.dataset.user) {
      localStream.getAudioTracks().forEach((track) => (track.enabled = false));
      say(gettext("The host muted you."));
    }
  },
  removed: () => say(gettext("The host removed you from this room.")),
  "whiteboard.stroke": (data) => drawStroke(data.stroke),
  "whiteboard.clear": () => board?.getContext("2d").clearRect(0, 0, board.width, board.height),
  pad: (data) => { padVersion = data.version; if (data.peer_id !== me?.peer_id) pad.value = data.text; },
  "pad.conflict": (data) => { padVersion = data.version; pad.value = data.text; },
  chat: (data) => document.getElementById("room-chat")?.append(Object.assign(document.createElement("li"), { textContent: `${data.name}: ${data.text}` })),
  "recording.consent_request": () => { consentPrompt.hidden = false; consentPrompt.querySelector("button").focus(); },
  "recording.consent": (data) => {
    everyoneAgreed = data.everyone;
    if (data.user === root.dataset.user) consentPrompt.hidden = true;
    if (!data.granted && recorder?.state === "recording") stopRecording(gettext("Someone withdrew consent: recording stopped."));
    if (data.everyone) say(gettext("Everyone agreed: recording can start."));
    updateRecordingButtons();
  },
  "recording.saved": () => loadRecordings(),
};

// --- Waiting room (the teacher lets people in) --------------------------------------------
const waitingList = document.getElementById("waiting-list");
function showWaiting(data) {
  if (!waitingList || waitingList.querySelector(`[data-user="${data.user}"]`)) return;
  const item = document.createElement("li");
  item.dataset.user = data.user;
  const button = Object.assign(document.createElement("button"), { type: "button", textContent: interpolate(gettext("Let %(name)s in"), { name: data.name }) });
  button.addEventListener("click", () => { send({ type: "admit", user: data.user }); removeWaiting(data.user); });
  item.append(`${data.name} is waiting. `, button);
  waitingList.append(item);
  waitingList.closest("[hidden]")?.removeAttribute("hidden");
}
function removeWaiting(userId) {
  waitingList?.querySelector(`[data-user="${userId}"]`)?.remove();
  if (waitingList && !waitingList.children.length) waitingList.closest("section").hidden = true;
}

// --- Recording (classrooms) ---------------------------------------------------------------
const consentPrompt = document.getElementById("consent-prompt");
const startButton = document.getElementById("start-recording");
const stopButton = document.getElementById("stop-recording");
const recordingList = document.getElementById("recordings");
let everyoneAgreed = false;
let recorder = null;
let mixer = null; // {context, destination, sources: Set of stream ids}

consentPrompt?.addEventListener("click", (event) => {
  const answer = event.target.closest("button[data-granted]");
  if (!answer) return;
  send({ type: "recording.consent", granted: answer.dataset.granted === "true" });
  consentPrompt.hidden = true;
});

function updateRecordingButtons() {
  if (!startButton) return;
  const recording = recorder?.state === "recording";
  startButton.disabled = !everyoneAgreed || recording;
  stopButton.disabled = !recording;
  root.dataset.recording = recording ? "on" : "off";
}

// Every stream in the room (ours and the remote ones) is mixed into one audio track.
function mixIntoRecording(stream) {
  if (!mixer || mixer.sources.has(stream.id) || !stream.getAudioTracks().length) return;
  mixer.context.createMediaStreamSource(stream).connect(mixer.destination);
  mixer.sources.add(stream.id);
}

function startRecording() {
  const context = new AudioContext();
  mixer = { context, destination: context.createMediaStreamDestination(), sources: new Set() };
  mixIntoRecording(localStream);
  for (const { element } of peers.values()) if (element.srcObject) mixIntoRecording(element.srcObject);
  const type = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus"].find((t) => MediaRecorder.isTypeSupported(t));
  recorder = new MediaRecorder(mixer.destination.stream, type ? { mimeType: type } : {});
  const chunks = [];
  recorder.addEventListener("dataavailable", ({ data }) => { if (data.size) chunks.push(data); });
  recorder.addEventListener("stop", () => {
    mixer.context.close();
    mixer = null;
    updateRecordingButtons();
    uploadRecording(new Blob(chunks, { type: recorder.mimeType || "audio/webm" }));
  });
  recorder.start(1000);
  say(gettext("Recording…"));
  updateRecordingButtons();
}

function stopRecording(message = "Recording stopped: uploading…") {
  if (recorder?.state !== "recording") return;
  say(message);
  recorder.stop();
}

async function uploadRecording(blob) {
  const form = new FormData();
  form.append("file", blob, "recording.webm");
  // XHR rather than fetch: it reports the bytes sent, for the progress bar.
  const bar = progressBar(recordingList?.parentElement ?? statusEl.parentElement, gettext("Uploading the recording…"));
  let response;
  try {
    response = await uploadWithProgress(`/api/v1/rooms/${roomId}/recordings/`, form, {
      headers: { "X-CSRFToken": csrf },
      bar,
    });
  } catch {
    bar.remove();
    say("The recording could not be saved: the connection failed.");
    return;
  }
  bar.remove();
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    say(interpolate(gettext("The recording could not be saved: %(error)s"), { error: problem.message ?? response.status }));
    return;
  }
  const saved = await response.json();
  say(gettext("Recording saved."));
  send({ type: "recording.saved", id: saved.id });
  loadRecordings();
}

async function loadRecordings() {
  if (!recordingList) return;
  const response = await fetch(`/api/v1/rooms/${roomId}/recordings/`, { credentials: "same-origin" });
  if (!response.ok) return;
  const page = await response.json();
  recordingList.replaceChildren(...page.results.map(renderRecording));
}

function renderRecording(recording) {
  const item = document.createElement("li");
  const when = new Date(recording.created_at).toLocaleString();
  const player = Object.assign(document.createElement("audio"), { controls: true, preload: "none", src: recording.url });
  player.setAttribute("aria-label", `Recording of ${when}`);
  item.append(`${when} · ${Math.round(recording.size / 1024)} KB `, player);
  return item;
}

startButton?.addEventListener("click", startRecording);
stopButton?.addEventListener("click", () => stopRecording());

function connect(retry = 0) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  ws = new WebSocket(`${scheme}://${location.host}/ws/rooms/${roomId}/`);
  ws.addEventListener("message", (event) => {
    const data = JSON.parse(event.data);
    handlers[data.type]?.(data);
  });
  ws.addEventListener("close", (event) => {
    const reasons = { 4401: gettext("Sign in to join."), 4403: gettext("This room is not open to you."), 4404: gettext("This room does not exist or has ended."), 4409: gettext("This room is full."), 4410: gettext("You were removed from this room.") };
    if (reasons[event.code]) return say(reasons[event.code]);
    // Reconnection: peers are renegotiated from the fresh room.state.
    [...peers.keys()].forEach(closePeer);
    say(gettext("Reconnecting…"));
    setTimeout(() => connect(retry + 1), Math.min(10000, 500 * 2 ** retry));
  });
}

await startMicrophone();
connect();
