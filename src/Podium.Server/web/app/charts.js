// Plotly charts. Names and labels from runs go through plotText, since Plotly reads a little markup in them.
// Colours follow the page's theme (light or dark, as the system says); legends sit outside the plot, never on it.
import { el, plotText, number, natural } from "./dom.js";
import { lineChart } from "./linechart.js";

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

// The libraries' addresses carry their content hash (the page names them), so browsers cache them for good.
const asset = (name, fallback) => document.querySelector(`meta[name='${name}']`)?.content || fallback;

/** Plotly (parallel coordinates and bars; line charts are drawn without it), loaded when a page first needs it. */
export const plotlyFull = () => library(asset("podium-plotly", "/ui/plotly.min.js"));

/** Graphviz (viz.js), loaded. */
export const graphviz = () => library(asset("podium-viz", "/ui/viz-global.js")).then(() => Viz.instance());

/** The theme's colours, read from the page's CSS. */
export function theme() {
  const style = getComputedStyle(document.documentElement);
  const read = (name) => style.getPropertyValue(name).trim();
  return { ink: read("--ink"), muted: read("--muted"), line: read("--line"), card: read("--card"), accent: read("--accent"), dark: matchMedia("(prefers-color-scheme: dark)").matches };
}

/** A qualitative palette that reads on white and on dark grey. */
export const palette = ["#3b78e7", "#e8710a", "#1e9e5a", "#d93f4c", "#8e5cd9", "#0ba5b8", "#c2549d", "#7c8a16", "#8d6e63", "#5f6b7a"];

function baseLayout(title) {
  const t = theme();
  return {
    margin: { l: 60, r: 20, t: title ? 36 : 12, b: 48 },
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
    font: { family: "system-ui, sans-serif", size: 12, color: t.ink },
    title: title ? { text: plotText(title), font: { size: 14 }, x: 0, xanchor: "left", xref: "paper" } : undefined,
    colorway: palette,
    // Outside the plot, on the right; a long legend scrolls in its own box.
    legend: { x: 1.02, xanchor: "left", y: 1, yanchor: "top", bgcolor: "rgba(0,0,0,0)", font: { size: 11 } },
    hoverlabel: { namelength: -1 },
    xaxis: { gridcolor: t.line, zerolinecolor: t.line, linecolor: t.line, automargin: true },
    yaxis: { gridcolor: t.line, zerolinecolor: t.line, linecolor: t.line, automargin: true },
  };
}

// No tool bar over the charts (it covered their titles): drag to zoom, double-click to reset.
export const config = { displaylogo: false, responsive: true, displayModeBar: false };

/** Exponential moving average with TensorBoard's debiasing: weight 0 keeps the series as it is. */
export function smooth(values, weight) {
  if (!(weight > 0)) return values;
  const out = new Array(values.length);
  let last = 0, count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) { out[i] = v; continue; }
    last = last * weight + (1 - weight) * v;
    count++;
    out[i] = last / (1 - Math.pow(weight, count));
  }
  return out;
}

/**
 * Lines: series = [{ name, x, y, color?, dash? }], bands = [{ x, low, high, color }] drawn under them.
 * `smoothing` (0…1) draws the smoothed line over a faint raw one. Drawn as SVG by linechart.js, without Plotly.
 */
export function lines(title, series, options = {}) {
  const node = el("div", { class: "chart", style: options.height ? `height: ${options.height}px` : null });
  requestAnimationFrame(() => draw(node, title, series, options));
  return node;
}

/** Draws (or redraws in place) a lines chart into its node. */
export function draw(node, title, series, { xTitle = "step", yTitle = "", logY = false, smoothing = 0, bands = [], showLegend = true, xRange = null, yRange = null } = {}) {
  const lines = [];
  series.forEach((line, i) => {
    const color = line.color ?? palette[i % palette.length];
    if (smoothing > 0) lines.push({ ...line, color, faint: true });
    lines.push({ ...line, color, y: smooth(line.y, smoothing) });
  });
  lineChart(node, { title, series: lines, bands, xTitle, yTitle, logY, showLegend, xRange, yRange });
}

/** A confusion matrix as a table of counts, true classes down, predicted across, each cell shaded by its count. */
export function confusion(classes, counts, split = "validation") {
  const most = Math.max(1, ...counts.flat());
  return el("div", { class: "confusion", dataset: { split } },
    el("h3", {}, `Confusion matrix (${split})`),
    el("div", { class: "scroll" }, el("table", {},
      el("thead", {}, el("tr", {}, el("th", { class: "corner" }, "true ↓ · predicted →"), classes.map((c) => el("th", { scope: "col" }, c)))),
      el("tbody", {}, counts.map((row, i) => el("tr", {}, el("th", { scope: "row" }, classes[i]),
        row.map((n, j) => {
          const share = n / most;
          return el("td", { class: (i === j ? "diagonal " : "") + (share > 0.55 ? "strong" : ""), style: `--share: ${share.toFixed(3)}`, title: `true ${classes[i]}, predicted ${classes[j]}: ${n}` }, String(n));
        })))))));
}

/** ROC curves: curves = [{ label, auc, fpr, tpr }], with the chance diagonal. */
export function roc(curves, split = "validation") {
  const node = el("div", { class: "chart", style: "height: 380px" });
  const series = curves.map((c, i) => ({ name: `${c.label} (AUC ${Number.isFinite(c.auc) ? c.auc.toFixed(3) : "n/a"})`, x: c.fpr, y: c.tpr, color: palette[i % palette.length] }));
  series.push({ name: "chance", x: [0, 1], y: [0, 1], color: "#999999", dash: "dot" });
  requestAnimationFrame(() => draw(node, `ROC curves (${split})`, series, { xTitle: "false positive rate", yTitle: "true positive rate", xRange: [0, 1], yRange: [0, 1.02] }));
  return node;
}

/**
 * Parallel coordinates: dimensions = [{ label, values, scale: "log" | "linear" | "values" }], coloured by the last.
 * A log-scale dimension is drawn on log10 of its values with ticks at powers of ten labelled with the values;
 * a categorical one has a tick per choice. With `highlight` (a line's index, the best trial), that line is red and
 * the others take the lower part of the colour scale, better ones lighter.
 */
export function parallel(dimensions, { highlight = -1, maximize = true } = {}) {
  const node = el("div", { class: "chart", style: "height: 400px" });
  const metric = dimensions[dimensions.length - 1];
  const t = theme();
  let line = { color: metric.values, colorscale: "Viridis", reversescale: !maximize, showscale: true, colorbar: { title: { text: plotText(metric.label), side: "right" } } };
  if (highlight >= 0) {
    const low = Math.min(...metric.values), high = Math.max(...metric.values), span = high - low || 1;
    const color = metric.values.map((m, i) => (i === highlight ? 1 : 0.9 * (maximize ? (m - low) / span : (high - m) / span)));
    line = { color, cmin: 0, cmax: 1, colorscale: [[0, "#3b4cc0"], [0.45, "#8db0fe"], [0.9, "#f2c14e"], [0.9001, "#e4002b"], [1, "#e4002b"]], showscale: false };
  }
  Plotly.newPlot(node, [{
    type: "parcoords", line,
    labelfont: { color: t.ink }, tickfont: { color: t.ink }, rangefont: { color: t.muted },
    dimensions: dimensions.map(axisOf),
  }], { ...baseLayout(""), margin: { l: 70, r: 70, t: 60, b: 30 } }, config);
  return node;
}

/** A parallel-coordinates dimension for a param: log axes on log10 of the value, choices as categories. */
export function axisOf(d) {
  const label = plotText(d.label);
  if (d.scale === "values") {
    const ticks = [...new Set(d.values.map((v) => String(v)))].sort((a, b) => natural(a, b));
    return { label, values: d.values.map((v) => ticks.indexOf(String(v))), tickvals: ticks.map((_, i) => i), ticktext: ticks.map(plotText), range: [-0.25, ticks.length - 0.75] };
  }
  if (d.scale === "log") {
    const logs = d.values.map((v) => (v > 0 ? Math.log10(v) : null));
    const finite = logs.filter((v) => v !== null);
    const low = Math.floor(Math.min(...finite)), high = Math.ceil(Math.max(...finite));
    const tickvals = [];
    for (let e = low; e <= high; e++) tickvals.push(e);
    return { label: label + " (log)", values: logs, tickvals, ticktext: tickvals.map((e) => number(Math.pow(10, e))), range: [low, high] };
  }
  return { label, values: d.values, tickformat: "~g" };
}

/** Horizontal bars: bars = [{ label, value }], largest on top. */
export function bars(title, items, { xTitle = "", range } = {}) {
  const node = el("div", { class: "chart", style: `height: ${Math.max(160, 60 + items.length * 26)}px` });
  const base = baseLayout(title);
  Plotly.newPlot(node, [{
    type: "bar", orientation: "h", y: items.map((b) => plotText(b.label)), x: items.map((b) => b.value),
    marker: { color: items.map((b) => (b.value >= 0 ? palette[0] : palette[3])) }, hovertemplate: "%{y}: %{x:.3f}<extra></extra>",
  }], {
    ...base, margin: { ...base.margin, l: 20 },
    xaxis: { ...base.xaxis, title: { text: xTitle }, range, tickformat: "~g" }, yaxis: { ...base.yaxis, autorange: "reversed", automargin: true },
  }, config);
  return node;
}
