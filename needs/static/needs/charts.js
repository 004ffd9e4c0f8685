// 需求清单: the charts by category and by source, drawn from the JSON the charts fragment
// carries (json_script). The fragment arrives by htmx after the page.
(function () {
  "use strict";
  var COLOURS = ["#c8161d", "#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#6c757d",
                 "#d63384", "#0dcaf0", "#ffc107"];
  // htmx fires a load event for each new top-level element of the swap: read the JSON and the
  // canvases from the document, drawing each canvas once.
  function draw() {
    if (typeof Chart === "undefined") return;
    var holder = document.getElementById("need-chart-data");
    if (!holder) return;
    var data = JSON.parse(holder.textContent);
    document.querySelectorAll("canvas[data-need-chart]").forEach(function (canvas) {
      var chart = data[canvas.getAttribute("data-need-chart")];
      if (!chart || canvas.dataset.drawn) return;
      canvas.dataset.drawn = "1";
      new Chart(canvas, {
        type: "bar",
        data: {
          labels: chart.labels,
          datasets: [{ label: chart.title, data: chart.values, backgroundColor: COLOURS }],
        },
        options: {
          indexAxis: "y",
          responsive: true,
          aspectRatio: 1.3,
          animation: false,
          plugins: { legend: { display: false } },
          scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
        },
      });
    });
  }
  // htmx is loaded with `defer`: listen for its load events rather than call htmx.onLoad.
  document.addEventListener("htmx:load", draw);
  document.addEventListener("DOMContentLoaded", draw);
})();
