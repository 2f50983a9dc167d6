// Two or more runs side by side: params and metrics with the differing rows marked, a metric's curves
// overlaid, and parallel coordinates over the params that vary.
import { el, fill, show, link, paramValue, isNorm } from "./dom.js";
import { get, history } from "./api.js";
import { lines, parallel, plotly } from "./charts.js";
import { RunMetrics } from "./schema.js";

export async function comparePage(view, ids, alive) {
  const [runs] = await Promise.all([Promise.all(ids.map((id) => get("runs/" + encodeURIComponent(id)))), plotly()]);
  if (!alive()) return;
  const value = paramValue;
  const paramKeys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const metricKeys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))]
    .filter((k) => !isNorm(k)).sort();
  const differs = (values) => new Set(values.map((v) => JSON.stringify(v ?? null))).size > 1;

  const head = el("tr", {}, el("th", {}, ""), runs.map((r) => el("th", {}, link(r.info.name, "runs", r.info.id))));
  const rows = [
    ...paramKeys.map((k) => ["params." + k, runs.map((r) => value(r.params[k]))]),
    ...metricKeys.map((k) => ["metrics." + k, runs.map((r) => r.metrics[k]?.last)]),
    ["data", runs.map((r) => r.datasets.map((d) => `${d.role}: ${d.dataset.name} ${d.dataset.fingerprint.slice(0, 8)}`).join("; "))],
    ["model", runs.map((r) => r.model?.name)],
  ];
  const differing = rows.filter(([, values]) => differs(values)).length;
  const table = el("table", { class: "plain", id: "compare-table" }, el("thead", {}, head),
    el("tbody", {}, rows.map(([key, values]) => el("tr", { class: differs(values) ? "differs" : null },
      el("th", {}, key), values.map((v) => el("td", { class: typeof v === "number" ? "num" : null }, show(v)))))));

  const choice = el("select", { id: "curve-metric" }, metricKeys.filter((k) => runs.some((r) => (r.metrics[k]?.count ?? 0) > 1))
    .map((k) => el("option", { value: k, selected: k === RunMetrics.valAccuracy }, k)));
  const curves = el("div");
  const drawCurves = async () => {
    const key = choice.value;
    if (!key) return;
    const series = await Promise.all(runs.filter((r) => r.metrics[key]).map((r) => history(r.info.id, key, r.info.name)));
    fill(curves, lines(key, series, { yTitle: key }));
  };
  choice.addEventListener("change", drawCurves);

  fill(view,
    el("h1", {}, `Comparing ${runs.length} runs`),
    el("div", { class: "sub" }, `${differing} of ${rows.length} rows differ (marked).`),
    el("div", { class: "grid" },
      el("section", { class: "card wide" }, el("h2", {}, "Params and metrics"), table),
      el("section", { class: "card wide" }, el("h2", {}, "Curves overlaid"), el("label", {}, "metric ", choice), curves),
      parallelCard(runs, paramKeys, value)));
  await drawCurves();
}

function parallelCard(runs, paramKeys, value) {
  const metric = [RunMetrics.valAccuracy, RunMetrics.accuracy, RunMetrics.loss].find((k) => runs.every((r) => r.metrics[k])) ?? null;
  const varying = paramKeys.filter((k) => new Set(runs.map((r) => JSON.stringify(value(r.params[k]) ?? null))).size > 1);
  if (!metric || varying.length === 0) return null;
  const dimensions = varying.map((k) => {
    const values = runs.map((r) => value(r.params[k]));
    if (values.every((v) => typeof v === "number")) return { label: k, values };
    const ticks = [...new Set(values.map((v) => String(v)))].sort();
    return { label: k, values: values.map((v) => ticks.indexOf(String(v))), ticks };
  });
  dimensions.push({ label: metric, values: runs.map((r) => r.metrics[metric].last) });
  return el("section", { class: "card wide" }, el("h2", {}, `Parallel coordinates: the params that vary, and ${metric}`), parallel(dimensions));
}
