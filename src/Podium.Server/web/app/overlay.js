// Curves across runs: the selected runs' series overlaid, one chart per metric. Grouped by a param, each group is
// drawn as its mean with a min–max (or ±1 std) band across its runs — the view for seeds. The address holds the
// runs, the grouping and the band.
import { el, fill, paramValue, isNorm, natural, shortId, plotText, number } from "./dom.js";
import { get, query } from "./api.js";
import { draw, palette } from "./charts.js";
import { chartControls, xName } from "./run.js";
import { record } from "./url.js";
import { RunMetrics } from "./schema.js";

export async function chartsPage(view, params, alive) {
  const ids = (params.get("runs") ?? "").split(",").filter(Boolean);
  if (ids.length === 0) {
    fill(view, el("h1", {}, "Charts"), el("p", {}, "Select runs on the ", el("a", { href: "#/" }, "leaderboard"), " and press Chart selected."));
    return;
  }
  const runs = await Promise.all(ids.map((id) => get("runs/" + encodeURIComponent(id))));
  if (!alive()) return;
  const state = { group: params.get("group") ?? "", band: params.get("band") === "std" ? "std" : "minmax" };
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics).filter((k) => r.metrics[k].count > 1 && !isNorm(k))))].sort(natural);
  const varying = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort(natural)
    .filter((k) => new Set(runs.map((r) => JSON.stringify(paramValue(r.params[k]) ?? null))).size > 1);

  const group = el("select", { id: "group-by" }, el("option", { value: "" }, "each run"),
    varying.map((k) => el("option", { value: "params." + k, selected: state.group === "params." + k }, "params." + k)));
  const band = el("select", { id: "band" }, el("option", { value: "minmax", selected: state.band === "minmax" }, "min–max band"), el("option", { value: "std", selected: state.band === "std" }, "±1 std band"));
  const controls = chartControls(() => redraw());
  const grid = el("div", { class: "grid charts", id: "overlay" });
  const legend = el("div", { class: "legend", id: "overlay-legend" });
  const status = el("div", { class: "status", id: "overlay-status" });
  const ranking = el("div", { id: "group-ranking" });
  fill(view,
    el("h1", {}, `Curves of ${runs.length} runs`),
    el("div", { class: "sub" }, el("a", { href: "#/" + query({ selected: ids.join(",") }) }, "← back to the runs"), " · ",
      el("a", { href: "#/compare" + query({ runs: ids.join(",") }) }, "compare their records")),
    el("div", { class: "toolbar" }, el("label", { class: "check" }, "group by ", group), el("label", { class: "check" }, band), controls.node),
    legend, ranking, status, grid);

  // Every series in one request per ten metrics; the server downsamples each.
  const points = runs.length > 20 ? 300 : 600;
  const series = new Map();
  for (let i = 0; i < keys.length; i += 10) {
    const chunk = keys.slice(i, i + 10);
    const answer = await get("metrics" + query({ runs: runs.map((r) => r.info.id).join(","), keys: chunk.join(","), max_points: points }));
    for (const s of answer.series) series.set(s.run_id + "\u0000" + s.key, s);
  }
  if (!alive()) return;

  const charts = new Map();
  function redraw() {
    state.group = group.value;
    state.band = band.value;
    record(["charts"], { runs: ids, group: state.group, band: state.band === "std" ? "std" : "" }, { replace: true });
    const groups = grouping(runs, state.group);
    fill(ranking, state.group ? groupTable(groups, runs) : null);
    fill(legend, groups.map((g, i) => el("span", { class: "swatch-entry" }, el("span", { class: "swatch", style: `background: ${palette[i % palette.length]}` }), g.label)));
    for (const key of keys) {
      let node = charts.get(key);
      if (!node) {
        node = el("div", { class: "chart" });
        charts.set(key, node);
        grid.append(el("div", { dataset: { metric: key } }, node));
      }
      const lines = [], bands = [];
      groups.forEach((g, i) => {
        const color = palette[i % palette.length];
        const members = g.runs.map((r) => ({ run: r, s: series.get(r.info.id + "\u0000" + key) })).filter((m) => m.s);
        if (members.length === 0) return;
        if (!state.group) {
          const { run, s } = members[0];
          lines.push({ name: `${run.info.name} ${shortId(run.info.id)}`, x: s.steps, y: s.values, color });
          return;
        }
        const stats = aggregate(members.map((m) => m.s));
        lines.push({ name: `${g.label} (mean of ${members.length})`, x: stats.x, y: stats.mean, color });
        if (members.length > 1) bands.push({ x: stats.x, low: state.band === "std" ? stats.mean.map((m, j) => m - stats.std[j]) : stats.min, high: state.band === "std" ? stats.mean.map((m, j) => m + stats.std[j]) : stats.max, color });
      });
      const x = xName(runs.find((r) => r.metrics[key]) ?? runs[0], lines);
      draw(node, key, lines, { xTitle: x, yTitle: key, logY: controls.log(), smoothing: controls.smoothing(), bands, showLegend: false });
    }
    fill(status, `${keys.length} metrics · ${lines(runs, keys)} series drawn`);
  }
  redraw();
  requestAnimationFrame(() => performance.mark("podium:charts-drawn"));
  group.addEventListener("change", redraw);
  band.addEventListener("change", redraw);
}

const lines = (runs, keys) => runs.reduce((n, r) => n + keys.filter((k) => r.metrics[k]?.count > 1).length, 0);

// Runs in groups by a param's value (each run alone when there is no param), in natural order of the values.
function grouping(runs, field) {
  if (!field) return runs.map((r) => ({ label: `${r.info.name} ${shortId(r.info.id)}`, runs: [r] }));
  const key = field.slice("params.".length);
  const groups = new Map();
  for (const r of runs) {
    const value = paramValue(r.params[key]);
    const label = `${key} = ${value ?? "(none)"}`;
    if (!groups.has(label)) groups.set(label, []);
    groups.get(label).push(r);
  }
  return [...groups].sort(([a], [b]) => natural(a, b)).map(([label, members]) => ({ label: plotText(label), runs: members }));
}

/** Mean, min, max and standard deviation at each step any series has, over the series that have it. */
export function aggregate(all) {
  const at = new Map();
  for (const s of all) {
    s.steps.forEach((step, i) => {
      const v = s.values[i];
      if (!Number.isFinite(v)) return;
      if (!at.has(step)) at.set(step, []);
      at.get(step).push(v);
    });
  }
  const x = [...at.keys()].sort((a, b) => a - b);
  const mean = [], min = [], max = [], std = [];
  for (const step of x) {
    const values = at.get(step);
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    mean.push(m);
    min.push(Math.min(...values));
    max.push(Math.max(...values));
    std.push(Math.sqrt(values.reduce((a, v) => a + (v - m) * (v - m), 0) / values.length));
  }
  return { x, mean, min, max, std };
}

// With a grouping: the groups ranked by the mean of the first score the runs share (val_accuracy, else val_loss, …),
// each score as mean ± std over the group's runs (the last value of each run): a leaderboard of settings across seeds.
function groupTable(groups, runs) {
  const scores = [[RunMetrics.valAccuracy, true], [RunMetrics.accuracy, true], [RunMetrics.valLoss, false], [RunMetrics.loss, false]].filter(([k]) => runs.some((r) => r.metrics[k]));
  if (scores.length === 0) return null;
  const [rankKey, higher] = scores[0];
  const stats = (g, key) => {
    const values = g.runs.map((r) => r.metrics[key]?.last).filter(Number.isFinite);
    if (values.length === 0) return null;
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    return { mean, std: Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length), n: values.length };
  };
  const ranked = groups.map((g, i) => ({ g, i, rank: stats(g, rankKey) }))
    .sort((a, b) => (a.rank === null) - (b.rank === null) || (higher ? b.rank.mean - a.rank.mean : a.rank.mean - b.rank.mean));
  return el("section", { class: "card" }, el("h2", {}, `Groups ranked by mean ${rankKey}`),
    el("table", { class: "plain", id: "group-table" },
      el("thead", {}, el("tr", {}, el("th", {}, "#"), el("th", {}, "group"), el("th", { class: "num" }, "runs"), scores.map(([k]) => el("th", { class: "num" }, `${k} (mean ± std)`)))),
      el("tbody", {}, ranked.map(({ g, i }, place) => el("tr", {},
        el("td", { class: "num" }, String(place + 1)),
        el("td", {}, el("span", { class: "swatch", style: `background: ${palette[i % palette.length]}` }), " ", g.label),
        el("td", { class: "num" }, String(g.runs.length)),
        scores.map(([k]) => {
          const s = stats(g, k);
          return el("td", { class: "num" }, s ? `${number(s.mean)} ± ${number(s.std)}` : "");
        }))))));
}
