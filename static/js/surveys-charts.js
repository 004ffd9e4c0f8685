// 问卷结果 (surveys/results.html): one Chart.js chart per question from the JSON the page holds
// (bars with the counts for choices, a histogram for scores). The table under each chart holds
// the same figures, for screen readers and without scripts.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var horizontal = data.kind !== "rating";
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{ label: "人数", data: data.counts, backgroundColor: horizontal ? "#0a58ca" : "#b3121c" }]
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: {
          x: { beginAtZero: true, ticks: { precision: 0 } },
          y: { beginAtZero: true, ticks: { precision: 0 } }
        }
      }
    });
  });
})();
