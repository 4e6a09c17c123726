// Draws each [data-chart] from the figures the server put in #dashboard-data (the same figures as the tables).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var palette = ["#c00000", "#e46c0a", "#f2b400", "#5b9bd5", "#70ad47", "#7f6084", "#4bacc6", "#a5a5a5",
                 "#9e480e", "#264478", "#636363", "#997300", "#43682b"];

  // Below this width (a phone) a pie's names do not fit around it: ECharts would cut them to "扶..." at the
  // canvas' edge. There the pie shrinks, its slices carry their percent inside, and a legend below names them.
  var NARROW = 480;

  function percents(values) {
    // the figures come as decimal strings (exact 万元); a percent for the legend needs no more than a float
    var numbers = values.map(Number);
    var total = numbers.reduce(function (a, b) { return a + b; }, 0);
    return numbers.map(function (v) { return total ? (100 * v / total).toFixed(1) : "0.0"; });
  }

  function pie(series, width) {
    var data = series.labels.map(function (l, i) { return { name: l, value: series.values[i] }; });
    var shares = percents(series.values);  // one decimal, as the table beside the chart shows them
    if (width >= NARROW) {
      return { series: [{ type: "pie", radius: ["30%", "58%"], avoidLabelOverlap: true,
        label: { position: "outer", overflow: "break",
                 formatter: function (p) { return p.name + "\n" + shares[p.dataIndex] + "%"; } },
        labelLayout: { hideOverlap: true }, data: data }] };
    }
    return {
      legend: { type: "plain", orient: "horizontal", left: "center", bottom: 0, itemWidth: 12, itemHeight: 10,
                itemGap: 8, textStyle: { fontSize: 11 },
                formatter: function (name) { return name + " " + shares[series.labels.indexOf(name)] + "%"; } },
      series: [{ type: "pie", radius: ["25%", "52%"], center: ["50%", "34%"], avoidLabelOverlap: true,
        label: { position: "inside", fontSize: 10, color: "#fff",
                 formatter: function (p) { return shares[p.dataIndex] + "%"; } },
        labelLine: { show: false }, labelLayout: { hideOverlap: true }, data: data }]
    };
  }

  function option(kind, series, width) {
    var base = { color: palette, textStyle: { fontFamily: "Noto Sans CJK SC, Microsoft YaHei, sans-serif" },
                 // richText: drawn on the canvas; the HTML tooltip's inline style attributes break the CSP
                 tooltip: { trigger: kind === "pie" ? "item" : "axis", renderMode: "richText" }, animation: false };
    if (kind === "pie") {
      return Object.assign(base, pie(series, width));
    }
    var category = { type: "category", data: series.labels, axisLabel: { interval: 0 } };
    var value = { type: "value", name: series.unit || "万元" };
    base.grid = { left: kind === "hbar" ? 110 : 60, right: 30, top: 40, bottom: 40 };
    base.xAxis = kind === "hbar" ? value : category;
    base.yAxis = kind === "hbar" ? category : value;
    base.series = [{ type: "bar", data: series.values, label: { show: true, position: kind === "hbar" ? "right" : "top" } }];
    return base;
  }

  var drawn = 0;
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var series = data[el.dataset.chart];
    if (!series) { return; }
    if (el.dataset.chart === "timeliness") { series.unit = "个"; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var narrow = el.clientWidth < NARROW;
    chart.setOption(option(el.dataset.kind, series, el.clientWidth));
    // A phone turned on its side, or the page laid out for paper: fit the canvas, and the pie's layout to it.
    function fit() {
      chart.resize();
      if ((el.clientWidth < NARROW) !== narrow) {
        narrow = !narrow;
        chart.setOption(option(el.dataset.kind, series, el.clientWidth), true);
      }
    }
    window.addEventListener("resize", fit);
    window.addEventListener("beforeprint", fit);
    window.addEventListener("afterprint", fit);
    drawn += 1;
  });
  document.body.dataset.chartsDrawn = String(drawn);
})();
