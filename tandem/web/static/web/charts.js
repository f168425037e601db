// Draws every <canvas data-chart="ID"> from the JSON that {{ value|json_script:"ID" }} wrote:
// {"type": "doughnut"|"bar"|"line", "labels": [...], "series": [{"label", "data"}], "colors"}.
// Pages stay readable without it: the same figures are printed beside each chart.
(function () {
  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source || !window.Chart || Chart.getChart(canvas)) return;
    const spec = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.series.map((s) => ({
          label: s.label,
          data: s.data,
          backgroundColor: spec.colors,
          borderColor: spec.type === "line" ? spec.colors[0] : undefined,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: spec.type === "doughnut", position: "bottom" } },
        scales: spec.type === "doughnut" ? {} : { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }
  function drawAll(root) {
    (root || document).querySelectorAll("canvas[data-chart]").forEach(draw);
  }
  document.addEventListener("DOMContentLoaded", () => drawAll());
  document.addEventListener("htmx:afterSettle", (e) => drawAll(e.target));
})();
