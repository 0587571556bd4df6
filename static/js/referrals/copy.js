// The "Copy link" button: shown only when the browser can copy (secure context); without
// it the link stays selectable in its read-only field.
import { gettext } from "../design/i18n.js";
for (const button of document.querySelectorAll("[data-copy-target]")) {
  const field = document.getElementById(button.dataset.copyTarget);
  const status = button.closest(".share-box")?.querySelector(".copy-status");
  if (!navigator.clipboard || !field) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      if (status) status.textContent = gettext("Link copied.");
    } catch {
      field.select();
      if (status) status.textContent = "Press Ctrl+C (⌘C on a Mac) to copy the selected link.";
    }
  });
}
for (const field of document.querySelectorAll(".share-row input[readonly]")) {
  field.addEventListener("focus", () => field.select());
}
