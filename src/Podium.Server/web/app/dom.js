// Building the page without markup strings: every value from the API becomes a text node, so a run name,
// tag or param holding markup shows as text and never runs.
import { RunMetrics } from "./schema.js";

/** An element: attributes (event handlers as functions only), then children (strings become text). */
export function el(tag, attributes = {}, ...children) {
  const node = tag === "svg" || tag === "path" || tag === "circle" ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces a node's children. */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** A link inside the app: the route is built from encoded parts, never from raw text. */
export function link(text, ...route) {
  return el("a", { href: "#/" + route.map(encodeURIComponent).join("/") }, text);
}

/** A value as the tables show it: numbers to 4 significant decimals, null as an empty cell. */
export function show(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return number(value);
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * A number by the CLI's one rule (LeaderboardFormat.Number): integers as integers; otherwise four significant
 * digits without trailing zeros, an exponent below 0.001 (1.235e-04), no decimals from 10,000 up.
 */
export function number(value) {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  const size = Math.abs(value);
  if (Number.isInteger(value) && size < 1e15) return String(value);
  if (size < 1e-3) {
    const [mantissa, exponent] = value.toExponential(3).split("e");
    const e = Number(exponent);
    return `${mantissa.replace(/\.?0+$/, "")}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  if (size >= 1e4) return value.toFixed(0);
  return String(Number(value.toPrecision(4)));
}

/** Natural order: "layer_2" before "layer_10". */
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
export function natural(a, b) {
  return collator.compare(String(a), String(b));
}

/** A short run id, as the CLI shows it. */
export const shortId = (id) => String(id ?? "").slice(0, 8);

/** Seconds as 12.3s, 4m 05s or 1h 02m. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "";
  if (seconds < 60) return seconds.toFixed(1) + "s";
  const m = Math.floor(seconds / 60), s = Math.round(seconds % 60);
  if (m < 60) return `${m}m ${String(s).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

/** A two-column table of key → value rows; rows whose key is in `marked` get the class "differs". */
export function keyValues(entries, caption) {
  return el("table", { class: "kv" },
    caption ? el("caption", {}, caption) : null,
    el("tbody", {}, entries.map(([key, value]) => el("tr", {}, el("th", {}, key), el("td", {}, value instanceof Node ? value : show(value))))));
}

/** A titled card. */
export function card(title, ...children) {
  return el("section", { class: "card" }, el("h2", {}, title), ...children);
}

/** Text for Plotly, which reads a little markup in names and labels: escaped so it shows as written. */
export function plotText(value) {
  return String(value).replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** A param's value as stored: {kind: "number", number} or {kind, text}. */
export function paramValue(param) {
  if (param === null || param === undefined) return null;
  return param.kind === "number" ? param.number : param.text;
}

/** A key or artifact path for a URL: each segment encoded, the slashes kept (the API takes them as a path). */
export function path(text) {
  return String(text).split("/").map(encodeURIComponent).join("/");
}

/** Whether a metric is a per-layer norm (drawn as its own chart, left out of metric tables). */
export function isNorm(key) {
  return key.startsWith(RunMetrics.gradientNormPrefix) || key.startsWith(RunMetrics.weightNormPrefix);
}
