// The live tutor session page: one /ws/tutor/ socket carrying the microphone's PCM frames up
// and the tutor's words and speech down (protocol in realtime/consumers/tutor.py).
// Everything the page says comes from data-* attributes (translated by the template).
import { Microphone, Player } from "./audio.js";

const root = document.querySelector("[data-tutor-session]");
if (root) setUp(root);

function setUp(root) {
  const data = root.dataset;
  const $ = (selector) => root.querySelector(selector);
  const stateBox = $("#tutor-state");
  const stateLabel = $("#tutor-state-label");
  const transcript = $("#transcript");
  const errorBox = $("#tutor-error");
  const timeLeft = $("#time-left");
  const startButton = $("#tutor-start");
  const micButton = $("#tutor-mic");
  const handsFree = $("#tutor-hands-free");
  const talkButton = $("#tutor-talk");
  const interruptButton = $("#tutor-interrupt");
  const endButton = $("#tutor-end");
  const form = $("#tutor-text-form");
  const input = $("#tutor-text");
  const warning = $("#tutor-warning");
  const modeNote = $("#tutor-mode-note");
  const live = $("#tutor-controls");

  let socket = null;
  let sessionId = data.resume || null;
  let serverState = "idle";
  let tutorBubble = null;
  let microphone = null;
  let holding = false;
  let secondsLeft = null;
  let ended = false;
  let countdown = null;

  const player = new Player({
    onIdle: () => {
      send({ type: "playback.done" });
      render();
    },
    onStart: render,
  });

  function show(element, visible) {
    if (element) element.hidden = !visible;
  }

  function render() {
    const state = ended ? "ended" : player.playing ? "speaking" : serverState;
    stateBox.dataset.state = state;
    stateLabel.textContent = data[`state${state.charAt(0).toUpperCase()}${state.slice(1)}`] || state;
    show(interruptButton, state === "speaking" || state === "thinking");
    talkButton.setAttribute("aria-pressed", holding ? "true" : "false");
    talkButton.textContent = holding ? data.talkRelease : data.talkHold;
  }

  function say(message) {
    errorBox.textContent = message || "";
    show(errorBox, Boolean(message));
  }

  function bubble(who, text) {
    const item = document.createElement("li");
    item.className = `turn turn-${who}`;
    const name = document.createElement("span");
    name.className = "turn-speaker";
    name.textContent = who === "tutor" ? data.tutorName : data.youName;
    const body = document.createElement("p");
    body.className = "turn-text";
    body.textContent = text;
    item.append(name, body);
    transcript.append(item);
    item.scrollIntoView({ block: "nearest" });
    return body;
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function tick() {
    if (secondsLeft === null) return;
    secondsLeft = Math.max(0, secondsLeft - 1);
    const minutes = Math.floor(secondsLeft / 60);
    const seconds = String(secondsLeft % 60).padStart(2, "0");
    timeLeft.textContent = `${minutes}:${seconds}`;
  }

  function bargeIn() {
    // Playback stops at once; the tutor's turn is cut to what was heard.
    const heard = player.stop();
    send({ type: "response.cancel", heard_text: heard });
  }

  function handle(event) {
    switch (event.type) {
      case "session.started":
        sessionId = event.session;
        root.dataset.sessionId = sessionId;
        secondsLeft = Math.floor(event.settings.seconds_left);
        tick();
        countdown = setInterval(tick, 1000);
        show(modeNote, event.mode === "guided");
        show(live, true);
        show(startButton, false);
        input.focus();
        break;
      case "state":
        serverState = event.state;
        if (event.state === "thinking") player.newReply();
        break;
      case "speech.started":
        if (event.barge_in && player.playing) bargeIn();
        break;
      case "transcript.user":
        bubble("you", event.text);
        tutorBubble = null;
        break;
      case "transcript.tutor":
        if (!tutorBubble) tutorBubble = bubble("tutor", "");
        if (event.final) {
          tutorBubble.textContent = event.text;
          tutorBubble = null;
        } else {
          tutorBubble.textContent += event.delta;
        }
        break;
      case "audio":
        player.enqueue(event);
        break;
      case "response.done":
        tutorBubble = null;
        break;
      case "credits.warning":
        warning.textContent = data.warning.replace("{seconds}", event.seconds_left);
        show(warning, true);
        secondsLeft = event.seconds_left;
        break;
      case "error":
        say(event.message);
        if (event.code === "session_active" && event.session) {
          sessionId = event.session;
          const resume = $("#tutor-resume");
          show(resume, true);
        }
        break;
      case "session.ended":
        ended = true;
        clearInterval(countdown);
        microphone?.stop();
        player.stop();
        window.location.assign(data.reportUrl.replace("/0/", `/${event.session}/`));
        break;
      default:
        break;
    }
    render();
  }

  function connect(startMessage) {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    socket = new WebSocket(`${scheme}//${window.location.host}${data.socketUrl}`);
    socket.binaryType = "arraybuffer";
    socket.addEventListener("open", () => send(startMessage));
    socket.addEventListener("message", (message) => {
      try {
        handle(JSON.parse(message.data));
      } catch (error) {
        console.error(error);
      }
    });
    socket.addEventListener("close", () => {
      if (!ended) say(data.disconnected);
      serverState = "idle";
      render();
    });
  }

  function start(resume) {
    player.ensureContext(); // inside the click: browsers only allow sound after a gesture
    say("");
    const message = resume
      ? { type: "session.start", session: sessionId }
      : { type: "session.start", avatar: Number(data.avatar), context: Number(data.context), level: data.level || null };
    if (socket && socket.readyState === WebSocket.OPEN) send(message);
    else connect(message);
  }

  function sendFrame(buffer) {
    if (!socket || socket.readyState !== WebSocket.OPEN || !sessionId) return;
    if (handsFree.checked || holding) socket.send(buffer);
  }

  async function toggleMicrophone() {
    if (microphone) {
      microphone.stop();
      microphone = null;
      micButton.setAttribute("aria-pressed", "false");
      micButton.textContent = data.micOn;
      show($("#waveform"), false);
      send({ type: "input_audio.clear" });
      return;
    }
    microphone = new Microphone({ canvas: $("#waveform"), onFrame: sendFrame, workletUrl: data.worklet });
    show($("#waveform"), true);
    try {
      await microphone.start();
      micButton.setAttribute("aria-pressed", "true");
      micButton.textContent = data.micOff;
    } catch (error) {
      microphone = null;
      show($("#waveform"), false);
      say(data.micDenied);
    }
  }

  function press() {
    if (holding) return;
    if (!microphone) return;
    if (player.playing) bargeIn();
    holding = true;
    render();
  }

  function release() {
    if (!holding) return;
    holding = false;
    send({ type: "input_audio.commit" });
    render();
  }

  startButton.addEventListener("click", () => start(false));
  $("#tutor-resume")?.addEventListener("click", () => {
    show($("#tutor-resume"), false);
    start(true);
  });
  micButton.addEventListener("click", toggleMicrophone);
  handsFree.addEventListener("change", () => {
    show(talkButton, !handsFree.checked);
    if (handsFree.checked) release();
  });
  talkButton.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    press();
  });
  talkButton.addEventListener("pointerup", release);
  talkButton.addEventListener("pointerleave", release);
  talkButton.addEventListener("keydown", (event) => {
    if ((event.key === " " || event.key === "Enter") && !event.repeat) {
      event.preventDefault();
      press();
    }
  });
  talkButton.addEventListener("keyup", (event) => {
    if (event.key === " " || event.key === "Enter") release();
  });
  interruptButton.addEventListener("click", bargeIn);
  endButton.addEventListener("click", () => {
    endButton.disabled = true;
    send({ type: "session.end" });
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || !sessionId) return;
    if (player.playing) bargeIn();
    send({ type: "input_text", text });
    input.value = "";
  });
  show(talkButton, !handsFree.checked);
  render();
}
