// Runs side by side: one column per run (name and id), the labels kept in view while the table scrolls sideways,
// only the rows that differ unless asked, and each number's difference from a baseline run.
import { el, fill, show, paramValue, isNorm, natural, shortId, number } from "./dom.js";
import { get, query } from "./api.js";
import { parallel, plotlyFull } from "./charts.js";
import { RunMetrics } from "./schema.js";
import { record } from "./url.js";
import { baseline as pinned } from "./baseline.js";

export async function comparePage(view, params, alive) {
  const ids = (params.get("runs") ?? "").split(",").filter(Boolean);
  if (ids.length < 2) {
    fill(view, el("h1", {}, "Compare"), el("p", {}, "Select two or more runs on the ", el("a", { href: "#/" }, "leaderboard"), " and press Compare selected."));
    return;
  }
  const runs = await Promise.all(ids.map((id) => get("runs/" + encodeURIComponent(id))));
  if (!alive()) return;
  const state = {
    all: params.get("all") === "1",
    baseline: [params.get("baseline"), pinned()].find((b) => b && runs.some((r) => r.info.id === b)) ?? runs[0].info.id,
  };
  const paramKeys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort(natural);
  const metricKeys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].filter((k) => !isNorm(k)).sort(natural);
  const rows = [
    ["experiment", runs.map((r) => r.info.experiment)],
    ["status", runs.map((r) => r.info.status)],
    ...paramKeys.map((k) => ["params." + k, runs.map((r) => paramValue(r.params[k]))]),
    ...metricKeys.map((k) => ["metrics." + k, runs.map((r) => r.metrics[k]?.last)]),
    ["data", runs.map((r) => r.datasets.map((d) => `${d.role}: ${d.dataset.name} ${d.dataset.fingerprint.slice(0, 8)}`).join("; "))],
    ["model", runs.map((r) => r.model?.name)],
  ];
  const differs = (values) => new Set(values.map((v) => JSON.stringify(v ?? null))).size > 1;
  const differing = rows.filter(([, values]) => differs(values)).length;

  const all = el("input", { type: "checkbox", id: "show-all", checked: state.all });
  const pick = el("select", { id: "baseline" }, runs.map((r) => el("option", { value: r.info.id, selected: r.info.id === state.baseline }, `${r.info.name} ${shortId(r.info.id)}`)));
  const holder = el("div", { class: "compare-scroll", id: "compare-holder" });
  fill(view,
    el("h1", {}, `Comparing ${runs.length} runs`),
    el("div", { class: "sub" }, `${differing} of ${rows.length} rows differ. `,
      el("a", { href: "#/charts" + query({ runs: ids.join(",") }) }, "Their curves overlaid"), " · ",
      el("a", { href: "#/" + query({ selected: ids.join(",") }) }, "back to the runs")),
    el("div", { class: "toolbar" }, el("label", { class: "check" }, all, " show rows that are the same"), el("label", { class: "check" }, "baseline ", pick)),
    el("section", { class: "card wide" }, holder));

  const drawTable = () => {
    state.all = all.checked;
    state.baseline = pick.value;
    record(["compare"], { runs: ids, all: state.all ? "1" : "", baseline: state.baseline }, { replace: true });
    const base = runs.findIndex((r) => r.info.id === state.baseline);
    const head = el("tr", {}, el("th", { class: "label corner" }, "run"),
      runs.map((r, i) => el("th", { class: i === base ? "run baseline" : "run", scope: "col" },
        el("a", { href: "#/runs/" + encodeURIComponent(r.info.id), title: r.info.name }, r.info.name),
        el("div", { class: "mono id" }, shortId(r.info.id)), i === base ? el("div", { class: "tag" }, "baseline") : null)));
    const shown = rows.filter(([, values]) => state.all || differs(values));
    fill(holder, el("table", { class: "plain compare", id: "compare-table" }, el("thead", {}, head),
      el("tbody", {}, shown.length === 0 ? el("tr", {}, el("td", { colspan: runs.length + 1 }, "Every row is the same.")) :
        // Marked only among rows that are the same: with differences only, every row would be.
        shown.map(([key, values]) => el("tr", { class: differs(values) ? (state.all ? "differs" : "differing") : null },
          el("th", { class: "label", scope: "row", title: key }, key),
          values.map((v, i) => cell(v, values[base], i === base, key)))))));
  };
  all.addEventListener("change", drawTable);
  pick.addEventListener("change", drawTable);
  drawTable();

  await plotlyFull();
  if (!alive()) return;
  const card = parallelCard(runs, paramKeys);
  if (card) view.append(card);
}

// A value, and for a number its difference from the baseline's: green when better, red when worse (metrics whose
// name says loss, error or seconds are better lower), grey for params.
function cell(value, base, isBase, key) {
  if (typeof value !== "number") return el("td", {}, show(value));
  const delta = !isBase && typeof base === "number" && Number.isFinite(value - base) && value !== base ? value - base : null;
  const lower = /loss|error|seconds/.test(key);
  const neutral = !key.startsWith("metrics.") || /learning_rate|epoch|step/.test(key);
  const kind = neutral ? "" : (delta > 0) !== lower ? "better" : "worse";
  return el("td", { class: "num" }, show(value),
    delta !== null ? el("div", { class: "delta " + kind }, (delta > 0 ? "+" : "") + number(delta)) : null);
}

function parallelCard(runs, paramKeys) {
  const metric = [RunMetrics.valAccuracy, RunMetrics.accuracy, RunMetrics.loss].find((k) => runs.every((r) => r.metrics[k])) ?? null;
  const varying = paramKeys.filter((k) => new Set(runs.map((r) => JSON.stringify(paramValue(r.params[k]) ?? null))).size > 1);
  if (!metric || varying.length === 0) return null;
  const dimensions = varying.map((k) => {
    const values = runs.map((r) => paramValue(r.params[k]));
    const numbers = values.every((v) => typeof v === "number");
    return { label: k, values, scale: !numbers ? "values" : logLike(values) ? "log" : "linear" };
  });
  dimensions.push({ label: metric, values: runs.map((r) => r.metrics[metric].last), scale: "linear" });
  return el("section", { class: "card wide", id: "parallel" }, el("h2", {}, `Parallel coordinates: the params that vary, and ${metric}`), parallel(dimensions));
}

/** Whether positive numbers span two decades or more (learning rates, weight decays): drawn on a log axis. */
export function logLike(values) {
  const positive = values.filter((v) => typeof v === "number" && v > 0);
  return positive.length === values.length && positive.length > 1 && Math.max(...positive) / Math.min(...positive) >= 100;
}
