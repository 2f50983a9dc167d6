// Plotly charts. Names and labels from runs go through plotText, since Plotly reads a little markup in them.
// Colours follow the page's theme (light or dark, as the system says); legends sit outside the plot, never on it.
import { el, plotText, number, natural } from "./dom.js";

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

/** Plotly, loaded; call before drawing any chart. */
export const plotly = () => library(asset("podium-plotly", "/ui/plotly.min.js"));

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
 * The y axis for a set of values. A constant series gets a range around its value (Plotly's own would put 0.001 on
 * a −0.5…1 axis labelled 0); ticks use significant digits, with an exponent for small values.
 */
export function valueAxis(values, { log = false, title = "" } = {}) {
  const finite = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  const axis = { title: { text: plotText(title) }, type: log ? "log" : "linear", tickformat: log ? undefined : "~g", exponentformat: "e", hoverformat: ".4~g" };
  if (finite.length > 0 && !log) {
    let low = Infinity, high = -Infinity;
    for (const v of finite) { if (v < low) low = v; if (v > high) high = v; }
    if (low === high) {
      const pad = low === 0 ? 1 : Math.abs(low) * 0.5;
      axis.range = [low - pad, high + pad];
      axis.tickvals = [low - pad, low, high + pad];
      axis.ticktext = axis.tickvals.map(number);
    }
  }
  return axis;
}

/**
 * Lines: series = [{ name, x, y, color?, dash?, group? }], bands = [{ x, low, high, color }] drawn under them.
 * Long series are drawn as WebGL traces; `smoothing` (0…1) draws the smoothed line over a faint raw one.
 */
export function lines(title, series, { xTitle = "step", yTitle = "", logY = false, smoothing = 0, bands = [], showLegend = true, height } = {}) {
  const node = el("div", { class: "chart", style: height ? `height: ${height}px` : null });
  draw(node, title, series, { xTitle, yTitle, logY, smoothing, bands, showLegend });
  return node;
}

/** Draws (or redraws in place) a lines chart into its node. */
export function draw(node, title, series, { xTitle = "step", yTitle = "", logY = false, smoothing = 0, bands = [], showLegend = true } = {}) {
  const total = series.reduce((n, s) => n + s.x.length, 0);
  const type = total > 4000 ? "scattergl" : "scatter";
  const traces = [];
  for (const band of bands) {
    traces.push({ type, mode: "lines", x: band.x, y: band.high, line: { width: 0, color: band.color }, hoverinfo: "skip", showlegend: false });
    traces.push({ type, mode: "lines", x: band.x, y: band.low, line: { width: 0, color: band.color }, fill: "tonexty", fillcolor: fade(band.color, 0.2), hoverinfo: "skip", showlegend: false });
  }
  series.forEach((s, i) => {
    const color = s.color ?? palette[i % palette.length];
    const markers = s.x.length <= 60 && !smoothing;
    if (smoothing > 0) {
      traces.push({ type, mode: "lines", name: plotText(s.name), x: s.x, y: s.y, line: { color: fade(color, 0.25), width: 1 }, hoverinfo: "skip", showlegend: false, legendgroup: String(i) });
    }
    traces.push({
      type, mode: markers ? "lines+markers" : "lines", name: plotText(s.name), x: s.x, y: smooth(s.y, smoothing),
      line: { color, width: 1.8, dash: s.dash }, marker: { size: 5 }, legendgroup: String(i),
    });
  });
  const base = baseLayout(title);
  const wholeSteps = series.every((s) => s.x.every(Number.isInteger)) && Math.max(0, ...series.map((s) => s.x.length)) <= 20;
  const layout = {
    ...base, showlegend: showLegend && series.length > 1,
    xaxis: { ...base.xaxis, title: { text: plotText(xTitle) }, ...(wholeSteps ? { dtick: 1 } : {}), tickformat: "~g" },
    yaxis: { ...base.yaxis, ...valueAxis(series.flatMap((s) => s.y), { log: logY, title: yTitle }) },
  };
  Plotly.react(node, traces, layout, config);
}

/** A colour (#rrggbb) at an opacity. */
export function fade(color, alpha) {
  const hex = /^#([0-9a-f]{6})$/i.exec(color ?? "");
  if (!hex) return color;
  const n = parseInt(hex[1], 16);
  return `rgba(${n >> 16},${(n >> 8) & 255},${n & 255},${alpha})`;
}

/** A confusion matrix as a heatmap, true classes down, predicted across, counts in the cells. */
export function confusion(classes, counts, split = "validation") {
  const node = el("div", { class: "chart", style: "height: 420px" });
  const names = classes.map(plotText);
  const base = baseLayout(`Confusion matrix (${split})`);
  Plotly.newPlot(node, [{
    type: "heatmap", x: names, y: names, z: counts, colorscale: "Blues", reversescale: !theme().dark,
    text: counts.map((row) => row.map(String)), texttemplate: "%{text}", hovertemplate: "true %{y}<br>predicted %{x}<br>%{z}<extra></extra>",
  }], {
    ...base,
    xaxis: { ...base.xaxis, title: { text: "predicted" }, side: "bottom", type: "category" },
    yaxis: { ...base.yaxis, title: { text: "true" }, autorange: "reversed", type: "category" },
  }, config);
  return node;
}

/** ROC curves: curves = [{ label, auc, fpr, tpr }], with the chance diagonal. */
export function roc(curves, split = "validation") {
  const node = el("div", { class: "chart", style: "height: 420px" });
  const traces = curves.map((c, i) => ({ type: "scatter", mode: "lines", name: plotText(`${c.label} (AUC ${Number.isFinite(c.auc) ? c.auc.toFixed(3) : "n/a"})`), x: c.fpr, y: c.tpr, line: { color: palette[i % palette.length] } }));
  traces.push({ type: "scatter", mode: "lines", name: "chance", x: [0, 1], y: [0, 1], line: { dash: "dot", color: "#999" } });
  const base = baseLayout(`ROC curves (${split})`);
  Plotly.newPlot(node, traces, {
    ...base,
    xaxis: { ...base.xaxis, title: { text: "false positive rate" }, range: [0, 1] }, yaxis: { ...base.yaxis, title: { text: "true positive rate" }, range: [0, 1.02] },
  }, config);
  return node;
}

/**
 * Parallel coordinates: dimensions = [{ label, values, scale: "log" | "linear" | "values" }], coloured by the last.
 * A log-scale dimension is drawn on log10 of its values with ticks at powers of ten labelled with the values;
 * a categorical one has a tick per choice. `highlight` is the index of a line to draw on top (the best trial).
 */
export function parallel(dimensions, { highlight = null, maximize = true } = {}) {
  const node = el("div", { class: "chart", style: "height: 400px" });
  const metric = dimensions[dimensions.length - 1];
  const t = theme();
  Plotly.newPlot(node, [{
    type: "parcoords",
    line: { color: metric.values, colorscale: "Viridis", reversescale: !maximize, showscale: true, colorbar: { title: { text: plotText(metric.label), side: "right" } } },
    labelfont: { color: t.ink }, tickfont: { color: t.ink }, rangefont: { color: t.muted },
    dimensions: dimensions.map(axisOf),
  }], { ...baseLayout(""), margin: { l: 70, r: 70, t: 60, b: 30 } }, config);
  node.dataset.highlight = highlight ?? "";
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

/** A scatter of points: x, y, text (hover) and the index of one to highlight. */
export function scatter(title, points, { xTitle = "", yTitle = "", logX = false, highlight = -1 } = {}) {
  const node = el("div", { class: "chart" });
  const base = baseLayout(title);
  Plotly.newPlot(node, [{
    type: "scatter", mode: "markers", x: points.map((p) => p.x), y: points.map((p) => p.y), text: points.map((p) => plotText(p.text)),
    marker: { size: points.map((_, i) => (i === highlight ? 14 : 8)), color: points.map((_, i) => (i === highlight ? palette[3] : palette[0])), line: { width: 0 } },
    hovertemplate: "%{text}<br>%{x}<br>%{y}<extra></extra>",
  }], {
    ...base, showlegend: false,
    xaxis: { ...base.xaxis, title: { text: plotText(xTitle) }, type: logX ? "log" : "linear", exponentformat: "e" },
    yaxis: { ...base.yaxis, title: { text: plotText(yTitle) }, tickformat: "~g" },
  }, config);
  return node;
}
