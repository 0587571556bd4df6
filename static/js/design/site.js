import "./upload-progress.js";
// Under 640 px the stylesheet shows each table row as a card (no sideways scrolling). A card
// cell needs its column's name beside it: copy each column heading into data-label, which
// the CSS shows before the cell. Also runs on tables that scripts add or refill later.
function labelTable(table) {
  const headings = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
  if (!headings.length) return;
  for (const row of table.querySelectorAll("tbody tr")) {
    [...row.children].forEach((cell, index) => {
      let column = 0;
      for (const previous of [...row.children].slice(0, index)) column += previous.colSpan || 1;
      if (!cell.hasAttribute("data-label") && headings[column]) cell.dataset.label = headings[column];
    });
  }
}

function labelAll(root = document) {
  root.querySelectorAll("main table:not(.keep-table)").forEach(labelTable);
}

labelAll();
const main = document.querySelector("main");
if (main) {
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      labelAll();
    });
  }).observe(main, { childList: true, subtree: true });
}

// On narrow screens the sections are a strip that scrolls sideways: bring the current one
// into view so people see where they are.
const current = document.querySelector(".nav-links [aria-current=page]");
const strip = current?.closest(".nav-links");
if (current && strip && strip.scrollWidth > strip.clientWidth) {
  strip.scrollLeft = current.offsetLeft - (strip.clientWidth - current.offsetWidth) / 2;
}
