// Loads the provider's own payment form (Stripe.js or Razorpay Checkout). Those scripts come
// from the providers' servers; when they cannot be reached (offline install, blocker), the
// page says so plainly instead of showing a dead button.
const client = JSON.parse(document.getElementById("checkout-client").textContent);
const status = document.getElementById("checkout-status");
const button = document.getElementById("pay-button");

const SOURCES = {
  stripe: "https://js.stripe.com/v3/",
  paypal: "https://js.stripe.com/v3/",
  razorpay: "https://checkout.razorpay.com/v1/checkout.js",
};

function loadScript(src, timeoutMs = 8000) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    const timer = setTimeout(() => reject(new Error("timeout")), timeoutMs);
    script.src = src;
    script.onload = () => { clearTimeout(timer); resolve(); };
    script.onerror = () => { clearTimeout(timer); reject(new Error("unreachable")); };
    document.head.append(script);
  });
}

function unavailable() {
  status.textContent =
    "The secure payment form could not be loaded (the payment provider cannot be reached " +
    "from this browser). Nothing has been charged. Try again later, or choose bank transfer.";
  status.classList.add("message", "message-error");
}

async function start() {
  try {
    await loadScript(SOURCES[client.provider]);
  } catch {
    unavailable();
    return;
  }
  if (client.provider === "razorpay") {
    button.hidden = false;
    status.textContent = "";
    button.addEventListener("click", () => {
      const checkout = new window.Razorpay({
        key: client.key_id, order_id: client.order_id, amount: client.amount,
        currency: client.currency, name: client.name, description: client.description,
        prefill: client.prefill,
        handler: async (result) => {
          const csrf = document.cookie.match(/csrftoken=([^;]+)/)?.[1] ?? "";
          const response = await fetch(`/api/v1/payments/${client.payment_id}/razorpay/confirm/`, {
            method: "POST", credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
            body: JSON.stringify(result),
          });
          status.textContent = response.ok ? "Payment received. Thank you!" : "We could not confirm the payment yet; it will be checked again shortly.";
        },
      });
      checkout.open();
    });
    return;
  }
  const stripe = window.Stripe(client.publishable_key);
  const elements = stripe.elements({ clientSecret: client.client_secret });
  elements.create("payment").mount("#payment-element");
  button.hidden = false;
  status.textContent = "";
  button.addEventListener("click", async () => {
    button.disabled = true;
    const { error } = await stripe.confirmPayment({
      elements, confirmParams: { return_url: `${location.origin}/payments/` },
    });
    if (error) { status.textContent = error.message; button.disabled = false; }
  });
}

start();
