// The dashboard's chart: the last days' sync activity (data from the page, json_script
// "activity-data"), drawn with Chart.js served from our own static files.
(function () {
  "use strict";
  const COLOURS = {
    orders_imported: "#417690", items_pushed: "#5b9a3c",
    items_imported: "#c9771a", errors: "#ba2121",
  };

  function draw() {
    const canvas = document.getElementById("activity-chart");
    const source = document.getElementById("activity-data");
    if (!canvas || !source || typeof window.Chart !== "function") return;
    const data = JSON.parse(source.textContent);
    const chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map((s) => ({
          label: s.label, data: s.data,
          backgroundColor: COLOURS[s.key] || "#888", borderColor: COLOURS[s.key] || "#888",
        })),
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } },
      },
    });
    canvas.dataset.ready = "true";
    window.bcsyncActivityChart = chart;
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
