// "Add to my words" on pages whose content is built in the browser (a translation result,
// phrasebook entries): any button with data-vocab-add posts to /api/v1/vocabulary/words/.
// The word, translation and language come from data-text / data-translation / data-language,
// or from the elements named by data-text-from / data-translation-from / data-language-from.
// The answer (added, or already in the bank) is announced in data-status's element.
import { api, explain } from "../ai/api.js";

function read(button, name) {
  const from = button.dataset[`${name}From`];
  if (from) {
    const element = document.querySelector(from);
    return (element?.value ?? element?.textContent ?? "").trim();
  }
  return (button.dataset[name] ?? "").trim();
}

document.addEventListener("click", async (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-vocab-add]") : null;
  if (!button) return;
  const status = document.querySelector(button.dataset.status || "#status");
  const text = read(button, "text");
  if (!text) return;
  button.disabled = true;
  try {
    const word = await api("vocabulary/words/", {
      method: "POST",
      json: {
        text,
        translation: read(button, "translation"),
        language: read(button, "language"),
        source: button.dataset.source || "manual",
        source_ref: button.dataset.sourceRef || "",
      },
    });
    const message = word.created ? button.dataset.added : button.dataset.already;
    if (status) status.textContent = (message || "").replace("%s", word.text);
  } catch (error) {
    if (status) status.textContent = explain(error);
  } finally {
    button.disabled = false;
  }
});
