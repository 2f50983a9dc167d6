// The leaderboard: the server ranks and filters with the query language; the table sorts, filters per
// column and renders only the rows in view, so it stays quick with tens of thousands of runs.
import { el, fill, show, duration } from "./dom.js";
import { get, blob, save, query } from "./api.js";

const state = {
  filter: "",
  bestOfSweep: false,
  columns: null, // null: the server's defaults
  limit: 10000,
};

let refresh = null;

export async function leaderboardPage(view, alive) {
  clearInterval(refresh);
  const available = await get("leaderboard/columns");
  const filter = el("input", { type: "search", id: "filter", value: state.filter, spellcheck: "false",
    placeholder: "metrics.val_accuracy > 0.8 AND params.optimizer = 'adam' ORDER BY metrics.macro_f1 DESC" });
  const bestOfSweep = el("input", { type: "checkbox", id: "best-of-sweep", checked: state.bestOfSweep });
  const status = el("div", { class: "status", id: "status" });
  const problem = el("div");
  const compare = el("button", { id: "compare", disabled: true }, "Compare selected");
  const holder = el("div", { id: "leaderboard" });
  const menu = columnMenu(available, () => load());
  fill(view,
    el("h1", {}, "Leaderboard"),
    el("div", { class: "toolbar" },
      filter,
      el("button", { class: "primary", id: "apply", onclick: () => load() }, "Apply"),
      el("label", {}, bestOfSweep, " best of each sweep"),
      menu,
      compare,
      el("button", { id: "export", onclick: () => exportCsv() }, "Export CSV")),
    problem, status, holder);
  filter.addEventListener("keydown", (event) => { if (event.key === "Enter") load(); });
  bestOfSweep.addEventListener("change", () => load());

  let table = null;
  const parameters = () => ({
    filter: state.filter, best_of_sweep: state.bestOfSweep, limit: state.limit,
    columns: state.columns ? [...new Set([...state.columns, "run_id", "status"])].join(",") : null,
  });

  // The first rows come alone, so the ranking is on screen at once; the rest follow and replace them.
  const firstRows = 500;
  let loads = 0;
  let shownColumns = "";

  async function load() {
    state.filter = filter.value.trim();
    state.bestOfSweep = bestOfSweep.checked;
    const mine = ++loads;
    fill(problem);
    const all = parameters();
    let data;
    try {
      data = await get("leaderboard" + query({ ...all, limit: Math.min(firstRows, state.limit) }));
    } catch (error) {
      fill(problem, el("p", { class: "error", id: "query-error" }, error.message));
      return;
    }

    if (!alive() || mine !== loads) return;
    // The rest is asked for once the first rows are drawn, so the server and the browser do not
    // compete for the same cores while the user waits for the first screen.
    await display(data, data.matching > data.rows.length && state.limit > firstRows);
    if (data.matching > data.rows.length && state.limit > firstRows && alive() && mine === loads) {
      try {
        const rest = await get("leaderboard" + query(all));
        if (alive() && mine === loads) display(rest, false);
      } catch (error) {
        fill(problem, el("p", { class: "error" }, error.message));
      }
    }
  }

  function display(data, partial) {
    fill(status, `${data.rows.length} of ${data.matching} runs · ${data.query}`, partial ? " · loading the rest…" : "");
    const shown = state.columns ?? data.columns;
    const numeric = data.columns.map((name) => data.rows.some((row) => typeof row[name] === "number"));
    const names = JSON.stringify([data.columns, shown, numeric]);
    // Columns are built when they change, with widths from the rows at hand: Tabulator measuring
    // every column itself takes most of a second with thirty columns.
    const columns = () => {
      const measure = widths(holder, data.rows.slice(0, 200));
      return [
        { formatter: "rowSelection", titleFormatter: "rowSelection", hozAlign: "center", headerSort: false, width: 40, frozen: true },
        ...data.columns.map((name, i) => column(name, numeric[i], shown.includes(name), measure(name))),
      ];
    };
    // Marks for the benchmark: when the first rows, and then all of them, are in the table.
    let drawn;
    const drawing = new Promise((resolve) => { drawn = resolve; });
    const mark = () => { performance.mark(partial ? "podium:first-rows" : "podium:all-rows"); drawn(); };
    if (table) {
      if (names !== shownColumns) table.setColumns(columns());
      table.replaceData(data.rows).then(mark);
    } else {
      table = new Tabulator(holder, {
        data: data.rows, columns: columns(), maxHeight: "72vh", layout: "fitDataStretch", index: "run_id",
        nestedFieldSeparator: false, renderVertical: "virtual", selectableRows: true,
        placeholder: "No runs match.",
      });
      table.on("rowSelectionChanged", (rows) => {
        compare.disabled = rows.length < 2;
      });
      table.on("tableBuilt", mark);
    }

    shownColumns = names;
    holder.dataset.complete = String(!partial);
    if (!partial) live(data);
    return drawing;
  }

  // Running runs change: fetch again every few seconds while any is running.
  function live(data) {
    clearInterval(refresh);
    if (!data.rows.some((row) => row.status === "running")) return;
    refresh = setInterval(async () => {
      if (!alive()) { clearInterval(refresh); return; }
      try {
        const again = await get("leaderboard" + query(parameters()));
        table.updateOrAddData(again.rows);
        fill(status, `${again.rows.length} of ${again.matching} runs · ${again.query} · live`);
        if (!again.rows.some((row) => row.status === "running")) clearInterval(refresh);
      } catch {
        // keep the last rows on a failed refresh
      }
    }, 3000);
  }

  compare.addEventListener("click", () => {
    const ids = table.getSelectedData().map((row) => row.run_id);
    location.hash = "#/compare/" + ids.map(encodeURIComponent).join(",");
  });

  async function exportCsv() {
    save(await blob("leaderboard" + query({ ...parameters(), format: "csv" })), "leaderboard.csv");
  }

  function columnMenu(names, changed) {
    const box = el("div", { class: "menu", hidden: true });
    const chosen = new Set(state.columns ?? names);
    for (const name of names) {
      const check = el("input", { type: "checkbox", checked: chosen.has(name), value: name });
      check.addEventListener("change", () => {
        if (check.checked) chosen.add(name); else chosen.delete(name);
        state.columns = names.filter((n) => chosen.has(n)).concat([...chosen].filter((n) => !names.includes(n)));
        changed();
      });
      box.append(el("label", {}, check, " ", name));
    }

    const extra = el("input", { type: "text", placeholder: "add: metrics.loss, params.seed", size: 24 });
    extra.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || !extra.value.trim()) return;
      for (const name of extra.value.split(",").map((n) => n.trim()).filter(Boolean)) chosen.add(name);
      state.columns = names.filter((n) => chosen.has(n)).concat([...chosen].filter((n) => !names.includes(n)));
      extra.value = "";
      changed();
    });
    box.append(extra);
    const toggle = el("button", { id: "columns", onclick: () => { box.hidden = !box.hidden; } }, "Columns");
    return el("div", { class: "columns" }, toggle, box);
  }

  await load();
}

function column(name, numeric, visible, width) {
  return {
    title: name, field: name, visible, width,
    titleFormatter: () => document.createTextNode(name),
    sorter: numeric ? "number" : "string",
    hozAlign: numeric ? "right" : "left",
    headerFilter: "input", headerFilterPlaceholder: "filter",
    headerFilterFunc: numeric ? numberFilter : "like",
    formatter: (cell) => format(name, cell.getValue(), cell.getRow().getData()),
  };
}

// Each column's width in pixels: its widest text among the header and the sampled rows, in the table's font.
function widths(holder, sample) {
  const context = document.createElement("canvas").getContext("2d");
  context.font = getComputedStyle(holder).font;
  return (name) => {
    let widest = context.measureText(name).width + 28; // room for the sort arrow
    for (const row of sample) {
      widest = Math.max(widest, context.measureText(displayed(name, row[name])).width);
    }
    return Math.round(Math.min(360, Math.max(56, widest + (name === "status" ? 30 : 18))));
  };
}

// The text a cell shows.
function displayed(name, value) {
  if (name === "run_id" && value) return value.slice(0, 8);
  if (name === "duration_s" && typeof value === "number") return duration(value);
  return show(value);
}

// A number column's filter: "> 0.8", "<= 10", "= 64", or a plain number for equality.
function numberFilter(text, value) {
  const match = /^\s*(<=|>=|<|>|=|!=)?\s*(-?[\d.]+(?:e-?\d+)?)\s*$/i.exec(text);
  if (!match) return true;
  const limit = Number(match[2]);
  if (value === null || value === undefined) return false;
  switch (match[1] ?? "=") {
    case "<": return value < limit;
    case "<=": return value <= limit;
    case ">": return value > limit;
    case ">=": return value >= limit;
    case "!=": return value !== limit;
    default: return value === limit;
  }
}

function format(name, value, row) {
  if (name === "run" && row.run_id) return el("a", { href: "#/runs/" + encodeURIComponent(row.run_id) }, show(value));
  if (name === "run_id" && value) return el("a", { href: "#/runs/" + encodeURIComponent(value) }, displayed(name, value));
  if (name === "status" && value) return el("span", { class: "badge " + value }, value);
  return document.createTextNode(displayed(name, value));
}
