// Draws the statistics page's charts from its json_script block (threads/stats/presenters.py chart_data).
(function () {
  "use strict";

  const COLOURS = ["#4e79a7", "#59a14f", "#f28e2b", "#b07aa1", "#76b7b2", "#edc948", "#e15759", "#9c755f"];
  const SOFT = (colour) => colour + "99";

  function colour(index) {
    return COLOURS[index % COLOURS.length];
  }

  function perPok(names, series) {
    return names.map((name, index) => ({
      label: name,
      data: series[index],
      backgroundColor: colour(index),
      borderRadius: 2,
    }));
  }

  function draw(id, config) {
    const canvas = document.getElementById(id);
    if (canvas) {
      new window.Chart(canvas, config);
    }
  }

  function dailyChart(id, data, series) {
    draw(id, {
      type: "bar",
      data: { labels: data.days, datasets: perPok(data.poks, series) },
      options: {
        maintainAspectRatio: false,
        plugins: { legend: { display: data.poks.length > 1, position: "bottom" } },
        scales: {
          x: { stacked: true, grid: { display: false }, ticks: { autoSkipPadding: 8, maxRotation: 0 } },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    });
  }

  function timeChart(id, data, times) {
    draw(id, {
      type: "bar",
      data: {
        labels: data.poks,
        datasets: [
          { label: data.labels.median, data: times.median, backgroundColor: colour(0), borderRadius: 2 },
          { label: data.labels.p90, data: times.p90, backgroundColor: SOFT(colour(0)), borderRadius: 2 },
        ],
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        plugins: { legend: { position: "bottom" } },
        scales: {
          x: { beginAtZero: true, title: { display: true, text: data.labels.hours } },
          y: { grid: { display: false } },
        },
      },
    });
  }

  function staffChart(data) {
    draw("chart-staff", {
      type: "bar",
      data: {
        labels: data.staff.names,
        datasets: [
          { label: data.labels.replies, data: data.staff.replies, backgroundColor: colour(0), borderRadius: 2 },
          { label: data.labels.owned, data: data.staff.owned, backgroundColor: SOFT(colour(1)), borderRadius: 2 },
        ],
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        plugins: { legend: { position: "bottom" } },
        scales: {
          x: { beginAtZero: true, ticks: { precision: 0 } },
          y: { grid: { display: false } },
        },
      },
    });
  }

  function start() {
    const source = document.getElementById("stats-data");
    if (!source || !window.Chart) {
      return;
    }
    const data = JSON.parse(source.textContent);
    const style = getComputedStyle(document.body);
    window.Chart.defaults.font.family = style.fontFamily;
    window.Chart.defaults.color = style.color;
    window.Chart.defaults.animation = false;
    dailyChart("chart-received", data, data.received);
    dailyChart("chart-answered", data, data.answered);
    timeChart("chart-first-response", data, data.firstResponse);
    timeChart("chart-resolution", data, data.resolution);
    staffChart(data);
  }

  document.addEventListener("DOMContentLoaded", start);
})();
