// 效能看板's charts (Apache ECharts, vendored with the 12345 report): the trend's lines and each breakdown's bars,
// drawn from the page's JSON data block. The tables under them carry every figure: without JavaScript, or without
// the library, the charts' boxes stay hidden and nothing is lost.
(function () {
  "use strict";
  var source = document.getElementById("insights-charts");
  if (!source || typeof window.echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var charts = [];
  var percent = function (value) { return value === null || value === undefined ? "—" : value + "%"; };

  function draw(key, option) {
    var element = document.getElementById("chart-" + key);
    if (!element) {
      return;
    }
    element.hidden = false;
    // SVG: the canvas renderer's inline styles are the same, and SVG prints and zooms cleanly.
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    option.animation = false;
    chart.setOption(option);
    charts.push(chart);
    // A box that changes width (a rotated phone, a narrower window) redraws its chart to fit.
    if (typeof window.ResizeObserver !== "undefined") {
      new window.ResizeObserver(function () { chart.resize(); }).observe(element);
    }
  }

  function series(list, type) {
    return list.map(function (one) {
      return { name: one.name, type: type, data: one.data, connectNulls: true, symbolSize: 5 };
    });
  }

  if (data.trend) {
    draw(data.trend.key, {
      title: { text: data.trend.title, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", valueFormatter: percent },
      legend: { top: 24 },
      grid: { top: 64, left: 48, right: 24, bottom: 40 },
      xAxis: { type: "category", data: data.trend.periods },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: series(data.trend.series, "line")
    });
  }
  (data.bars || []).forEach(function (bars) {
    var element = document.getElementById("chart-" + bars.key);
    if (element) {
      // One band per row, so fifteen departments do not crowd into a fixed box.
      element.style.height = Math.max(240, 90 + bars.names.length * 34) + "px";
    }
    draw(bars.key, {
      title: { text: bars.title, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", valueFormatter: percent },
      legend: { top: 24 },
      grid: { top: 64, left: 8, right: 32, bottom: 24, containLabel: true },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: bars.names, inverse: true, axisLabel: { width: 180, overflow: "truncate" } },
      series: series(bars.series, "bar")
    });
  });
  if (typeof window.ResizeObserver === "undefined") {
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }
})();
