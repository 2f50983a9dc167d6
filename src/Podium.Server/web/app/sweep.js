// A sweep: its trials ranked by the sweep's metric, halving rounds side by side, parallel coordinates over the swept
// params (log axes for log-scale params, a tick per choice), the best trial marked, and each param's importance:
// its correlation with the metric, and its share of a random forest's fit of the metric (as W&B's panel shows).
import { el, fill, show, paramValue, natural, shortId, number, duration } from "./dom.js";
import { get, query } from "./api.js";
import { bars, parallel, plotlyFull } from "./charts.js";
import { RunTags, RunMetrics } from "./schema.js";
import { logLike } from "./compare.js";

export async function sweepPage(view, id, alive) {
  const [sweep] = await Promise.all([get("runs/" + encodeURIComponent(id)), plotlyFull()]);
  const sweepId = sweep.info.id;
  const [children, queue] = await Promise.all([
    get("runs" + query({ filter: `attributes.parent_run_id = '${sweepId}'`, limit: 10000 })),
    get(`sweeps/${encodeURIComponent(sweepId)}/trials`).catch(() => null),
  ]);
  if (!alive()) return;
  let plan = null, scales = {};
  try { plan = JSON.parse(sweep.tags[RunTags.sweepPlan] ?? "null"); } catch { plan = null; }
  try { scales = JSON.parse(sweep.tags[RunTags.sweepScales] ?? "{}") ?? {}; } catch { scales = {}; }
  const metric = plan?.metric ?? paramValue(sweep.params.sweep_metric) ?? RunMetrics.valAccuracy;
  const maximize = plan ? plan.maximize : paramValue(sweep.params.sweep_goal) !== "minimize";
  const swept = String(paramValue(sweep.params.sweep_params) ?? "").split(",").filter(Boolean);
  const trials = children.runs.filter((r) => r.metrics[metric] && r.info.status === "finished");
  const roundOf = (r) => Number(r.tags[RunTags.sweepRound] ?? 0);
  const candidateOf = (r) => Number(r.tags[RunTags.sweepTrial] ?? -1);
  const better = (a, b) => (maximize ? b - a : a - b);
  // Ranked: later rounds first (they trained longer), then by the metric.
  trials.sort((a, b) => roundOf(b) - roundOf(a) || better(a.metrics[metric].last, b.metrics[metric].last));
  const best = sweep.tags[RunTags.sweepBestRunId] ?? trials[0]?.info.id;
  // Each candidate once, at the last round it reached: what the parallel coordinates and importance read.
  const latest = new Map();
  for (const t of trials) if (!latest.has(candidateOf(t)) || roundOf(latest.get(candidateOf(t))) < roundOf(t)) latest.set(candidateOf(t), t);
  const finals = [...latest.values()];
  const params = (swept.length ? swept : [...new Set(finals.flatMap((r) => Object.keys(r.params)))]
    .filter((k) => new Set(finals.map((r) => JSON.stringify(paramValue(r.params[k]) ?? null))).size > 1)).filter((k) => finals.some((r) => r.params[k]));
  const scaleOf = (k) => {
    const values = finals.map((r) => paramValue(r.params[k]));
    if (!values.every((v) => typeof v === "number")) return "values";
    if (scales[k] === "log" || scales[k] === "linear") return scales[k];
    if (scales[k] === "int") return "linear";
    return logLike(values) ? "log" : scales[k] === "values" && values.length <= 12 && new Set(values).size <= 6 ? "values" : "linear";
  };

  const counts = queue ? queue.reduce((c, t) => ({ ...c, [t.status]: (c[t.status] ?? 0) + 1 }), {}) : null;
  const rounds = plan?.rounds ?? [];
  fill(view,
    el("h1", { id: "sweep-name" }, sweep.info.name, " ", el("span", { class: "badge " + sweep.info.status }, sweep.info.status)),
    el("div", { class: "sub" }, `sweep ${shortId(sweepId)} · ${paramValue(sweep.params.sweep_method) ?? "sweep"} · ${maximize ? "maximize" : "minimize"} ${metric}`,
      rounds.length > 1 ? ` · ${rounds.length} halving rounds of ${rounds.join(", ")} epochs, keeping the best 1/${plan.factor}` : "",
      counts ? ` · trials: ${Object.entries(counts).map(([s, n]) => `${n} ${s}`).join(", ")}` : "",
      " · ", el("a", { href: "#/runs/" + encodeURIComponent(sweepId) }, "the sweep's run")),
    best ? bestCard(trials.find((t) => t.info.id === best), metric, params) : null);

  if (finals.length >= 2 && params.length) {
    const dims = params.map((k) => ({ label: k, values: finals.map((r) => paramValue(r.params[k])), scale: scaleOf(k) }));
    view.append(el("section", { class: "card wide", id: "parallel" },
      el("h2", {}, `Parallel coordinates: ${params.length} swept params and ${metric}`),
      el("p", { class: "status" }, "Each line is a candidate at the last round it reached, coloured by ", metric, "; the best trial is drawn in red. Drag along an axis to filter."),
      parallel([...dims, { label: metric, values: finals.map((r) => r.metrics[metric].last), scale: "linear" }], { highlight: finals.findIndex((r) => r.info.id === best), maximize })));
    const importance = importances(dims, finals.map((r) => r.metrics[metric].last));
    view.append(el("div", { class: "grid" },
      el("section", { class: "card", id: "importance" }, el("h2", {}, "Parameter importance"),
        el("p", { class: "status" }, `A random forest of 100 trees fitted to ${metric} from the swept params: each param's share of the fit.`),
        bars("", importance.map((p) => ({ label: p.label, value: p.importance })), { xTitle: "importance (sums to 1)", range: [0, 1] })),
      el("section", { class: "card", id: "correlation" }, el("h2", {}, `Correlation with ${metric}`),
        el("p", { class: "status" }, "Pearson's r, on log10 of log-scale params; for a choice, the largest |r| of its one-hot columns."),
        bars("", importance.map((p) => ({ label: p.label, value: p.correlation })), { xTitle: "correlation", range: [-1, 1] }))));
  }

  const roundCols = rounds.length > 1;
  view.append(el("section", { class: "card wide" }, el("h2", {}, `Trials (${trials.length} finished)`),
    el("div", { class: "scroll" }, el("table", { class: "plain", id: "trials" },
      el("thead", {}, el("tr", {}, el("th", {}, "#"), roundCols ? el("th", {}, "round") : null, el("th", {}, "trial"), params.map((k) => el("th", {}, k)), el("th", {}, metric), el("th", {}, "took"))),
      el("tbody", {}, trials.map((t, i) => el("tr", { class: t.info.id === best ? "best" : null },
        el("td", { class: "num" }, String(i + 1)),
        roundCols ? el("td", { class: "num" }, `${roundOf(t) + 1} (${rounds[roundOf(t)] ?? "?"} ep.)`) : null,
        el("td", {}, el("a", { href: "#/runs/" + encodeURIComponent(t.info.id) }, t.info.name), t.info.id === best ? el("span", { class: "badge best" }, "best") : null),
        params.map((k) => el("td", { class: typeof paramValue(t.params[k]) === "number" ? "num" : null }, show(paramValue(t.params[k])))),
        el("td", { class: "num" }, show(t.metrics[metric].last)),
        el("td", { class: "num" }, t.info.end_time ? duration((Date.parse(t.info.end_time) - Date.parse(t.info.start_time)) / 1000) : ""))))))));

  const failed = queue?.filter((t) => t.errors) ?? [];
  if (failed.length) {
    view.append(el("details", { class: "card wide" }, el("summary", {}, el("h2", {}, `Attempts that failed (${failed.length})`)),
      el("table", { class: "plain" }, el("tbody", {}, failed.map((t) => el("tr", {}, el("th", {}, t.name), el("td", {}, el("pre", {}, t.errors))))))));
  }
}

function bestCard(run, metric, params) {
  if (!run) return null;
  return el("section", { class: "card best-card", id: "best-trial" },
    el("h2", {}, "Best trial: ", el("a", { href: "#/runs/" + encodeURIComponent(run.info.id) }, run.info.name)),
    el("p", {}, `${metric} ${number(run.metrics[metric].last)} · `, params.map((k, i) => [i ? ", " : "", `${k} ${show(paramValue(run.params[k]))}`])));
}

/** Each param's correlation with the metric and its random-forest importance, most important first. */
export function importances(dims, metric) {
  const columns = dims.map((d) => encode(d));
  const forest = randomForest(columns.map((c) => c.ordinal), metric, { trees: 100, depth: 4, seed: 7 });
  return dims.map((d, j) => ({ label: d.label, importance: forest[j], correlation: columns[j].correlation(metric) }))
    .sort((a, b) => b.importance - a.importance || Math.abs(b.correlation) - Math.abs(a.correlation));
}

// A param as numbers: log10 for log scale, the choice's index for choices (and one-hot columns for correlation).
function encode(d) {
  if (d.scale === "values") {
    const choices = [...new Set(d.values.map(String))].sort(natural);
    const ordinal = d.values.map((v) => choices.indexOf(String(v)));
    return { ordinal, correlation: (y) => choices.map((_, c) => pearson(ordinal.map((o) => (o === c ? 1 : 0)), y)).reduce((a, r) => (Math.abs(r) > Math.abs(a) ? r : a), 0) };
  }
  const values = d.values.map((v) => (d.scale === "log" ? Math.log10(v) : Number(v)));
  return { ordinal: values, correlation: (y) => pearson(values, y) };
}

/** Pearson's r; 0 when either side does not vary. */
export function pearson(x, y) {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n, my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) ** 2; syy += (y[i] - my) ** 2; }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

/**
 * Impurity importance of a random forest of regression trees (bootstrap samples, a random third of the features
 * tried at each split, at least two samples per leaf): each feature's total decrease in squared error, over all
 * trees, as a share of the whole. Seeded, so the same sweep always shows the same bars.
 */
export function randomForest(features, y, { trees = 100, depth = 4, seed = 1 } = {}) {
  const n = y.length, p = features.length;
  let state = seed >>> 0;
  const random = () => { state = (state + 0x6d2b79f5) >>> 0; let t = state; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const gain = new Array(p).fill(0);
  const tries = Math.max(1, Math.ceil(p / 3));
  const sse = (rows) => { const m = rows.reduce((a, i) => a + y[i], 0) / rows.length; return rows.reduce((a, i) => a + (y[i] - m) ** 2, 0); };
  function grow(rows, level) {
    if (level >= depth || rows.length < 4) return;
    const parent = sse(rows);
    if (parent <= 0) return;
    const order = [...Array(p).keys()];
    for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(random() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
    let bestGain = 0, bestSplit = null;
    for (const f of order.slice(0, tries)) {
      const sorted = [...rows].sort((a, b) => features[f][a] - features[f][b]);
      for (let k = 2; k <= sorted.length - 2; k++) {
        if (features[f][sorted[k - 1]] === features[f][sorted[k]]) continue;
        const left = sorted.slice(0, k), right = sorted.slice(k);
        const g = parent - sse(left) - sse(right);
        if (g > bestGain) { bestGain = g; bestSplit = { f, left, right }; }
      }
    }
    if (!bestSplit) return;
    gain[bestSplit.f] += bestGain;
    grow(bestSplit.left, level + 1);
    grow(bestSplit.right, level + 1);
  }
  for (let t = 0; t < trees; t++) grow(Array.from({ length: n }, () => Math.floor(random() * n)), 0);
  const total = gain.reduce((a, b) => a + b, 0);
  return gain.map((g) => (total > 0 ? g / total : 0));
}
