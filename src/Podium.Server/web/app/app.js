// The router: the part after '#' names the page; each page builds itself from the API.
import { el, fill } from "./dom.js";
import { leaderboardPage } from "./leaderboard.js";
import { runPage } from "./run.js";
import { comparePage } from "./compare.js";
import { datasetsPage, datasetPage } from "./datasets.js";

const page = document.getElementById("page");
let generation = 0;

async function route() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  const mine = ++generation;
  delete document.body.dataset.ready;
  const section = parts[0] ?? "leaderboard";
  for (const a of document.querySelectorAll("nav a")) {
    a.classList.toggle("active", a.dataset.route === (section === "datasets" ? "datasets" : "leaderboard"));
  }

  // A page that finishes loading after the user moved on must not draw over the new one.
  const view = el("div");
  fill(page, view);
  const alive = () => mine === generation;
  try {
    if (section === "leaderboard") await leaderboardPage(view, alive);
    else if (section === "runs" && parts[1]) await runPage(view, parts[1], alive);
    else if (section === "compare" && parts[1]) await comparePage(view, parts[1].split(",").filter(Boolean), alive);
    else if (section === "datasets" && parts[1]) await datasetPage(view, parts[1], alive);
    else if (section === "datasets") await datasetsPage(view, alive);
    else fill(view, el("p", { class: "error" }, `No page '${parts.join("/")}'.`));
  } catch (error) {
    if (alive()) view.append(el("p", { class: "error" }, error.message));
  }

  if (alive()) document.body.dataset.ready = section;
}

window.addEventListener("hashchange", route);
window.addEventListener("DOMContentLoaded", route);
