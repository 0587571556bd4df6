// On a phone the lesson is one step at a time: the reading before an exercise and the
// exercise itself form a step, the finish is the last; a progress bar runs across the top
// and Back / Continue move between steps. Wider screens keep the whole lesson on one page.
// The player (player.js) is untouched: its checks, live regions and keyboard alternatives
// work the same inside a step. This only hides the other steps and moves focus.
import { gettext, interpolate } from "../design/i18n.js";

const PHONE = window.matchMedia("(max-width: 39.99rem)");
const lesson = document.querySelector(".lesson");

function buildSteps(root) {
  const steps = [];
  let reading = [];
  for (const section of root.querySelectorAll(":scope > section")) {
    if (section.classList.contains("exercise") || section.classList.contains("lesson-finish")) {
      steps.push([...reading, section]);
      reading = [];
    } else {
      reading.push(section);
    }
  }
  if (reading.length) steps.push(reading);
  return steps;
}

function setUp(root) {
  const steps = buildSteps(root);
  if (steps.length < 2) return;
  let current = 0;

  const bar = document.createElement("div");
  bar.className = "lesson-progress";
  bar.innerHTML =
    '<div class="lesson-progress-track" role="progressbar" aria-valuemin="1">' +
    '<div class="lesson-progress-fill"></div></div><p class="lesson-progress-text" aria-live="polite"></p>';
  const track = bar.querySelector("[role=progressbar]");
  track.setAttribute("aria-label", gettext("Lesson progress"));
  const fill = bar.querySelector(".lesson-progress-fill");
  const text = bar.querySelector(".lesson-progress-text");
  track.setAttribute("aria-valuemax", String(steps.length));
  steps[0][0].before(bar);

  const nav = document.createElement("nav");
  nav.className = "lesson-steps-nav";
  nav.setAttribute("aria-label", gettext("Lesson steps"));
  nav.innerHTML =
    '<button type="button" class="button button-secondary" data-step="back"></button>' +
    '<button type="button" class="button" data-step="next"></button>';
  const back = nav.querySelector("[data-step=back]");
  const next = nav.querySelector("[data-step=next]");
  back.textContent = gettext("Back");
  next.textContent = gettext("Continue");
  root.append(nav);

  function show(index, { focus = true } = {}) {
    current = Math.max(0, Math.min(index, steps.length - 1));
    const active = PHONE.matches;
    steps.forEach((sections, position) => {
      for (const section of sections) section.hidden = active && position !== current;
    });
    root.classList.toggle("is-stepped", active);
    root.classList.toggle("is-past-intro", active && current > 0);
    bar.hidden = !active;
    nav.hidden = !active;
    if (!active) return;
    const number = current + 1;
    track.setAttribute("aria-valuenow", String(number));
    const stepText = interpolate(gettext("Step %(number)s of %(total)s"), { number, total: steps.length });
    track.setAttribute("aria-valuetext", stepText);
    fill.style.width = `${(number / steps.length) * 100}%`;
    text.textContent = stepText;
    back.disabled = current === 0;
    next.hidden = current === steps.length - 1;
    if (focus) {
      const first = steps[current][0];
      first.setAttribute("tabindex", "-1");
      first.focus({ preventScroll: true });
      bar.scrollIntoView({ block: "start" });
    }
  }

  back.addEventListener("click", () => show(current - 1));
  next.addEventListener("click", () => show(current + 1));
  PHONE.addEventListener("change", () => show(current, { focus: false }));

  // The finish: when the player reports the lesson completed, celebrate with the score.
  const result = root.querySelector(".finish-result");
  if (result) {
    new MutationObserver(() => {
      root.classList.toggle("is-celebrating", result.classList.contains("is-correct"));
    }).observe(result, { attributes: true, attributeFilter: ["class"] });
  }

  show(0, { focus: false });
}

if (lesson) setUp(lesson);
