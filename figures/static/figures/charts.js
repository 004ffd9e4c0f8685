// 数据看板: each chart drawn from the JSON the page carries (json_script). A table with the same
// numbers sits behind each chart's 查看数据 toggle, so nothing here is the only way to read them.
(function () {
  "use strict";
  var COLOURS = ["#c8161d", "#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#6c757d",
                 "#d63384", "#0dcaf0", "#ffc107"];
  function draw() {
    if (typeof Chart === "undefined") return;
    var holder = document.getElementById("figures-chart-data");
    if (!holder) return;
    var charts = {};
    JSON.parse(holder.textContent).forEach(function (chart) { charts[chart.key] = chart; });
    document.querySelectorAll("canvas[data-figures-chart]").forEach(function (canvas) {
      var chart = charts[canvas.getAttribute("data-figures-chart")];
      if (!chart || canvas.dataset.drawn) return;
      canvas.dataset.drawn = "1";
      var datasets = chart.datasets.filter(function (d) { return !d.table_only; });
      new Chart(canvas, {
        type: chart.type,
        data: {
          labels: chart.labels,
          datasets: datasets.map(function (d, i) {
            var colour = COLOURS[i % COLOURS.length];
            return { label: d.label, data: d.data, backgroundColor: colour, borderColor: colour,
                     fill: false, tension: 0.2 };
          }),
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { display: datasets.length > 1, position: "bottom" } },
          scales: {
            x: { stacked: chart.stacked, ticks: { autoSkip: true, maxRotation: 60 } },
            y: { stacked: chart.stacked, beginAtZero: true, ticks: { precision: 0 },
                 max: chart.unit === "%" ? 100 : undefined },
          },
        },
      });
    });
  }
  document.addEventListener("htmx:load", draw);
  document.addEventListener("DOMContentLoaded", draw);
})();
