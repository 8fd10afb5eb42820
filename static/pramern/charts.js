/* Pramern charts: Chart.js (vendored) with Thai labels wrapped between words.
 * Each chart reads its data from a <script type="application/json"> element; the same data is
 * always shown as a table next to it, so the page is readable without the chart. */
(function () {
  "use strict";
  const segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter("th", { granularity: "word" }) : null;

  /* "สำนักวิจัยเศรษฐกิจการเกษตร" -> ["สำนักวิจัย", "เศรษฐกิจการเกษตร"]: break only between words. */
  function wrap(label, width) {
    if (!segmenter || label.length <= width) return label;
    const lines = [];
    let line = "";
    for (const { segment } of segmenter.segment(label)) {
      if (line && (line + segment).length > width) {
        lines.push(line.trim());
        line = "";
      }
      line += segment;
    }
    if (line.trim()) lines.push(line.trim());
    return lines;
  }

  function data(id) {
    const element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  const palette = ["#0b6e4f", "#e0a100", "#5b6776", "#a4161a", "#3d5a80", "#7b2cbf", "#2a9d8f"];

  function draw(canvasId, build) {
    const canvas = document.getElementById(canvasId);
    if (!canvas || typeof Chart === "undefined") return;
    const config = build();
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    if (config.options.indexAxis === "y") {
      /* every unit or dimension keeps its label: the container is tall enough for all of them */
      const scales = config.options.scales || {};
      scales.y = Object.assign({}, scales.y || {}, { ticks: { autoSkip: false } });
      config.options.scales = scales;
    }
    new Chart(canvas, config);
  }

  function start() {
    /* the height is data (a bar per unit): set here, as the CSP allows no style attribute */
    document.querySelectorAll(".chart[data-height]").forEach((box) => { box.style.height = box.dataset.height; });
    Chart.defaults.font.family = "Sarabun, 'Noto Sans Thai', Tahoma, sans-serif";
    const charts = data("chart-data") || {};
    if (charts.ranking) {
      /* each unit's bar is its verified total (green) where the round is verified, else its
         self-assessed total in grey, named "not verified yet" in the legend */
      draw("chart-ranking", () => ({
        type: "bar",
        data: {
          labels: charts.ranking.map((r) => wrap(r[0], 14)),
          datasets: [
            { label: charts.labels.verified, data: charts.ranking.map((r) => r[1]), backgroundColor: palette[0], skipNull: true },
            { label: charts.labels.unverified, data: charts.ranking.map((r) => r[2]), backgroundColor: "#b8c0cc", borderColor: palette[2], borderWidth: 1, skipNull: true },
          ],
        },
        options: { indexAxis: "y", scales: { x: { stacked: true }, y: { stacked: true } } },
      }));
    }
    if (charts.distribution) {
      draw("chart-distribution", () => ({
        type: "bar",
        data: {
          labels: charts.distribution.map((r) => r[0]),
          datasets: [
            { label: charts.labels.self, data: charts.distribution.map((r) => r[1]), backgroundColor: palette[0] },
            { label: charts.labels.verified, data: charts.distribution.map((r) => r[2]), backgroundColor: palette[1] },
          ],
        },
      }));
    }
    if (charts.progress) {
      draw("chart-progress", () => ({
        type: "bar",
        data: { labels: charts.progress.map((r) => r[0]), datasets: [{ label: charts.labels.units, data: charts.progress.map((r) => r[1]), backgroundColor: palette }] },
        /* bars across: state names stay level and readable on a phone */
        options: { indexAxis: "y", plugins: { legend: { display: false } } },
      }));
    }
    if (charts.change) {
      /* two bars a unit (the first round, the chosen one), each its verified total where that
         round is verified (full colour) else its self-assessed total (pale, "not verified yet"):
         [name, first verified, first unverified, chosen verified, chosen unverified] */
      const series = (column, round, verified, colour) => ({
        label: round + " · " + (verified ? charts.labels.verified : charts.labels.unverified),
        data: charts.change.map((r) => r[column]),
        stack: round,
        backgroundColor: verified ? colour : "#d9dee5",
        borderColor: colour,
        borderWidth: verified ? 0 : 1,
        skipNull: true,
      });
      draw("chart-change", () => ({
        type: "bar",
        data: {
          labels: charts.change.map((r) => wrap(r[0], 14)),
          datasets: [
            series(1, charts.labels.first, true, palette[2]),
            series(2, charts.labels.first, false, palette[2]),
            series(3, charts.labels.last, true, palette[0]),
            series(4, charts.labels.last, false, palette[0]),
          ],
        },
        options: { indexAxis: "y", scales: { x: { stacked: true }, y: { stacked: true } } },
      }));
    }
    if (charts.dimensions) {
      draw("chart-dimensions", () => ({
        type: "bar",
        data: {
          labels: charts.dimensions.map((r) => wrap(r[0], 18)),
          datasets: [{ label: charts.labels.max, data: charts.dimensions.map((r) => r[1]), backgroundColor: "#d9dee5" }].concat(
            charts.rounds.map((name, i) => ({ label: name, data: charts.dimensions.map((r) => r[2 + i]), backgroundColor: palette[i] }))
          ),
        },
        options: { indexAxis: "y" },
      }));
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    /* Draw once Sarabun is loaded, or Thai labels are measured with a fallback font. */
    const ready = document.fonts && document.fonts.load ? document.fonts.load("16px Sarabun") : Promise.resolve();
    ready.then(start, start);
  });
})();
