// An artifact shown in the page: images and SVG as pictures (an <img> never runs an SVG's scripts), CSV as a table,
// JSON indented, text as it is; anything else is offered as a download.
import { el, fill, path } from "./dom.js";
import { blob, save } from "./api.js";

const most = 2 * 1024 * 1024; // larger text is cut, with a download offered

export async function preview(holder, runId, artifact) {
  const address = `runs/${encodeURIComponent(runId)}/artifacts/${path(artifact.path)}`;
  const name = artifact.path.split("/").pop();
  const kind = (/\.([a-z0-9]+)$/i.exec(name)?.[1] ?? "").toLowerCase();
  const download = el("button", { onclick: async () => save(await blob(address), name) }, "Download");
  fill(holder, el("div", { class: "card-head" }, el("h3", {}, artifact.path), download), el("p", { class: "status" }, "loading…"));
  holder.dataset.kind = "";
  try {
    let body;
    if (["png", "jpg", "jpeg", "gif", "webp", "svg"].includes(kind)) {
      const data = await blob(address);
      const typed = kind === "svg" ? new Blob([data], { type: "image/svg+xml" }) : data;
      body = el("img", { src: URL.createObjectURL(typed), alt: artifact.path, class: "artifact-image" });
      holder.dataset.kind = "image";
    } else if (["csv", "json", "txt", "dot", "md", "log", "yaml", "yml"].includes(kind) && artifact.size <= most) {
      const text = await (await blob(address)).text();
      if (kind === "csv") { body = csvTable(text); holder.dataset.kind = "table"; }
      else if (kind === "json") {
        let pretty = text;
        try { pretty = JSON.stringify(JSON.parse(text), null, 2); } catch { /* shown as written */ }
        body = el("pre", { class: "artifact-text" }, pretty);
        holder.dataset.kind = "json";
      } else { body = el("pre", { class: "artifact-text" }, text); holder.dataset.kind = "text"; }
    } else {
      body = el("p", { class: "status" }, `${artifact.size.toLocaleString()} bytes; no preview for this kind of file.`);
    }
    fill(holder, el("div", { class: "card-head" }, el("h3", {}, artifact.path), download), body);
  } catch (error) {
    fill(holder, el("p", { class: "error" }, error.message));
  }
}

/** RFC 4180 CSV as a table: the first 200 rows, with how many there are. */
export function csvTable(text) {
  const rows = parseCsv(text);
  const [head, ...rest] = rows;
  const shown = rest.slice(0, 200);
  return el("div", { class: "scroll" },
    el("table", { class: "plain csv" }, el("thead", {}, el("tr", {}, (head ?? []).map((h) => el("th", {}, h)))),
      el("tbody", {}, shown.map((r) => el("tr", {}, r.map((c) => el("td", { class: /^-?[\d.]+(e[-+]?\d+)?$/i.test(c) ? "num" : null }, c)))))),
    rest.length > shown.length ? el("p", { class: "status" }, `first ${shown.length} of ${rest.length} rows`) : null);
}

function parseCsv(text) {
  const rows = [];
  let row = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field); rows.push(row); row = []; field = "";
    } else field += c;
  }
  if (field !== "" || row.length) { row.push(field); rows.push(row); }
  return rows;
}
