// The monthly report's charts (Apache ECharts, vendored). The tables beside them carry every figure: without
// JavaScript, or without the library, the charts' box stays hidden and nothing is lost.
(function () {
  "use strict";
  var source = document.getElementById("report-chart-data");
  var box = document.getElementById("report-charts");
  if (!source || !box || typeof window.echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  box.hidden = false;
  var charts = [];

  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) {
      return;
    }
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    option.animation = false;
    chart.setOption(option);
    charts.push(chart);
  }

  function pie(title, items) {
    return {
      title: { text: title, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["30%", "60%"], data: items, label: { formatter: "{b}: {c}" } }]
    };
  }

  draw("chart-trend", {
    title: { text: "近六个月受理趋势", left: "center", textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.trend.months },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "line", data: data.trend.values, label: { show: true } }]
  });
  draw("chart-kinds", pie("按诉求类型", data.kinds));
  draw("chart-categories", pie("按一级分类", data.categories));
  draw("chart-streets", {
    title: { text: "按街道", left: "center", textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis" },
    grid: { left: 110 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: data.streets.names, inverse: true },
    series: [{ type: "bar", data: data.streets.values, label: { show: true, position: "right" } }]
  });
  draw("chart-departments", {
    title: { text: "承办部门签收率、按时办结率、满意率（%）", left: "center", textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis" },
    legend: { top: 24, data: ["签收率", "按时办结率", "满意率"] },
    grid: { top: 60, bottom: 80 },
    xAxis: { type: "category", data: data.departments.names, axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: "value", max: 100 },
    series: [
      { name: "签收率", type: "bar", data: data.departments.sign },
      { name: "按时办结率", type: "bar", data: data.departments.on_time },
      { name: "满意率", type: "bar", data: data.departments.satisfaction }
    ]
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
