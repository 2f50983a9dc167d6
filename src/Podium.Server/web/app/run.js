// A run: charts first (learning curves, confusion matrix, ROC, the model's mistakes), then its records in sections
// that fold. Renamed, described, tagged, moved, deleted and restored here; the page follows changes made elsewhere
// (a training process, another tab) by asking the server again every few seconds.
import { el, fill, show, duration, keyValues, link, paramValue, path, isNorm, natural, shortId, number } from "./dom.js";
import { get, blob, save, send, histories } from "./api.js";
import { draw, confusion, roc, graphviz } from "./charts.js";
import { RunArtifacts, RunMetrics, RunTags } from "./schema.js";
import { markdown } from "./markdown.js";
import { preview } from "./preview.js";
import { baseline, pin } from "./baseline.js";

let timer = null;

export async function runPage(view, id, alive) {
  clearInterval(timer);
  // Everything at once: the run, then its artifacts and every curve together.
  const run = await get("runs/" + encodeURIComponent(id));
  const runId = run.info.id;
  const listing = get(`runs/${encodeURIComponent(runId)}/artifacts`);
  // The first screen's curves in one request; the rest as they come near the screen.
  const first = curveGroups(run).slice(0, 6).flatMap((g) => g.keys);
  const batch = first.length ? histories(runId, first) : Promise.resolve(new Map());
  batch.catch(() => {});
  const prefetched = new Map(first.map((k) => [k, batch.then((found) => found.get(k))]));
  const artifacts = await listing;
  if (!alive()) return;

  const head = el("div", { class: "run-head" });
  const about = el("div", { class: "about" });
  const controls = chartControls(() => redraw());
  const curves = el("div", { class: "grid charts", id: "curves" });
  const evaluation = el("div", { class: "grid charts" });
  const gallery = el("div", { id: "gallery" });
  const records = el("div", { class: "records" });
  fill(view, head, about,
    el("section", { class: "card wide" }, el("div", { class: "card-head" }, el("h2", {}, "Charts"), controls.node), curves, evaluation),
    gallery, records);

  let current = run;
  const drawHead = () => {
    fill(head, header(current, artifacts, refreshNow));
    const { holder, button } = description(current, refreshNow);
    fill(about, holder, el("div", { class: "tag-row" }, tagEditor(current, refreshNow), button));
  };
  drawHead();

  // Curves: one chart per metric and its val_ twin, then the norms per layer. A chart is drawn when it comes
  // near the screen, so a run of many metrics shows its first charts at once.
  const charts = new Map();
  const watcher = new IntersectionObserver((seen) => {
    for (const entry of seen) {
      if (!entry.isIntersecting) continue;
      watcher.unobserve(entry.target);
      const chart = [...charts.values()].find((c) => c.holder === entry.target);
      if (chart?.stale) drawChart(chart, current);
    }
  }, { rootMargin: "300px" });

  async function drawChart(chart, data) {
    chart.stale = false;
    const group = chart.group;
    // From the first request if it fetched them (once: a later redraw reads the curves afresh), else in one request.
    const early = group.keys.every((k) => prefetched.has(k)) ? Promise.all(group.keys.map((k) => prefetched.get(k))) : null;
    for (const k of group.keys) prefetched.delete(k);
    const found = early ? await early : await histories(runId, group.keys).then((m) => group.keys.map((k) => m.get(k)));
    const series = found.filter(Boolean).map((s) => ({ ...s, name: group.label(s.key) }));
    if (!alive()) return;
    draw(chart.node, group.title, series, { xTitle: xName(data, series), yTitle: group.yTitle ?? group.title, logY: group.log ?? controls.log(), smoothing: controls.smoothing(), showLegend: controls.legend() });
    const total = series.reduce((n, s) => n + s.total, 0), drawn = series.reduce((n, s) => n + s.x.length, 0);
    fill(chart.note, drawn < total ? `${drawn.toLocaleString()} of ${total.toLocaleString()} points drawn (each bucket's lowest and highest kept)` : "");
    chart.holder.dataset.drawn = "true";
  }

  const near = (node) => node.getBoundingClientRect().top < innerHeight + 300;

  async function redraw(data = current) {
    const groups = curveGroups(data);
    const now = [];
    for (const group of groups) {
      let chart = charts.get(group.title);
      if (!chart) {
        chart = { node: el("div", { class: "chart" }), note: el("div", { class: "status" }) };
        chart.holder = el("div", { dataset: { metric: group.title }, class: group.wide ? "wide" : null }, chart.node, chart.note);
        charts.set(group.title, chart);
        curves.append(chart.holder);
      }
      chart.group = group;
      chart.stale = true;
      if (near(chart.holder)) now.push(drawChart(chart, data));
      else watcher.observe(chart.holder);
    }
    await Promise.all(now);
    if (groups.length === 0 && charts.size === 0) fill(curves, el("p", { class: "status" }, "No metric has more than one point yet."));
  }

  await guarded(curves, () => redraw());
  requestAnimationFrame(() => performance.mark("podium:run-drawn"));
  const reports = [[RunArtifacts.evaluation, "validation"], [RunArtifacts.testEvaluation, "test"]].filter(([p]) => artifacts.some((a) => a.path === p));
  for (const [file, split] of reports) {
    await guarded(evaluation, async () => {
      const report = await get(`runs/${encodeURIComponent(runId)}/artifacts/${file}`);
      evaluation.append(el("div", {}, confusion(report.classes, report.confusion, split)), el("div", {}, roc([...report.roc, report.micro, report.macro].filter(Boolean), split)));
    });
  }
  if (artifacts.some((a) => a.path === RunArtifacts.gallery)) await guarded(gallery, () => drawGallery(gallery, runId));
  fill(records, ...sections(current, artifacts));
  document.body.dataset.charts = "drawn";

  // While the page is open: the run again every few seconds; what changed is drawn again.
  let signature = JSON.stringify([current.info, current.tags]);
  let counts = JSON.stringify(Object.entries(current.metrics).map(([k, m]) => [k, m.count]));
  async function refreshNow(force = false) {
    let again;
    try { again = await get("runs/" + encodeURIComponent(runId)); } catch { return; }
    if (!alive()) return;
    const nextSignature = JSON.stringify([again.info, again.tags]);
    const nextCounts = JSON.stringify(Object.entries(again.metrics).map(([k, m]) => [k, m.count]));
    current = again;
    if (nextSignature !== signature || force === true) { signature = nextSignature; drawHead(); }
    if (nextCounts !== counts) {
      counts = nextCounts;
      await redraw(again);
      fill(records, ...sections(again, artifacts));
    }
  }
  timer = setInterval(() => { if (alive()) refreshNow(); else clearInterval(timer); }, 3000);
}

async function guarded(holder, work) {
  try {
    await work();
  } catch (error) {
    holder.append(el("p", { class: "error" }, error.message));
  }
}

/** The chart controls shared by every curve on the page: log scale, smoothing, legends. */
export function chartControls(changed) {
  const log = el("input", { type: "checkbox", id: "log-scale" });
  const legend = el("input", { type: "checkbox", id: "legends", checked: true });
  const smoothing = el("input", { type: "range", id: "smoothing", min: "0", max: "0.95", step: "0.05", value: "0" });
  const shown = el("output", {}, "0");
  smoothing.addEventListener("input", () => { shown.value = smoothing.value; });
  smoothing.addEventListener("change", () => changed());
  log.addEventListener("change", () => changed());
  legend.addEventListener("change", () => changed());
  return {
    node: el("div", { class: "controls" },
      el("label", { class: "check" }, log, " log scale"),
      el("label", { class: "check" }, "smoothing ", smoothing, " ", shown),
      el("label", { class: "check" }, legend, " legends")),
    log: () => log.checked, smoothing: () => Number(smoothing.value), legend: () => legend.checked,
  };
}

// The x axis is named after what was logged: epochs when every step is an epoch the run trained, else steps.
export function xName(run, series) {
  const epochs = run.metrics[RunMetrics.epochsTrained]?.last;
  const most = Math.max(0, ...series.map((s) => (s.x.length ? s.x[s.x.length - 1] : 0)));
  return epochs && most <= epochs && series.every((s) => s.x.every(Number.isInteger)) ? "epoch" : "step";
}

// Charts for a run: each metric with more than one point beside its val_ twin, then the per-layer norms.
export function curveGroups(run) {
  const keys = Object.keys(run.metrics).filter((k) => run.metrics[k].count > 1).sort(natural);
  const pairs = new Map();
  for (const key of keys.filter((k) => !k.includes("/"))) {
    const base = key.startsWith(RunMetrics.validationPrefix) ? key.slice(RunMetrics.validationPrefix.length) : key;
    if (!pairs.has(base)) pairs.set(base, []);
    pairs.get(base).push(key);
  }
  const groups = [...pairs].map(([base, members]) => ({ title: base, keys: members, label: (k) => k }));
  for (const [prefix, title] of [[RunMetrics.gradientNormPrefix, "gradient norm (L2) per layer"], [RunMetrics.weightNormPrefix, "weight norm (L2) per layer"]]) {
    const members = keys.filter((k) => k.startsWith(prefix));
    if (members.length) groups.push({ title, keys: members, label: (k) => k.slice(prefix.length), log: true, yTitle: "norm", wide: true });
  }
  return groups;
}

function header(run, artifacts, changed) {
  const info = run.info;
  const seconds = info.end_time ? (Date.parse(info.end_time) - Date.parse(info.start_time)) / 1000 : null;
  const trashed = Boolean(info.trashed_time);
  const id = encodeURIComponent(info.id);
  const act = (work) => async (...args) => {
    try { await work(...args); await changed(); } catch (error) { alert(error.message); }
  };
  const pinned = baseline() === info.id;
  const name = el("h1", { id: "run-name" }, info.name, " ", el("span", { class: "badge " + info.status }, info.status), trashed ? el("span", { class: "badge trashed" }, "in the trash") : null);
  const rename = el("button", { id: "rename", onclick: () => inline(name, info.name, act((value) => send("PATCH", `runs/${id}`, { name: value })), "new name") }, "Rename");
  const move = el("button", { id: "move", onclick: () => inline(name, info.experiment, act((value) => send("PATCH", `runs/${id}`, { experiment: value })), "experiment") }, "Move");
  const remove = trashed
    ? el("button", { id: "restore", onclick: act(() => send("POST", `runs/${id}/restore`)) }, "Restore")
    : el("button", { id: "delete", class: "danger", onclick: act(() => send("POST", `runs/${id}/delete`)) }, "Delete");
  const pinButton = el("button", { id: "pin", title: "compare other runs against this one", onclick: () => { pin(pinned ? null : info.id); changed(true); } }, pinned ? "Unpin baseline" : "Pin as baseline");
  const other = baseline();
  const sweepId = run.tags[RunTags.sweep] ? info.id : run.tags[RunTags.sweepTrial] !== undefined ? info.parent_run_id : null;
  return el("div", {},
    el("div", { class: "title-row" }, name, el("div", { class: "actions" }, rename, move, pinButton, remove)),
    el("div", { class: "sub" }, "run ", el("span", { class: "mono", id: "run-id" }, info.id), " · experiment ",
      el("a", { href: "#/?experiment=" + encodeURIComponent(info.experiment) }, info.experiment),
      ` · started ${new Date(info.start_time).toLocaleString()}`, seconds !== null ? ` · took ${duration(seconds)}` : "",
      info.parent_run_id ? [" · part of ", link(shortId(info.parent_run_id), "runs", info.parent_run_id)] : "",
      sweepId ? [" · ", el("a", { href: "#/sweeps/" + encodeURIComponent(sweepId), id: "sweep-link" }, "sweep page")] : "",
      other && other !== info.id ? [" · ", el("a", { href: `#/compare?runs=${encodeURIComponent(other)},${id}&baseline=${encodeURIComponent(other)}` }, "compare with the baseline")] : "",
      trashed ? " · in the trash since " + new Date(info.trashed_time).toLocaleString() : ""));
}

// An inline editor under a node: a text box with Save and Cancel; Enter saves, Escape cancels.
function inline(after, value, saved, label) {
  document.getElementById("inline-editor")?.remove();
  const input = el("input", { type: "text", value, "aria-label": label, class: "wide-input" });
  const form = el("form", { id: "inline-editor", class: "inline" }, el("label", {}, label, " "), input,
    el("button", { class: "primary", type: "submit" }, "Save"), el("button", { type: "button", onclick: () => form.remove() }, "Cancel"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (input.value.trim() && input.value.trim() !== value) await saved(input.value.trim());
    form.remove();
  });
  input.addEventListener("keydown", (event) => { if (event.key === "Escape") form.remove(); });
  after.after(form);
  input.focus();
  input.select();
}

// The description, in Markdown; with none, only a button beside the tags, so the charts stay near the top.
function description(run, changed) {
  const text = run.tags[RunTags.note] ?? "";
  const id = encodeURIComponent(run.info.id);
  const body = text ? el("div", { class: "markdown", id: "description" }, markdown(text)) : null;
  const holder = el("div", { class: "description-holder" });
  const edit = el("button", { class: "quiet", id: "edit-description", onclick: () => {
    const area = el("textarea", { rows: 6, "aria-label": "description (Markdown)" }, text);
    const form = el("form", { class: "edit-description card" }, area,
      el("div", {}, el("button", { class: "primary", type: "submit" }, "Save"), " ", el("button", { type: "button", onclick: () => fill(holder, shown()) }, "Cancel"), " ",
        el("span", { class: "status" }, "Markdown: **bold**, _italic_, `code`, [links](https://…), lists and headings.")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        if (area.value.trim()) await send("POST", `runs/${id}/batch`, { tags: { [RunTags.note]: area.value } });
        else if (text) await send("DELETE", `runs/${id}/tags/${path(RunTags.note)}`);
        await changed();
      } catch (error) { alert(error.message); }
    });
    fill(holder, form);
    area.focus();
  } }, text ? "Edit description" : "Add a description");
  const shown = () => (body ? el("section", { class: "card description" }, el("div", { class: "card-head" }, el("h2", {}, "Description"), edit), body) : []);
  fill(holder, shown());
  return { holder, button: body ? null : edit };
}

function tagEditor(run, changed) {
  const id = encodeURIComponent(run.info.id);
  const user = Object.entries(run.tags).filter(([k]) => !k.startsWith(RunTags.prefix)).sort(([a], [b]) => natural(a, b));
  const input = el("input", { type: "text", id: "new-tag", placeholder: "key or key=value", size: 22, "aria-label": "new tag" });
  const add = el("form", { class: "inline tag-form" }, input, el("button", { type: "submit" }, "Add tag"));
  add.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    const at = text.indexOf("=");
    const [key, value] = at < 0 ? [text, ""] : [text.slice(0, at).trim(), text.slice(at + 1).trim()];
    try { await send("POST", `runs/${id}/batch`, { tags: { [key]: value } }); await changed(); } catch (error) { alert(error.message); }
  });
  return el("div", { class: "tags", id: "tags" },
    user.map(([k, v]) => el("span", { class: "chip", dataset: { tag: k } }, v ? `${k}: ${v}` : k,
      el("button", { class: "chip-x", title: `remove tag ${k}`, "aria-label": `remove tag ${k}`, onclick: async () => {
        try { await send("DELETE", `runs/${id}/tags/${path(k)}`); await changed(); } catch (error) { alert(error.message); }
      } }, "×"))),
    add);
}

async function drawGallery(holder, runId) {
  const data = await get(`runs/${encodeURIComponent(runId)}/artifacts/${RunArtifacts.gallery}`);
  const tile = (e, kind) => {
    const img = el("img", { alt: `${e.true} predicted ${e.predicted}`, loading: "lazy" });
    blob(`runs/${encodeURIComponent(runId)}/artifacts/${path(e.image)}`).then((b) => { img.src = URL.createObjectURL(b); }).catch(() => {});
    return el("figure", { class: "tile " + kind }, img,
      el("figcaption", {}, kind === "mistake" ? [el("span", { class: "truth" }, e.true), " → ", el("span", { class: "wrong" }, e.predicted)] : e.true,
        el("small", {}, ` ${number(e.confidence)}`)));
  };
  fill(holder, el("section", { class: "card wide" },
    el("h2", {}, `The model's most confident mistakes (${data.split}: ${data.wrong} of ${data.count} wrong)`),
    data.mistakes.length ? el("div", { class: "tiles", id: "mistakes" }, data.mistakes.map((e) => tile(e, "mistake"))) : el("p", { class: "status" }, "No mistakes."),
    el("h3", {}, "Correct, most confident per class"),
    el("div", { class: "tiles", id: "correct" }, data.correct.map((e) => tile(e, "correct")))));
}

// The records, each in a section that folds: metrics grouped by prefix, params, data, network, artifacts, tags, environment.
function sections(run, artifacts) {
  const info = run.info;
  const fold = (title, id, open, ...body) => el("details", { class: "card", id, open }, el("summary", {}, el("h2", {}, title)), ...body);
  return [
    fold("Metrics", "metrics", true, metricsTable(run.metrics)),
    fold("Params", "params", true, keyValues(Object.entries(run.params).sort(([a], [b]) => natural(a, b)).map(([k, v]) => [k, paramValue(v)]))),
    ...run.datasets.map((use) => fold(`Data (${use.role})`, "data-" + use.role, true, dataCard(use))),
    run.model ? fold(`Network: ${run.model.name}`, "network", false, networkCard(run.model)) : null,
    fold(`Artifacts (${artifacts.length})`, "artifacts", false, artifactTable(info.id, artifacts)),
    fold("Tags", "all-tags", false, keyValues(Object.entries(run.tags).sort(([a], [b]) => natural(a, b)))),
    fold("Environment and source", "environment", false, keyValues([...Object.entries(info.environment ?? {}), ...Object.entries(info.source ?? {}), ["seed", info.seed]])),
  ];
}

// Metrics grouped by the prefix before '/', each group in natural order under a row that folds it; per-layer
// norms start folded. One table, so the columns line up across groups.
function metricsTable(metrics) {
  const groups = new Map();
  for (const key of Object.keys(metrics).sort(natural)) {
    const at = key.indexOf("/");
    const group = at < 0 ? "" : key.slice(0, at + 1);
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group).push(key);
  }
  const row = (k, label, hidden) => {
    const m = metrics[k];
    return el("tr", { class: "member", hidden }, el("th", {}, label), el("td", { class: "num" }, show(m.last)), el("td", { class: "num" }, show(m.min)),
      el("td", { class: "num" }, show(m.max)), el("td", { class: "num" }, show(m.count)));
  };
  // Metrics without a prefix first, then each group.
  const bodies = [...groups].sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : natural(a, b))).map(([group, keys]) => {
    if (!group) return el("tbody", {}, keys.map((k) => row(k, k, false)));
    const folded = isNorm(group);
    const body = el("tbody", { class: "group", dataset: { group } });
    const toggle = el("button", { class: "fold", "aria-expanded": String(!folded), onclick: () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      for (const tr of body.querySelectorAll("tr.member")) tr.hidden = !open;
    } }, `${group} (${keys.length})`);
    body.append(el("tr", { class: "group-head" }, el("th", { colspan: 5 }, toggle)), ...keys.map((k) => row(k, k.slice(group.length), folded)));
    return body;
  });
  return el("table", { class: "plain metrics", id: "metrics-table" },
    el("thead", {}, el("tr", {}, el("th", {}, "metric"), el("th", { class: "num" }, "last"), el("th", { class: "num" }, "min"), el("th", { class: "num" }, "max"), el("th", { class: "num" }, "points"))),
    bodies);
}

function dataCard(use) {
  const d = use.dataset;
  let augmentations = "none";
  if (use.augmentations) {
    try { augmentations = el("pre", {}, JSON.stringify(JSON.parse(use.augmentations), null, 1)); } catch { augmentations = use.augmentations; }
  }
  return keyValues([
    ["name", d.name],
    ["fingerprint", link(d.fingerprint.slice(0, 16) + "…", "datasets", d.fingerprint)],
    ["source", d.source],
    ...Object.entries(d.splits).map(([split, shape]) => [`${split} shape`, `x (${shape.x.join(", ")}) · y (${shape.y.join(", ")})`]),
    ["classes", `${d.class_names.length}: ${d.class_names.join(", ")}`],
    ["augmentations", augmentations],
  ]);
}

function networkCard(model) {
  let architecture = null;
  try { architecture = JSON.parse(model.architecture_json); } catch { /* shown without the summary */ }
  const graph = el("div", { class: "graph", id: "model-graph" }, "drawing the graph…");
  graphviz().then((viz) => fill(graph, viz.renderSVGElement(model.dot))).catch((error) => fill(graph, el("p", { class: "error" }, "graph: " + error.message)));
  const rows = (architecture?.layers ?? []).flatMap(function flat(layer) {
    return [layer, ...(layer.body ?? []).flatMap(flat), ...(layer.projection ?? []).flatMap(flat)];
  });
  return el("div", {},
    el("p", { class: "sub" }, `${model.total_parameters.toLocaleString()} parameters, ${model.trainable_parameters.toLocaleString()} trainable, weights ${(model.weight_bytes / 1048576).toFixed(2)} MB`),
    el("div", { class: "grid" },
      el("table", { class: "plain", id: "summary" },
        el("thead", {}, el("tr", {}, el("th", {}, "layer"), el("th", {}, "type"), el("th", {}, "output shape"), el("th", {}, "params"))),
        el("tbody", {}, rows.map((l) => el("tr", {}, el("td", {}, l.name), el("td", {}, l.class_name),
          el("td", {}, "(" + (l.output_shape ?? []).join(", ") + ")"), el("td", { class: "num" }, show(l.params)))))),
      graph));
}

function artifactTable(runId, artifacts) {
  const shown = el("div", { class: "preview", id: "artifact-preview" });
  const sorted = [...artifacts].sort((a, b) => natural(a.path, b.path));
  return el("div", {},
    el("table", { class: "plain" },
      el("thead", {}, el("tr", {}, el("th", {}, "path"), el("th", {}, "size"), el("th", {}, "SHA-256"), el("th", {}, ""))),
      el("tbody", {}, sorted.map((a) => el("tr", {},
        el("td", {}, el("a", { href: "#", class: "artifact", dataset: { path: a.path }, onclick: (event) => {
          event.preventDefault();
          preview(shown, runId, a);
        } }, a.path)),
        el("td", { class: "num" }, a.size.toLocaleString()),
        el("td", { class: "mono" }, a.sha256.slice(0, 12) + "…"),
        el("td", {}, el("a", { href: "#", onclick: async (event) => {
          event.preventDefault();
          save(await blob(`runs/${encodeURIComponent(runId)}/artifacts/${path(a.path)}`), a.path.split("/").pop());
        } }, "download")))))),
    shown);
}
