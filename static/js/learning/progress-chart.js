// Progressive enhancement of the server-rendered progress chart: read one day at a time with
// the arrow keys, a pointer or a tap. Without JavaScript the SVG, its caption and the data
// table carry the same information.
for (const chart of document.querySelectorAll("[data-progress-chart]")) {
  const bars = [...chart.querySelectorAll(".chart-bar")];
  const readout = chart.querySelector(".chart-readout");
  if (!bars.length || !readout) continue;
  let selected = -1;

  const select = (index) => {
    selected = Math.max(0, Math.min(bars.length - 1, index));
    bars.forEach((bar, i) => bar.classList.toggle("is-selected", i === selected));
    readout.textContent = bars[selected].dataset.label;
  };

  chart.tabIndex = 0;
  chart.dataset.enhanced = "";
  chart.querySelector(".chart-help")?.removeAttribute("hidden");
  chart.addEventListener("keydown", (event) => {
    const moves = {
      ArrowLeft: selected - 1,
      ArrowRight: selected < 0 ? bars.length - 1 : selected + 1,
      Home: 0,
      End: bars.length - 1,
    };
    if (event.key in moves) {
      event.preventDefault();
      select(moves[event.key]);
    }
  });
  chart.addEventListener("focus", () => {
    if (selected < 0) select(bars.length - 1);
  });
  bars.forEach((bar, index) => {
    bar.addEventListener("pointerenter", () => select(index));
    bar.addEventListener("click", () => select(index));
  });
}
