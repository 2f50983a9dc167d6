// Plotly charts. Names and labels from runs go through plotText, since Plotly reads a little markup in them.
import { el, plotText } from "./dom.js";

const loading = new Map();

/** Loads a library's script once, when a page first needs it: the leaderboard never waits for Plotly or Graphviz. */
export function library(src) {
  if (!loading.has(src)) {
    loading.set(src, new Promise((resolve, reject) => {
      const script = el("script", { src });
      script.addEventListener("load", resolve);
      script.addEventListener("error", () => reject(new Error("could not load " + src)));
      document.head.append(script);
    }));
  }

  return loading.get(src);
}

/** Plotly, loaded; call before drawing any chart. */
export const plotly = () => library("/ui/plotly.min.js");

/** Graphviz (viz.js), loaded. */
export const graphviz = () => library("/ui/viz-global.js").then(() => Viz.instance());

const layoutBase = {
  margin: { l: 55, r: 15, t: 35, b: 45 }, paper_bgcolor: "#fff", plot_bgcolor: "#fff",
  font: { family: "system-ui, sans-serif", size: 12 }, legend: { orientation: "h", y: -0.2 },
};
const config = { displaylogo: false, responsive: true };

/** Lines: series = [{ name, x, y }]. */
export function lines(title, series, { xTitle = "epoch", yTitle = "", logY = false } = {}) {
  const node = el("div", { class: "chart" });
  Plotly.newPlot(node, series.map((s) => ({ type: "scatter", mode: s.x.length > 60 ? "lines" : "lines+markers", name: plotText(s.name), x: s.x, y: s.y })), {
    ...layoutBase, title: { text: plotText(title), font: { size: 14 } },
    xaxis: { title: { text: xTitle }, ...(fewSteps(series) ? { dtick: 1 } : {}) }, yaxis: { title: { text: plotText(yTitle) }, type: logY ? "log" : "linear" },
  }, config);
  return node;
}

// A handful of whole-numbered steps (epochs): one tick each, not 1.2, 1.4, ...
function fewSteps(series) {
  const xs = series.flatMap((s) => s.x);
  return xs.length > 0 && xs.every(Number.isInteger) && Math.max(...xs) - Math.min(...xs) <= 20;
}

/** A confusion matrix as a heatmap, true classes down, predicted across, counts in the cells. */
export function confusion(classes, counts) {
  const node = el("div", { class: "chart", style: "height: 420px" });
  const names = classes.map(plotText);
  Plotly.newPlot(node, [{
    type: "heatmap", x: names, y: names, z: counts, colorscale: "Blues", reversescale: true,
    text: counts.map((row) => row.map(String)), texttemplate: "%{text}", hovertemplate: "true %{y}<br>predicted %{x}<br>%{z}<extra></extra>",
  }], {
    ...layoutBase, title: { text: "Confusion matrix (validation)", font: { size: 14 } },
    xaxis: { title: { text: "predicted" }, side: "bottom" }, yaxis: { title: { text: "true" }, autorange: "reversed" },
  }, config);
  return node;
}

/** ROC curves: curves = [{ label, auc, fpr, tpr }], with the chance diagonal. */
export function roc(curves) {
  const node = el("div", { class: "chart", style: "height: 420px" });
  const traces = curves.map((c) => ({ type: "scatter", mode: "lines", name: plotText(`${c.label} (AUC ${Number.isFinite(c.auc) ? c.auc.toFixed(3) : "n/a"})`), x: c.fpr, y: c.tpr }));
  traces.push({ type: "scatter", mode: "lines", name: "chance", x: [0, 1], y: [0, 1], line: { dash: "dot", color: "#999" } });
  Plotly.newPlot(node, traces, {
    ...layoutBase, title: { text: "ROC curves (validation)", font: { size: 14 } },
    xaxis: { title: { text: "false positive rate" }, range: [0, 1] }, yaxis: { title: { text: "true positive rate" }, range: [0, 1.02] },
  }, config);
  return node;
}

/** Parallel coordinates: dimensions = [{ label, values, ticks? }], coloured by the last dimension. */
export function parallel(dimensions) {
  const node = el("div", { class: "chart", style: "height: 380px" });
  const last = dimensions[dimensions.length - 1];
  Plotly.newPlot(node, [{
    type: "parcoords",
    line: { color: last.values, colorscale: "Viridis", showscale: true },
    dimensions: dimensions.map((d) => ({ label: plotText(d.label), values: d.values, ...(d.ticks ? { tickvals: d.ticks.map((_, i) => i), ticktext: d.ticks.map(plotText) } : {}) })),
  }], { ...layoutBase, margin: { l: 60, r: 60, t: 50, b: 30 } }, config);
  return node;
}
