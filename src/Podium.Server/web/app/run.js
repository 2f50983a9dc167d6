// A run: what it was (params, data, network, environment) and how it went (curves, evaluation, gradients, artifacts).
import { el, fill, show, duration, keyValues, card, link, paramValue, path, isNorm } from "./dom.js";
import { get, blob, save, query, history } from "./api.js";
import { lines, confusion, roc, plotly, graphviz } from "./charts.js";
import { RunArtifacts, RunMetrics, RunTags } from "./schema.js";

export async function runPage(view, id, alive) {
  const [run] = await Promise.all([get("runs/" + encodeURIComponent(id)), plotly()]);
  const artifacts = await get(`runs/${encodeURIComponent(run.info.id)}/artifacts`);
  if (!alive()) return;
  const info = run.info;
  const seconds = info.end_time ? (Date.parse(info.end_time) - Date.parse(info.start_time)) / 1000 : null;
  const grid = el("div", { class: "grid" });
  fill(view,
    el("h1", { id: "run-name" }, info.name, " ", el("span", { class: "badge " + info.status }, info.status)),
    el("div", { class: "sub" }, `run ${info.id} · experiment ${info.experiment} · started ${info.start_time}`,
      seconds !== null ? ` · ${duration(seconds)}` : "",
      info.parent_run_id ? [" · part of ", link(info.parent_run_id.slice(0, 8), "runs", info.parent_run_id)] : ""),
    grid);

  grid.append(card("Params", keyValues(Object.entries(run.params).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, paramValue(v)]))));
  grid.append(card("Metrics", metricsTable(run.metrics)));
  for (const use of run.datasets) grid.append(dataCard(use));
  if (run.model) grid.append(networkCard(run.model));

  // The charts load their data separately; one that fails says so in its place and the rest still show.
  const curves = el("section", { class: "card wide" }, el("h2", {}, "Learning curves"));
  grid.append(curves);
  await guarded(curves, () => learningCurves(curves, run));

  if (artifacts.some((a) => a.path === RunArtifacts.evaluation)) {
    const holder = el("div", { class: "grid card wide" });
    grid.append(holder);
    await guarded(holder, async () => {
      const report = await get(`runs/${encodeURIComponent(info.id)}/artifacts/${RunArtifacts.evaluation}`);
      holder.append(card("Confusion matrix", confusion(report.classes, report.confusion)),
        card("ROC curves", roc([...report.roc, report.micro, report.macro].filter(Boolean))));
    });
  }

  const norms = Object.keys(run.metrics).filter((k) => k.startsWith(RunMetrics.gradientNormPrefix)).sort();
  if (norms.length > 0) {
    const holder = el("section", { class: "card wide" }, el("h2", {}, "Gradient norms per layer"));
    grid.append(holder);
    await guarded(holder, async () => {
      const series = await Promise.all(norms.map((k) => history(info.id, k)));
      holder.append(lines("gradient norm (L2) per layer", series.map((s, i) => ({ ...s, name: norms[i].slice(RunMetrics.gradientNormPrefix.length) })), { logY: true, yTitle: "norm" }));
    });
  }

  grid.append(card("Tags", keyValues(Object.entries(run.tags).sort(([a], [b]) => a.localeCompare(b)))));
  grid.append(card("Artifacts", artifactTable(info.id, artifacts)));
  grid.append(card("Environment and source", keyValues([
    ...Object.entries(info.environment ?? {}), ...Object.entries(info.source ?? {}), ["seed", info.seed],
  ])));
  if (run.tags[RunTags.sweep]) {
    const trials = await get("runs" + query({ filter: `attributes.parent_run_id = '${info.id}'`, limit: 1000 }));
    if (trials.runs.length > 1) {
      grid.prepend(el("section", { class: "card wide" }, el("h2", {}, "Sweep"),
        el("p", {}, `${trials.runs.length} trials. `, link("Compare them", "compare", trials.runs.map((r) => r.info.id).join(",")))));
    }
  }
}

async function guarded(holder, draw) {
  try {
    await draw();
  } catch (error) {
    holder.append(el("p", { class: "error" }, error.message));
  }
}

function metricsTable(metrics) {
  const keys = Object.keys(metrics).filter((k) => !isNorm(k)).sort();
  return el("table", { class: "plain" },
    el("thead", {}, el("tr", {}, el("th", {}, "metric"), el("th", {}, "last"), el("th", {}, "min"), el("th", {}, "max"), el("th", {}, "points"))),
    el("tbody", {}, keys.map((k) => {
      const m = metrics[k];
      return el("tr", {}, el("th", {}, k), el("td", { class: "num" }, show(m.last)), el("td", { class: "num" }, show(m.min)),
        el("td", { class: "num" }, show(m.max)), el("td", { class: "num" }, show(m.count)));
    })));
}

function dataCard(use) {
  const d = use.dataset;
  let augmentations = "none";
  if (use.augmentations) {
    try { augmentations = el("pre", {}, JSON.stringify(JSON.parse(use.augmentations), null, 1)); } catch { augmentations = use.augmentations; }
  }

  return card(`Data (${use.role})`, keyValues([
    ["name", d.name],
    ["fingerprint", link(d.fingerprint.slice(0, 16) + "…", "datasets", d.fingerprint)],
    ["source", d.source],
    ...Object.entries(d.splits).map(([split, shape]) => [`${split} shape`, `x (${shape.x.join(", ")}) · y (${shape.y.join(", ")})`]),
    ["classes", `${d.class_names.length}: ${d.class_names.join(", ")}`],
    ["augmentations", augmentations],
  ]));
}

function networkCard(model) {
  let architecture = null;
  try { architecture = JSON.parse(model.architecture_json); } catch { /* shown without the summary */ }
  const graph = el("div", { class: "graph", id: "model-graph" }, "drawing the graph…");
  graphviz().then((viz) => fill(graph, viz.renderSVGElement(model.dot))).catch((error) => fill(graph, el("p", { class: "error" }, "graph: " + error.message)));
  const rows = (architecture?.layers ?? []).flatMap(function flat(layer) {
    return [layer, ...(layer.body ?? []).flatMap(flat), ...(layer.projection ?? []).flatMap(flat)];
  });
  return el("section", { class: "card wide" }, el("h2", {}, `Network: ${model.name}`),
    el("p", { class: "sub" }, `${model.total_parameters.toLocaleString()} parameters, ${model.trainable_parameters.toLocaleString()} trainable, weights ${(model.weight_bytes / 1048576).toFixed(2)} MB`),
    el("div", { class: "grid" },
      el("table", { class: "plain", id: "summary" },
        el("thead", {}, el("tr", {}, el("th", {}, "layer"), el("th", {}, "type"), el("th", {}, "output shape"), el("th", {}, "params"))),
        el("tbody", {}, rows.map((l) => el("tr", {}, el("td", {}, l.name), el("td", {}, l.class_name),
          el("td", {}, "(" + (l.output_shape ?? []).join(", ") + ")"), el("td", { class: "num" }, show(l.params)))))),
      graph));
}

async function learningCurves(holder, run) {
  const keys = Object.keys(run.metrics).filter((k) => run.metrics[k].count > 1 && !k.includes("/")).sort();
  const pairs = new Map();
  for (const key of keys) {
    const base = key.replace(/^val_/, "");
    if (!pairs.has(base)) pairs.set(base, []);
    pairs.get(base).push(key);
  }

  const charts = el("div", { class: "grid" });
  holder.append(charts);
  for (const [base, members] of pairs) {
    const series = await Promise.all(members.map((k) => history(run.info.id, k)));
    const node = lines(base, series, { yTitle: base });
    const total = series.reduce((n, s) => n + s.total, 0);
    const drawn = series.reduce((n, s) => n + s.x.length, 0);
    charts.append(el("div", { dataset: { metric: base } }, node,
      drawn < total ? el("div", { class: "status" }, `${drawn.toLocaleString()} of ${total.toLocaleString()} points drawn (each bucket's lowest and highest kept)`) : null));
  }

  if (pairs.size === 0) holder.append(el("p", { class: "status" }, "No metric has more than one point yet."));
}

function artifactTable(runId, artifacts) {
  return el("table", { class: "plain" },
    el("thead", {}, el("tr", {}, el("th", {}, "path"), el("th", {}, "size"), el("th", {}, "SHA-256"))),
    el("tbody", {}, artifacts.map((a) => el("tr", {},
      el("td", {}, el("a", { href: "#", onclick: async (event) => {
        event.preventDefault();
        save(await blob(`runs/${encodeURIComponent(runId)}/artifacts/${path(a.path)}`), a.path.split("/").pop());
      } }, a.path)),
      el("td", { class: "num" }, a.size.toLocaleString()),
      el("td", {}, a.sha256.slice(0, 12) + "…")))));
}
