// The analytics dashboards in the Wagtail admin: every [data-analytics-chart] section fetches
// its chart's JSON (analytics.api), draws it with Chart.js (served from static/dist/, loaded
// before this module) and fills a table view with the same numbers. No inline script or
// style: the admin's Content-Security-Policy allows self scripts only.
import { gettext } from "../design/i18n.js";

const PALETTE = ["#007d7e", "#e9b04d", "#6b5ca5", "#d45d79", "#3a86c8", "#6aa84f", "#8c8c8c", "#b5651d"];

function cellText(value) {
  if (value === null || value === undefined) return "–";
  if (typeof value === "boolean") return value ? "✓" : "✗";
  return String(value);
}

function buildTable(chart) {
  const table = document.createElement("table");
  table.className = "listing";
  const caption = document.createElement("caption");
  caption.className = "w-sr-only";
  caption.textContent = chart.title;
  table.append(caption);
  const head = table.createTHead().insertRow();
  for (const column of chart.columns) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = column;
    head.append(th);
  }
  const body = table.createTBody();
  chart.rows.forEach((row, rowIndex) => {
    const tr = body.insertRow();
    row.forEach((value, index) => {
      const cell = index === 0 ? document.createElement("th") : document.createElement("td");
      if (index === 0) cell.scope = "row";
      cell.textContent = cellText(value);
      if (chart.type === "heatmap" && index >= 2) {
        const incomplete = chart.incomplete?.[rowIndex]?.[index - 2];
        if (value !== null) cell.classList.add(`heat-${Math.min(10, Math.round(value / 10))}`);
        if (incomplete) {
          cell.classList.add("heat-incomplete");
          cell.title = gettext("Week not over yet");
          if (value !== null) cell.textContent = `${cellText(value)}*`;
        }
      }
      if (chart.type === "goals" && index === row.length - 1 && value !== null) {
        cell.classList.add(value ? "goal-met" : "goal-missed");
        cell.textContent = value ? "✓ met" : "✗ not yet";
      }
      tr.append(cell);
    });
  });
  return table;
}

function draw(canvas, chart) {
  // Percentages next to counts get their own 0–100 axis on the right, drawn as a line.
  const mixed = chart.type === "bar" && chart.datasets.some((d) => d.percent) && chart.datasets.some((d) => !d.percent);
  const datasets = chart.datasets.map((dataset, index) => ({
    ...dataset,
    data: dataset.data.map((value) => (value === null ? null : Number(value))),
    backgroundColor: PALETTE[index % PALETTE.length],
    borderColor: PALETTE[index % PALETTE.length],
    pointRadius: chart.labels.length > 60 ? 0 : 3,
    tension: 0.2,
    ...(mixed && dataset.percent ? { type: "line", yAxisID: "percent", order: -1 } : {}),
  }));
  const stacked = Boolean(chart.stacked);
  const horizontal = chart.index_axis === "y";
  const config = {
    type: chart.type === "goals" ? "bar" : chart.type,
    data: { labels: chart.labels, datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      indexAxis: chart.index_axis || "x",
      plugins: { legend: { position: "bottom" } },
      scales: {
        x: { stacked },
        y: { stacked, beginAtZero: true },
        ...(mixed && !horizontal
          ? { percent: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false }, title: { display: true, text: "%" } } }
          : {}),
      },
    },
  };
  canvas.setAttribute("aria-label", `${chart.title}. The table view has the numbers.`);
  // eslint-disable-next-line no-undef
  return new window.Chart(canvas, config);
}

async function load(section) {
  const title = section.querySelector("[data-chart-title]");
  const drawing = section.querySelector("[data-chart-drawing]");
  const tableHolder = section.querySelector("[data-chart-table]");
  const toggle = section.querySelector("[data-chart-toggle]");
  const notes = section.querySelector("[data-chart-notes]");
  let chart;
  try {
    const response = await fetch(section.dataset.src, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    chart = await response.json();
  } catch (error) {
    title.textContent = gettext("This chart could not be loaded.");
    section.dataset.state = "error";
    return;
  }
  title.textContent = chart.title;
  notes.textContent = chart.notes || "";
  tableHolder.replaceChildren(buildTable(chart));
  if (chart.type === "heatmap" || chart.type === "goals") {
    // A heat map is a table with shaded cells, and targets against actual values are read
    // best as a table with met/missed marks: the table is the drawing.
    drawing.hidden = true;
    tableHolder.hidden = false;
    tableHolder.classList.add("analytics-heatmap");
    toggle.hidden = true;
  } else {
    draw(section.querySelector("[data-chart-canvas]"), chart);
    toggle.addEventListener("click", () => {
      const showTable = tableHolder.hidden;
      tableHolder.hidden = !showTable;
      drawing.hidden = showTable;
      toggle.setAttribute("aria-pressed", String(showTable));
      toggle.textContent = showTable ? gettext("Chart view") : gettext("Table view");
    });
  }
  section.dataset.state = "drawn";
}

for (const section of document.querySelectorAll("[data-analytics-chart]")) load(section);
