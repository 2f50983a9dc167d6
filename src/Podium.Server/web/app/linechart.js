// Line charts drawn as a few SVG paths: one per series (a thousand points is one path), a band as one polygon.
// No library to load, so a run page draws its curves as soon as the data arrives. Axes: linear or log, ticks at
// round values labelled like the CLI, a constant series shown around its value; the legend beside the plot (never
// on it), scrolling when long; hover shows every series' value at the nearest step; drag across to zoom, double-click
// to reset.
import { number } from "./dom.js";

const svgNs = "http://www.w3.org/2000/svg";
const s = (tag, attributes = {}, text) => {
  const node = document.createElementNS(svgNs, tag);
  for (const [k, v] of Object.entries(attributes)) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
};

/** Round ticks over [low, high]: about `count` of them at 1, 2 or 5 times a power of ten. */
export function niceTicks(low, high, count = 5) {
  if (!(high > low)) return [low];
  const raw = (high - low) / count;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * power).find((st) => st >= raw) ?? 10 * power;
  const ticks = [];
  for (let v = Math.ceil(low / step) * step; v <= high + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return ticks;
}

/** Ticks on a log axis: powers of ten, with 2 and 5 between when the range spans few decades. */
export function logTicks(low, high) {
  const ticks = [];
  const from = Math.floor(Math.log10(low)), to = Math.ceil(Math.log10(high));
  const steps = to - from <= 1 ? [1, 2, 3, 5, 7] : to - from <= 2 ? [1, 2, 5] : [1];
  for (let e = from; e <= to; e++) for (const m of steps) {
    const v = m * Math.pow(10, e);
    if (v >= low * 0.999 && v <= high * 1.001) ticks.push(Number(v.toPrecision(12)));
  }
  return ticks.length >= 2 ? ticks : [low, high];
}

/** The y range and ticks for values: padded; a constant series gets a range around its value. */
export function yAxis(values, log) {
  let low = Infinity, high = -Infinity;
  for (const v of values) if (Number.isFinite(v) && (!log || v > 0)) { if (v < low) low = v; if (v > high) high = v; }
  if (low === Infinity) return { low: log ? 0.1 : 0, high: 1, ticks: log ? [0.1, 1] : [0, 0.5, 1] };
  if (log) {
    if (low === high) { low /= 2; high *= 2; }
    const pad = Math.pow(high / low, 0.05);
    return { low: low / pad, high: high * pad, ticks: logTicks(low / pad, high * pad) };
  }
  if (low === high) {
    const pad = low === 0 ? 1 : Math.abs(low) * 0.5;
    return { low: low - pad, high: high + pad, ticks: [low - pad, low, high + pad] };
  }
  const pad = (high - low) * 0.05;
  const ticks = niceTicks(low - pad, high + pad);
  return { low: low - pad, high: high + pad, ticks };
}

/**
 * Draws a chart into `node` (and again when the node's width changes).
 * spec: { title, series: [{ name, x, y, color, dash, faint }], bands: [{ x, low, high, color }], xTitle, yTitle,
 * logY, showLegend, xRange: [a, b] | null, yRange: [a, b] | null, height }.
 */
export function lineChart(node, spec) {
  node.classList.add("linechart");
  node.__spec = spec;
  if (!node.__resize) {
    let width = 0;
    node.__resize = new ResizeObserver(() => {
      if (node.clientWidth !== width && node.__spec) { width = node.clientWidth; render(node, node.__spec); }
    });
    node.__resize.observe(node);
  }
  render(node, spec);
}

function render(node, spec) {
  const { title = "", series = [], bands = [], xTitle = "step", yTitle = "", logY = false, showLegend = true } = spec;
  const height = spec.height ?? (node.clientHeight || 320);
  const legendShown = showLegend && series.filter((x) => !x.faint).length > 1;
  const legend = legendShown ? legendOf(series) : null;
  const total = node.clientWidth || 600;
  const legendWidth = legend ? Math.min(220, Math.max(90, 28 + 7 * Math.max(...series.map((x) => String(x.name).length)))) : 0;
  const width = Math.max(160, total - legendWidth);

  // Ranges: x over every series and band (or the zoomed range), y over what lies in the x range.
  let xLow = Infinity, xHigh = -Infinity;
  for (const line of [...series, ...bands]) for (const v of line.x) { if (v < xLow) xLow = v; if (v > xHigh) xHigh = v; }
  if (xLow === Infinity) { xLow = 0; xHigh = 1; }
  if (xLow === xHigh) { xLow -= 1; xHigh += 1; }
  const dataLow = xLow, dataHigh = xHigh;
  if (spec.xRange) [xLow, xHigh] = spec.xRange;
  else { const pad = (xHigh - xLow) * 0.02; xLow -= pad; xHigh += pad; } // the first and last points whole, not cut by the edge
  const inRange = [];
  for (const line of series) line.x.forEach((v, i) => { if (v >= xLow && v <= xHigh) inRange.push(line.y[i]); });
  for (const band of bands) band.x.forEach((v, i) => { if (v >= xLow && v <= xHigh) inRange.push(band.low[i], band.high[i]); });
  const y = spec.yRange ? { low: spec.yRange[0], high: spec.yRange[1], ticks: logY ? logTicks(...spec.yRange) : niceTicks(...spec.yRange) } : yAxis(inRange, logY);
  const integerX = series.every((line) => line.x.every(Number.isInteger)) && dataHigh - dataLow <= 20;
  const xTicks = integerX ? niceTicks(dataLow, dataHigh, Math.max(1, Math.round(dataHigh - dataLow))).filter(Number.isInteger) : niceTicks(xLow, xHigh, Math.max(2, Math.floor(width / 90)));

  const labels = y.ticks.map(number);
  const left = 18 + 7 * Math.max(...labels.map((l) => l.length)) + (yTitle ? 16 : 0);
  const top = title ? 28 : 10, bottom = xTitle ? 44 : 26, right = 14;
  const plotW = Math.max(40, width - left - right), plotH = Math.max(40, height - top - bottom);
  const px = (v) => left + ((v - xLow) / (xHigh - xLow)) * plotW;
  const ty = logY ? (v) => Math.log10(v) : (v) => v;
  const py = (v) => top + plotH - ((ty(v) - ty(y.low)) / (ty(y.high) - ty(y.low))) * plotH;

  const svg = s("svg", { width, height, class: "plot", role: "img", "aria-label": title || yTitle });
  svg.append(s("rect", { x: left, y: top, width: plotW, height: plotH, class: "plot-area" }));
  const grid = s("g", { class: "grid" });
  const axisY = s("g", { class: "yaxis" }), axisX = s("g", { class: "xaxis" });
  y.ticks.forEach((v, i) => {
    const at = py(v);
    if (at < top - 0.5 || at > top + plotH + 0.5) return;
    grid.append(s("line", { x1: left, x2: left + plotW, y1: at, y2: at }));
    axisY.append(s("text", { x: left - 6, y: at + 4, "text-anchor": "end", class: "ytick" }, labels[i]));
  });
  for (const v of xTicks) {
    const at = px(v);
    grid.append(s("line", { x1: at, x2: at, y1: top, y2: top + plotH }));
    axisX.append(s("text", { x: at, y: top + plotH + 16, "text-anchor": "middle", class: "xtick" }, number(v)));
  }
  svg.append(grid, axisY, axisX);
  if (title) svg.append(s("text", { x: left, y: 16, class: "chart-title" }, title));
  if (xTitle) svg.append(s("text", { x: left + plotW / 2, y: height - 6, "text-anchor": "middle", class: "axis-title x-title" }, xTitle));
  if (yTitle) svg.append(s("text", { x: 12, y: top + plotH / 2, "text-anchor": "middle", transform: `rotate(-90 12 ${top + plotH / 2})`, class: "axis-title y-title" }, yTitle));

  const clip = "clip" + Math.random().toString(36).slice(2);
  const clipPath = s("clipPath", { id: clip });
  clipPath.append(s("rect", { x: left, y: top, width: plotW, height: plotH }));
  svg.append(s("defs"));
  svg.querySelector("defs").append(clipPath);
  const lines = s("g", { "clip-path": `url(#${clip})` });
  const yOk = (v) => Number.isFinite(v) && (!logY || v > 0);
  for (const band of bands) {
    const upper = [], lower = [];
    band.x.forEach((v, i) => { if (yOk(band.low[i]) && yOk(band.high[i])) { upper.push(`${px(v).toFixed(1)},${py(band.high[i]).toFixed(1)}`); lower.unshift(`${px(v).toFixed(1)},${py(band.low[i]).toFixed(1)}`); } });
    if (upper.length) lines.append(s("path", { d: "M" + upper.join("L") + "L" + lower.join("L") + "Z", fill: band.color, "fill-opacity": 0.18, stroke: "none", class: "band" }));
  }
  for (const line of series) {
    let d = "", pen = false;
    line.x.forEach((v, i) => {
      if (!yOk(line.y[i])) { pen = false; return; }
      d += (pen ? "L" : "M") + px(v).toFixed(1) + "," + py(line.y[i]).toFixed(1);
      pen = true;
    });
    lines.append(s("path", { d, fill: "none", stroke: line.color, "stroke-width": line.faint ? 1 : 1.8, "stroke-opacity": line.faint ? 0.3 : 1, "stroke-dasharray": line.dash === "dot" ? "2 3" : null, class: "series", "data-name": line.faint ? null : line.name }));
    if (!line.faint && line.x.length <= 60) {
      line.x.forEach((v, i) => { if (yOk(line.y[i])) lines.append(s("circle", { cx: px(v).toFixed(1), cy: py(line.y[i]).toFixed(1), r: 2.6, fill: line.color })); });
    }
  }
  svg.append(lines);

  // Hover and zoom: a rectangle over the plot takes the pointer.
  const cursor = s("line", { y1: top, y2: top + plotH, class: "cursor", visibility: "hidden" });
  const selection = s("rect", { y: top, height: plotH, class: "selection", visibility: "hidden" });
  const hit = s("rect", { x: left, y: top, width: plotW, height: plotH, fill: "transparent", class: "hit" });
  svg.append(cursor, selection, hit);
  const tip = document.createElement("div");
  tip.className = "chart-tip";
  tip.hidden = true;
  const xAt = (event) => xLow + ((event.clientX - hit.getBoundingClientRect().left) / plotW) * (xHigh - xLow);
  let dragFrom = null;
  hit.addEventListener("pointermove", (event) => {
    const at = xAt(event);
    if (dragFrom !== null) {
      const a = px(Math.min(dragFrom, at)), b = px(Math.max(dragFrom, at));
      selection.setAttribute("x", a); selection.setAttribute("width", Math.max(0, b - a)); selection.setAttribute("visibility", "visible");
    }
    const rows = [];
    let nearest = null;
    for (const line of series.filter((l) => !l.faint)) {
      const i = closest(line.x, at);
      if (i < 0) continue;
      nearest ??= line.x[i];
      rows.push([line.color, line.name, line.y[i], line.x[i]]);
    }
    if (nearest === null) return;
    cursor.setAttribute("x1", px(nearest)); cursor.setAttribute("x2", px(nearest)); cursor.setAttribute("visibility", "visible");
    tip.replaceChildren();
    const head = document.createElement("div");
    head.className = "tip-head";
    head.textContent = `${xTitle} ${number(nearest)}`;
    tip.append(head);
    for (const [color, name, value] of rows.slice(0, 12)) {
      const row = document.createElement("div");
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = color;
      row.append(swatch, ` ${name}: ${number(value)}`);
      tip.append(row);
    }
    tip.hidden = false;
    const box = node.getBoundingClientRect();
    tip.style.left = `${Math.min(box.width - 180, event.clientX - box.left + 12)}px`;
    tip.style.top = `${event.clientY - box.top + 12}px`;
  });
  hit.addEventListener("pointerleave", () => { cursor.setAttribute("visibility", "hidden"); tip.hidden = true; });
  hit.addEventListener("pointerdown", (event) => { dragFrom = xAt(event); hit.setPointerCapture(event.pointerId); });
  hit.addEventListener("pointerup", (event) => {
    const to = xAt(event), from = dragFrom;
    dragFrom = null;
    selection.setAttribute("visibility", "hidden");
    if (from !== null && Math.abs(px(to) - px(from)) > 8) render(node, (node.__spec = { ...spec, xRange: [Math.min(from, to), Math.max(from, to)] }));
  });
  hit.addEventListener("dblclick", () => render(node, (node.__spec = { ...spec, xRange: null })));

  node.dataset.xTitle = xTitle;
  node.dataset.yScale = logY ? "log" : "linear";
  node.replaceChildren(svg, ...(legend ? [legend] : []), tip);
  if (legend) legend.style.maxHeight = `${height - 10}px`;
}

function legendOf(series) {
  const box = document.createElement("div");
  box.className = "legend";
  for (const line of series.filter((l) => !l.faint)) {
    const row = document.createElement("div");
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = line.color;
    row.title = line.name;
    row.append(swatch, " " + line.name);
    box.append(row);
  }
  return box;
}

// The index of the x nearest to a value (x sorted ascending), or -1 for an empty series.
function closest(xs, value) {
  if (xs.length === 0) return -1;
  let lo = 0, hi = xs.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < value) lo = mid; else hi = mid;
  }
  return Math.abs(xs[lo] - value) <= Math.abs(xs[hi] - value) ? lo : hi;
}
