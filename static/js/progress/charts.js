// The progress report's charts: Chart.js (static/dist, loaded before this module) draws the
// data the page passes in #progress-charts; every chart has a table view in the page itself.

const COLOURS = ["#007d7e", "#e9b04d", "#6b5ca5"];

const data = document.getElementById("progress-charts");
if (data && window.Chart) {
  const charts = JSON.parse(data.textContent);
  charts.forEach((chart, index) => {
    const canvas = document.querySelector(`[data-progress-chart="${chart.key}"] canvas`);
    if (!canvas) return;
    new window.Chart(canvas, {
      type: chart.type,
      data: {
        labels: chart.labels.map((day) => day.slice(5)),
        datasets: chart.datasets.map((dataset) => ({
          ...dataset,
          backgroundColor: COLOURS[index % COLOURS.length],
          borderColor: COLOURS[index % COLOURS.length],
          spanGaps: true,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true } },
      },
    });
  });
}
