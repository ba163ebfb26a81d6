// 融合: page behaviour without inline script (CSP forbids it).
(function () {
  "use strict";

  function initCharts(root) {
    if (typeof window.echarts === "undefined") return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.chartReady) return;
      var source = document.getElementById(el.dataset.source);
      if (!source) return;
      var data = JSON.parse(source.textContent);
      var chart = window.echarts.init(el);
      var kind = el.dataset.chart;
      var option;
      if (kind === "pie") {
        option = { animation: false, tooltip: { trigger: "item" }, series: [{ type: "pie", radius: "65%", data: data.items }] };
      } else {
        option = {
          animation: false,
          tooltip: { trigger: "axis" },
          grid: { left: 40, right: 16, top: 24, bottom: 48 },
          xAxis: { type: "category", data: data.categories, axisLabel: { interval: 0, rotate: data.categories.length > 6 ? 30 : 0 } },
          yAxis: { type: "value", minInterval: 1 },
          series: [{ type: kind === "line" ? "line" : "bar", data: data.values, itemStyle: { color: "#b71c1c" } }]
        };
      }
      chart.setOption(option);
      el.dataset.chartReady = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  function initConfirm(root) {
    root.querySelectorAll("form[data-confirm]").forEach(function (form) {
      if (form.dataset.confirmReady) return;
      form.addEventListener("submit", function (ev) {
        if (!window.confirm(form.dataset.confirm)) ev.preventDefault();
      });
      form.dataset.confirmReady = "1";
    });
  }

  function init(root) { initCharts(root); initConfirm(root); }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (ev) { init(ev.target); });
})();
