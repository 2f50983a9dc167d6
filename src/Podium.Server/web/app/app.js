// The router: the part after '#' names the page and holds its state; each page builds itself from the API.
import { el, fill } from "./dom.js";
import { current, changed } from "./url.js";
import { leaderboardPage } from "./leaderboard.js";
import { runPage } from "./run.js";
import { comparePage } from "./compare.js";
import { chartsPage } from "./overlay.js";
import { sweepPage } from "./sweep.js";
import { datasetsPage, datasetPage } from "./datasets.js";
import { trashPage } from "./trash.js";

const page = document.getElementById("page");
let generation = 0;
const sections = { leaderboard: "leaderboard", runs: "leaderboard", compare: "leaderboard", charts: "leaderboard", sweeps: "leaderboard", datasets: "datasets", trash: "trash" };

async function route() {
  if (!changed()) return;
  const { path, params } = current();
  const mine = ++generation;
  delete document.body.dataset.ready;
  const section = path[0] ?? "leaderboard";
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.route === sections[section]);

  // A page that finishes loading after the user moved on must not draw over the new one.
  const view = el("div");
  fill(page, view);
  const alive = () => mine === generation;
  try {
    if (section === "leaderboard") await leaderboardPage(view, params, alive);
    else if (section === "runs" && path[1]) await runPage(view, path[1], alive);
    else if (section === "compare") await comparePage(view, params, alive);
    else if (section === "charts") await chartsPage(view, params, alive);
    else if (section === "sweeps" && path[1]) await sweepPage(view, path[1], alive);
    else if (section === "datasets" && path[1]) await datasetPage(view, path[1], alive);
    else if (section === "datasets") await datasetsPage(view, alive);
    else if (section === "trash") await trashPage(view, alive);
    else fill(view, el("p", { class: "error" }, `No page '${path.join("/")}'. `, el("a", { href: "#/" }, "Go to the runs.")));
  } catch (error) {
    if (alive()) view.append(el("p", { class: "error" }, error.message));
  }

  if (alive()) document.body.dataset.ready = section;
}

window.addEventListener("hashchange", route);
window.addEventListener("popstate", route);
window.addEventListener("DOMContentLoaded", route);
