// Datasets by content fingerprint, and the runs that used each.
import { el, fill, show, keyValues, card, link } from "./dom.js";
import { get, blob } from "./api.js";
import { RunArtifacts } from "./schema.js";
import { RunMetrics } from "./schema.js";
import { path } from "./dom.js";

export async function datasetsPage(view, alive) {
  const datasets = await get("datasets");
  if (!alive()) return;
  fill(view, el("h1", {}, "Datasets"),
    el("table", { class: "plain", id: "datasets" },
      el("thead", {}, el("tr", {}, ["name", "fingerprint", "source", "classes", "runs", "roles"].map((h) => el("th", {}, h)))),
      el("tbody", {}, datasets.map((d) => el("tr", {},
        el("td", {}, link(d.dataset.name, "datasets", d.dataset.fingerprint)),
        el("td", {}, d.dataset.fingerprint.slice(0, 16) + "…"),
        el("td", {}, d.dataset.source),
        el("td", { class: "num" }, d.dataset.class_names.length),
        el("td", { class: "num" }, d.runs),
        el("td", {}, d.roles.join(", ")))))));
}

export async function datasetPage(view, fingerprint, alive) {
  const { dataset, runs } = await get("datasets/" + encodeURIComponent(fingerprint));
  if (!alive()) return;
  const samples = el("section", { class: "card wide", id: "samples" }, el("h2", {}, "Samples per class"), el("p", { class: "status" }, "looking for a run that saved samples…"));
  fill(view,
    el("h1", {}, dataset.name),
    el("div", { class: "sub" }, `fingerprint ${dataset.fingerprint}`),
    el("div", { class: "grid" },
      card("Record", keyValues([
        ["name", dataset.name], ["fingerprint", dataset.fingerprint], ["source", dataset.source],
        ...Object.entries(dataset.splits).map(([split, shape]) => [`${split} shape`, `x (${shape.x.join(", ")}) · y (${shape.y.join(", ")})`]),
        ["classes", `${dataset.class_names.length}: ${dataset.class_names.join(", ")}`],
      ])),
      samples,
      el("section", { class: "card wide" }, el("h2", {}, `Runs that used it (${runs.length})`),
        el("table", { class: "plain", id: "dataset-runs" },
          el("thead", {}, el("tr", {}, ["run", "role", "status", RunMetrics.valAccuracy, "augmentations"].map((h) => el("th", {}, h)))),
          el("tbody", {}, runs.map((r) => el("tr", {},
            el("td", {}, link(r.run.name, "runs", r.run.id)),
            el("td", {}, r.role),
            el("td", {}, el("span", { class: "badge " + r.run.status }, r.run.status)),
            el("td", { class: "num" }, show(r.val_accuracy)),
            el("td", {}, r.augmentations ?? "none"))))))));
  await drawSamples(samples, runs).catch((error) => fill(samples, el("p", { class: "error" }, error.message)));
}

// Sample images per class, from the first run that used the dataset and saved them (evaluation does).
async function drawSamples(holder, runs) {
  for (const r of runs.slice(0, 10)) {
    const artifacts = await get(`runs/${encodeURIComponent(r.run.id)}/artifacts`);
    if (!artifacts.some((a) => a.path === RunArtifacts.samples)) continue;
    const data = await get(`runs/${encodeURIComponent(r.run.id)}/artifacts/${RunArtifacts.samples}`);
    const byClass = new Map(data.classes.map((c) => [c, []]));
    for (const s of data.samples) byClass.get(s.true)?.push(s);
    fill(holder, el("h2", {}, `Samples per class (${data.split} split)`),
      el("div", { class: "class-rows" }, [...byClass].map(([name, items]) => el("div", { class: "class-row" },
        el("div", { class: "class-name" }, name),
        el("div", { class: "tiles" }, items.map((s) => {
          const img = el("img", { alt: name, loading: "lazy" });
          blob(`runs/${encodeURIComponent(r.run.id)}/artifacts/${path(s.image)}`).then((b) => { img.src = URL.createObjectURL(b); }).catch(() => {});
          return el("figure", { class: "tile" }, img);
        }))))));
    return;
  }
  fill(holder, el("h2", {}, "Samples per class"), el("p", { class: "status" }, "No run that used this dataset saved samples (an evaluated run does)."));
}
