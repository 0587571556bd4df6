// The style guide's live samples: each colour swatch painted with its token (through the
// CSSOM, which the Content-Security-Policy allows, unlike a style="…" attribute), and the
// sample form kept from submitting.
for (const chip of document.querySelectorAll("[data-colour-token]")) {
  chip.style.background = `var(--color-${chip.dataset.colourToken})`;
}
for (const form of document.querySelectorAll("form[data-demo-form]")) {
  form.addEventListener("submit", (event) => event.preventDefault());
}
