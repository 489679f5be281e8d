/*
 * Seller Center — charts. Draws every <canvas data-chart="ID"> from the JSON in
 * <script type="application/json" id="ID"> (kind, labels, series; money series in fen).
 * Chart.js (static/js/chart.umd.min.js) is loaded only when a page has a chart. Charts are
 * drawn on load and again for content htmx swaps in, and destroyed with the content htmx
 * removes. Every canvas carries role="img" and an aria-label; the numbers are also in a
 * table next to it, so nothing here is needed to read them.
 */
(function () {
  "use strict";

  var CHART_SRC = "/static/js/chart.umd.min.js";
  var COLORS = ["#0066ff", "#d97706", "#16a34a", "#dc2626"];
  var waiting = null; // callbacks queued while Chart.js loads

  function withChart(callback) {
    if (window.Chart) {
      callback();
      return;
    }
    if (waiting) {
      waiting.push(callback);
      return;
    }
    waiting = [callback];
    var script = document.createElement("script");
    script.src = CHART_SRC;
    script.onload = function () {
      var queued = waiting;
      waiting = null;
      queued.forEach(function (cb) { cb(); });
    };
    script.onerror = function () { waiting = null; };
    document.head.appendChild(script);
  }

  function lang() {
    return document.documentElement.lang || "en";
  }

  function formatter(money) {
    if (money) {
      var currency = new Intl.NumberFormat(lang(), { style: "currency", currency: "CNY", currencyDisplay: "narrowSymbol" });
      return function (v) { return currency.format(v); };
    }
    var plain = new Intl.NumberFormat(lang(), { maximumFractionDigits: 0 });
    return function (v) { return plain.format(v); };
  }

  function config(data) {
    var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var scales = {};
    var datasets = data.series.map(function (s, i) {
      var axis = s.axis || "y";
      var color = COLORS[i % COLORS.length];
      if (!scales[axis]) {
        var fmt = formatter(s.money);
        scales[axis] = {
          beginAtZero: true,
          position: axis === "y2" ? "right" : "left",
          grid: { drawOnChartArea: axis !== "y2" },
          ticks: { precision: s.money ? undefined : 0, callback: function (v) { return fmt(v); } }
        };
      }
      return {
        label: s.label,
        type: s.type || data.kind,
        yAxisID: axis,
        data: s.money ? s.data.map(function (v) { return v / 100; }) : s.data,
        money: !!s.money,
        backgroundColor: color,
        borderColor: color,
        borderWidth: 2,
        pointRadius: data.labels.length > 45 ? 0 : 2,
        tension: 0
      };
    });
    return {
      type: data.kind,
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: reduceMotion ? false : { duration: 300 },
        interaction: { mode: "index", intersect: false },
        scales: scales,
        plugins: {
          legend: { display: datasets.length > 1 },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                return ctx.dataset.label + ": " + formatter(ctx.dataset.money)(ctx.parsed.y);
              }
            }
          }
        }
      }
    };
  }

  function canvases(root) {
    var list = [];
    if (!root || !root.querySelectorAll) return list;
    if (root.matches && root.matches("canvas[data-chart]")) list.push(root);
    root.querySelectorAll("canvas[data-chart]").forEach(function (c) { list.push(c); });
    return list;
  }

  function draw(root) {
    var found = canvases(root);
    if (!found.length) return;
    withChart(function () {
      found.forEach(function (canvas) {
        if (!canvas.isConnected || window.Chart.getChart(canvas)) return;
        var source = document.getElementById(canvas.getAttribute("data-chart"));
        if (!source) return;
        var data;
        try {
          data = JSON.parse(source.textContent);
        } catch (e) {
          return;
        }
        new window.Chart(canvas, config(data));
      });
    });
  }

  function destroy(root) {
    if (!window.Chart) return;
    canvases(root).forEach(function (canvas) {
      var chart = window.Chart.getChart(canvas);
      if (chart) chart.destroy();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  } else {
    draw(document);
  }
  // New content from htmx (swaps, boosted navigation, history restores).
  document.addEventListener("htmx:load", function (evt) { draw(evt.target); });
  document.addEventListener("htmx:historyRestore", function () { draw(document); });
  document.addEventListener("htmx:beforeCleanupElement", function (evt) { destroy(evt.target); });
})();
