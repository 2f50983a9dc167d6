// The trash: runs deleted from the UI or the CLI (podium delete), each restorable until podium gc removes them.
import { el, fill, shortId } from "./dom.js";
import { post, send } from "./api.js";

export async function trashPage(view, alive) {
  const answer = await post("runs/search", { filter: "ORDER BY attributes.start_time DESC LIMIT 1000", trash: true, only: { params: [], metrics: [], metric_prefixes: [] } });
  if (!alive()) return;
  const runs = answer.runs;
  fill(view, el("h1", {}, "Trash"),
    el("p", { class: "sub" }, "Runs deleted here or with podium delete. They leave every ranking and search, keep all their records, and come back with Restore (or podium restore) until podium gc removes them."),
    runs.length === 0 ? el("p", { class: "status", id: "trash-empty" }, "The trash is empty.") :
      el("table", { class: "plain", id: "trash" },
        el("thead", {}, el("tr", {}, ["run", "id", "experiment", "status", "deleted", ""].map((h) => el("th", {}, h)))),
        el("tbody", {}, runs.map((r) => el("tr", {},
          el("td", {}, el("a", { href: "#/runs/" + encodeURIComponent(r.info.id) }, r.info.name)),
          el("td", { class: "mono" }, shortId(r.info.id)),
          el("td", {}, r.info.experiment),
          el("td", {}, el("span", { class: "badge " + r.info.status }, r.info.status)),
          el("td", {}, r.info.trashed_time ? new Date(r.info.trashed_time).toLocaleString() : ""),
          el("td", {}, el("button", { class: "restore", onclick: async () => {
            await send("POST", `runs/${encodeURIComponent(r.info.id)}/restore`);
            await trashPage(view, alive);
          } }, "Restore")))))));
}
