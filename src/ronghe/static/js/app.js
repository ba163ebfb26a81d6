// 融合: page behaviour without inline script (CSP forbids it).
(function () {
  "use strict";

  // One look for every chart (issue 20 item 4): the house red and blue first, text dark enough for AA contrast on
  // white, a CJK font stack; the 大屏 (data-theme="dark") gets the same palette lightened for its dark background.
  var FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif';
  function theme(text, muted, line, split, palette) {
    var axis = {
      axisLine: { lineStyle: { color: line } }, axisTick: { lineStyle: { color: line } },
      axisLabel: { color: muted }, nameTextStyle: { color: muted }, splitLine: { lineStyle: { color: split } }
    };
    return {
      color: palette,
      textStyle: { fontFamily: FONT, color: text },
      title: { textStyle: { color: text } },
      legend: { textStyle: { color: text } },
      tooltip: { textStyle: { fontFamily: FONT } },
      categoryAxis: axis, valueAxis: axis,
      line: { symbolSize: 6, lineStyle: { width: 2 } }
    };
  }
  var themesReady = false;
  function registerThemes() {
    if (themesReady) return;
    themesReady = true;
    window.echarts.registerTheme("ronghe", theme("#212529", "#3d4246", "#8a9096", "#e3e6ea",
      ["#b71c1c", "#1f4e79", "#2e7d32", "#8a5300", "#5c636a", "#6a1b9a"]));
    window.echarts.registerTheme("ronghe-dark", theme("#f1f3f4", "#d0d4d8", "#9aa0a6", "#3c4043",
      ["#ef5350", "#64b5f6", "#81c784", "#ffb74d", "#b0bec5", "#ce93d8"]));
  }

  function initCharts(root) {
    if (typeof window.echarts === "undefined") return;
    registerThemes();
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.chartReady) return;
      var source = document.getElementById(el.dataset.source);
      if (!source) return;
      var data = JSON.parse(source.textContent);
      var chart = window.echarts.init(el, el.dataset.theme === "dark" ? "ronghe-dark" : "ronghe");
      var kind = el.dataset.chart;
      var option;
      if (kind === "quadrant") {
        option = quadrantOption(data);
        chart.on("click", function (p) { if (p.data && p.data.url) window.location.href = p.data.url; });
      } else if (kind === "dual") {
        option = {
          animation: false,
          tooltip: { trigger: "axis" },
          legend: { data: ["党建得分", "业务得分"] },
          grid: { left: 40, right: 16, top: 32, bottom: 32 },
          xAxis: { type: "category", data: data.years },
          yAxis: { type: "value", min: 0, max: 100 },
          series: [
            { name: "党建得分", type: "line", data: data.party },
            { name: "业务得分", type: "line", data: data.business }
          ]
        };
      } else if (kind === "pie") {
        option = { animation: false, tooltip: { trigger: "item" }, series: [{ type: "pie", radius: "65%", data: data.items }] };
      } else {
        option = {
          animation: false,
          tooltip: { trigger: "axis" },
          grid: { left: 40, right: 16, top: 24, bottom: 48 },
          xAxis: { type: "category", data: data.categories, axisLabel: { interval: 0, rotate: data.categories.length > 6 ? 30 : 0 } },
          yAxis: { type: "value", minInterval: 1, max: data.max, axisLabel: { formatter: "{value}" + (data.unit || "") } },
          series: [{ type: kind === "line" ? "line" : "bar", data: data.values, connectNulls: false }]
        };
      }
      chart.setOption(option);
      el.dataset.chartReady = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  // 导出图片: the chart as a PNG on white at twice its size, named after its title. The data URL becomes a blob
  // first: a download link to a long data: URL is refused by some browsers.
  function exportChartImage(button) {
    var el = document.getElementById(button.dataset.chartPng);
    var chart = el && window.echarts ? window.echarts.getInstanceByDom(el) : null;
    if (!chart) return;
    var url = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
    var binary = window.atob(url.slice(url.indexOf(",") + 1));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    var href = URL.createObjectURL(new Blob([bytes], { type: "image/png" }));
    var link = document.createElement("a");
    link.href = href;
    link.download = (el.dataset.title || "图表").replace(/[\\/:*?"<>|]+/g, "_") + ".png";
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(href); }, 10000);
  }
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest ? ev.target.closest("[data-chart-png]") : null;
    if (button) exportChartImage(button);
  });

  // 融合象限: x = 业务得分, y = 党建得分, the lines split the four quadrants; a point opens its unit.
  function quadrantOption(data) {
    var colors = ["#2e7d32", "#b71c1c", "#ef6c00", "#546e7a"];
    var series = data.series.map(function (s, i) {
      return { name: s.name, type: "scatter", symbolSize: 12, data: s.data, itemStyle: { color: colors[i % 4] } };
    });
    if (data.lines && series.length) {
      series[0].markLine = {
        silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#555" },
        data: [{ yAxis: data.lines[0], name: "党建分界线" }, { xAxis: data.lines[1], name: "业务分界线" }]
      };
    }
    return {
      animation: false,
      legend: { top: 0 },
      grid: { left: 48, right: 56, top: 40, bottom: 40 },
      tooltip: { trigger: "item", formatter: function (p) {
        var esc = window.echarts.format.encodeHTML;  // unit names are user data
        return esc(p.data.name) + "<br>业务 " + p.data.value[0] + " · 党建 " + p.data.value[1] + (p.data.grade ? " · " + esc(p.data.grade) : "");
      } },
      xAxis: { type: "value", name: "业务得分", nameLocation: "middle", nameGap: 26, min: 0, max: function (v) { return Math.max(100, v.max); } },
      yAxis: { type: "value", name: "党建得分", nameLocation: "middle", nameGap: 34, min: 0, max: 100 },
      series: series
    };
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

  // The side bar's organization tree: a node with children folds them away (▾/▸), the whole tree
  // folds under its title, and typing filters it to the names that match (with their parents).
  function initOrgTree(root) {
    root.querySelectorAll("[data-org-tree]").forEach(function (tree) {
      if (tree.dataset.treeReady) return;
      tree.dataset.treeReady = "1";
      var items = Array.prototype.slice.call(tree.querySelectorAll("li[data-level]"));
      var level = function (li) { return parseInt(li.dataset.level, 10) || 0; };
      var children = function (i) {
        var out = [];
        for (var j = i + 1; j < items.length && level(items[j]) > level(items[i]); j++) out.push(items[j]);
        return out;
      };
      var applyFolds = function () {
        var hiddenBelow = null;
        items.forEach(function (li) {
          if (hiddenBelow !== null && level(li) > hiddenBelow) { li.hidden = true; return; }
          hiddenBelow = null;
          li.hidden = false;
          if (li.dataset.folded === "1") hiddenBelow = level(li);
        });
      };
      items.forEach(function (li, i) {
        if (!children(i).length) return;
        var button = document.createElement("button");
        button.type = "button";
        button.className = "org-tree-fold btn btn-link btn-sm p-0";
        button.setAttribute("aria-label", "展开/收起下级");
        var draw = function () {
          var folded = li.dataset.folded === "1";
          button.textContent = folded ? "▸" : "▾";
          button.setAttribute("aria-expanded", folded ? "false" : "true");
        };
        button.addEventListener("click", function () {
          li.dataset.folded = li.dataset.folded === "1" ? "0" : "1";
          draw();
          applyFolds();
        });
        draw();
        li.insertBefore(button, li.firstChild);
        li.classList.add("has-children");
      });
      var list = tree.querySelector("ul");
      var toggle = tree.querySelector("[data-tree-toggle]");
      var filter = tree.querySelector("[data-tree-filter]");
      var empty = tree.querySelector("[data-tree-empty]");
      if (toggle && list) {
        toggle.addEventListener("click", function () {
          var open = toggle.getAttribute("aria-expanded") !== "false";
          toggle.setAttribute("aria-expanded", open ? "false" : "true");
          toggle.textContent = open ? "展开" : "收起";
          list.hidden = open;
          if (filter) filter.hidden = open;
          if (empty) empty.classList.add("d-none");
        });
      }
      if (filter) {
        filter.addEventListener("input", function () {
          var q = filter.value.trim();
          if (!q) { applyFolds(); if (empty) empty.classList.add("d-none"); return; }
          var show = items.map(function () { return false; });
          items.forEach(function (li, i) {
            if (li.textContent.indexOf(q) === -1) return;
            show[i] = true;
            var want = level(li);
            for (var k = i - 1; k >= 0 && want > 0; k--) {
              if (level(items[k]) < want) { show[k] = true; want = level(items[k]); }
            }
          });
          items.forEach(function (li, i) { li.hidden = !show[i]; });
          if (empty) empty.classList.toggle("d-none", show.indexOf(true) !== -1);
        });
      }
    });
  }

  // The meeting form has one 会议类型 selector: changing it regenerates the expected list for that kind
  // (the proposal form, a GET), keeping the date and the title typed so far.
  function initMeetingKind(root) {
    var proposal = root.querySelector ? root.querySelector("#proposal-form") : null;
    var form = document.getElementById("meeting-form");
    if (!proposal || !form) return;
    var kind = form.querySelector("select[name=kind]");
    if (!kind || kind.dataset.kindReady) return;
    kind.dataset.kindReady = "1";
    kind.addEventListener("change", function () {
      proposal.querySelector("input[name=kind]").value = kind.value;
      var title = form.querySelector("input[name=title]");
      proposal.querySelector("input[name=title]").value = title ? title.value : "";
      proposal.submit();
    });
  }

  // A form that came back with errors: its summary (role="alert") is announced, and the keyboard focus goes to
  // the first invalid field, not to the top of the page (GB/T 37668 / WCAG 3.3.1, 2.4.3).
  function focusFirstError(root) {
    var summary = root.querySelector ? root.querySelector("[data-error-summary]") : null;
    if (!summary) return;
    var scope = summary.closest("form") || root;
    var first = scope.querySelector("[aria-invalid='true'], .is-invalid");
    (first || summary).focus();  // an error of the whole form: the summary itself
  }

  // A table wider than the screen scrolls in its box: the box takes the keyboard focus then, so the arrow keys
  // scroll it (WCAG 2.1.1); re-checked when the window changes size.
  function markScrollableTables(root) {
    var boxes = root.querySelectorAll ? root.querySelectorAll(".table-responsive") : [];
    boxes.forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        if (!box.hasAttribute("tabindex")) {
          box.setAttribute("tabindex", "0");
          box.setAttribute("role", "region");
          var caption = box.querySelector("caption");
          box.setAttribute("aria-label", (caption ? caption.textContent.trim() + "，" : "") + "表格可左右滚动");
          box.dataset.scrollMarked = "1";
        }
      } else if (box.dataset.scrollMarked) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.scrollMarked;
      }
    });
  }

  // The ☰ button says whether the side navigation is open.
  function initMenuButton() {
    var nav = document.getElementById("sidenav");
    var button = document.getElementById("sidenav-toggle");
    if (!nav || !button) return;
    nav.addEventListener("shown.bs.offcanvas", function () { button.setAttribute("aria-expanded", "true"); });
    nav.addEventListener("hidden.bs.offcanvas", function () { button.setAttribute("aria-expanded", "false"); });
  }

  function init(root) {
    initCharts(root); initConfirm(root); initOrgTree(root); initMeetingKind(root); markScrollableTables(root);
    focusFirstError(root);
  }

  var resizePending = false;
  window.addEventListener("resize", function () {
    if (resizePending) return;
    resizePending = true;
    window.requestAnimationFrame(function () { resizePending = false; markScrollableTables(document); });
  });
  document.addEventListener("DOMContentLoaded", function () { initMenuButton(); init(document); });
  // A page opened at a #fragment (the skip link's) moves the focus there once loaded: the first invalid field wins.
  window.addEventListener("load", function () { window.setTimeout(function () { focusFirstError(document); }, 0); });
  document.addEventListener("htmx:afterSwap", function (ev) { init(ev.target); });
})();
