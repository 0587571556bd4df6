// Pays one checkout with Stripe's own Payment Element (lessons, material packs …). Stripe.js
// comes from Stripe's servers; when it cannot be reached the page says so, in the words of
// the status element's data-unavailable, instead of showing a dead button. What was bought
// becomes the learner's when Stripe's signed webhook arrives, never by this script.
const client = JSON.parse(document.getElementById("checkout-client").textContent);
const status = document.getElementById("checkout-status");
const button = document.getElementById("pay-button");

function loadStripe(timeoutMs = 8000) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    const timer = setTimeout(() => reject(new Error("timeout")), timeoutMs);
    script.src = "https://js.stripe.com/v3/";
    script.onload = () => { clearTimeout(timer); resolve(); };
    script.onerror = () => { clearTimeout(timer); reject(new Error("unreachable")); };
    document.head.append(script);
  });
}

async function start() {
  try {
    await loadStripe();
  } catch {
    status.textContent = status.dataset.unavailable;
    status.classList.add("message", "message-error");
    return;
  }
  const stripe = window.Stripe(client.publishable_key);
  const elements = stripe.elements({ clientSecret: client.client_secret });
  elements.create("payment").mount("#payment-element");
  button.hidden = false;
  status.textContent = "";
  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = status.dataset.paying;
    const { error } = await stripe.confirmPayment({
      elements, confirmParams: { return_url: client.return_url },
    });
    if (error) {
      status.textContent = error.message;
      button.disabled = false;
    }
  });
}

start();
