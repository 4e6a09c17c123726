// Draws each [data-chart] from the figures the server put in #dashboard-data (the same figures as the tables).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var palette = ["#c00000", "#e46c0a", "#f2b400", "#5b9bd5", "#70ad47", "#7f6084", "#4bacc6", "#a5a5a5",
                 "#9e480e", "#264478", "#636363", "#997300", "#43682b"];

  function option(kind, series) {
    var base = { color: palette, textStyle: { fontFamily: "Noto Sans CJK SC, Microsoft YaHei, sans-serif" },
                 // richText: drawn on the canvas; the HTML tooltip's inline style attributes break the CSP
                 tooltip: { trigger: kind === "pie" ? "item" : "axis", renderMode: "richText" }, animation: false };
    if (kind === "pie") {
      base.series = [{ type: "pie", radius: ["35%", "70%"], label: { formatter: "{b}\n{d}%" },
        data: series.labels.map(function (l, i) { return { name: l, value: series.values[i] }; }) }];
      return base;
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
    chart.setOption(option(el.dataset.kind, series));
    window.addEventListener("resize", function () { chart.resize(); });
    drawn += 1;
  });
  document.body.dataset.chartsDrawn = String(drawn);
})();
