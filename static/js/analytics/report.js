// A custom report's chart (analytics.reports): the numbers come from the page's json_script
// block, the same ones the table beside it shows. Chart.js is loaded before this module.

const section = document.querySelector("[data-report-chart]");
const data = document.getElementById("report-chart-data");
if (section && data && window.Chart) {
  const chart = JSON.parse(data.textContent);
  const canvas = section.querySelector("canvas");
  new window.Chart(canvas, {
    type: chart.type,
    data: {
      labels: chart.labels,
      datasets: [{ label: chart.label, data: chart.values, backgroundColor: "#007d7e", borderColor: "#007d7e" }],
    },
    options: { responsive: true, maintainAspectRatio: false, animation: false },
  });
}
