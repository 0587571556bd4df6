// The demo provider's card form (templates/payments/_demo_card_form.html): posts the test
// card to the demo confirm endpoint, shows a decline's reason so another card can be tried,
// and the 3-D Secure-like step for the card that asks for it. Success goes to the payment's
// result page, which says so and leads on to the wallet, lesson or pack.
import { gettext } from "../design/i18n.js";
const root = document.querySelector("[data-testid=demo-pay]");
const form = document.getElementById("demo-card-form");
const step = document.getElementById("demo-confirm-step");
const status = document.getElementById("demo-status");
const payButton = document.getElementById("demo-pay-button");
const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

function say(text, kind) {
  status.textContent = text;
  status.className = kind ? `message message-${kind}` : "";
}

function clearFieldErrors() {
  for (const slot of form.querySelectorAll("[data-field]")) {
    slot.textContent = "";
    form.elements[slot.dataset.field]?.removeAttribute("aria-invalid");
  }
}

function showFieldErrors(fields) {
  let shown = false;
  for (const [name, messages] of Object.entries(fields || {})) {
    const slot = form.querySelector(`[data-field="${name}"]`);
    if (!slot) continue;
    slot.textContent = [].concat(messages).join(" ");
    form.elements[name].setAttribute("aria-invalid", "true");
    if (!shown) form.elements[name].focus();
    shown = true;
  }
  return shown;
}

async function send(body) {
  const response = await fetch(root.dataset.confirmUrl, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    body: JSON.stringify(body),
  });
  let answer = {};
  try { answer = await response.json(); } catch { /* an HTML error page */ }
  return { ok: response.ok, answer };
}

function handle({ ok, answer }) {
  if (!ok) {
    step.hidden = true;
    form.hidden = false;
    if (!showFieldErrors(answer.fields)) {
      say(answer.message || "The payment could not be sent. Try again.", "error");
    } else {
      say("", "");
    }
    return;
  }
  if (answer.status === "succeeded") {
    say("Payment received. Taking you on…", "success");
    location.assign(root.dataset.doneUrl);
    return;
  }
  if (answer.status === "requires_action") {
    form.hidden = true;
    step.hidden = false;
    say("", "");
    step.querySelector("[data-action=approve]").focus();
    return;
  }
  step.hidden = true;
  form.hidden = false;
  say(`${answer.failure_reason || answer.message || gettext("The payment failed.")} ${gettext("Nothing was charged: try another card.")}`, "error");
  form.elements.card.focus();
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearFieldErrors();
  payButton.disabled = true;
  say(gettext("Paying…"), "info");
  try {
    handle(await send({
      card: form.elements.card.value,
      expiry: form.elements.expiry.value,
      cvc: form.elements.cvc.value,
    }));
  } catch {
    say("The server could not be reached. Nothing was charged; try again.", "error");
  } finally {
    payButton.disabled = false;
  }
});

for (const button of step.querySelectorAll("[data-action]")) {
  button.addEventListener("click", async () => {
    for (const other of step.querySelectorAll("button")) other.disabled = true;
    try {
      handle(await send({ action: button.dataset.action }));
    } catch {
      say("The server could not be reached. Try again.", "error");
    } finally {
      for (const other of step.querySelectorAll("button")) other.disabled = false;
    }
  });
}
