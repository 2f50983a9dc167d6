// The leaderboard: the server ranks, sorts and filters with the query language and answers a page of
// rows at a time; the table asks for the next page as the user scrolls and renders only the rows in view,
// so the page is ready at once however many runs the store holds.
import { el, fill, show, duration } from "./dom.js";
import { get, blob, save, query } from "./api.js";

const state = {
  filter: "",
  bestOfSweep: false,
  columns: null, // null: the server's defaults
};

// Rows per request: a few screens, so scrolling rarely waits for the next page.
const pageSize = 200;

let refresh = null;

// The leaderboard's URL: the page's filter, scope and columns, then the table's sorts and column filters
// (as order_by and where), and which rows.
const address = (refined = {}, rows = {}) => "leaderboard" + query({
  filter: state.filter, best_of_sweep: state.bestOfSweep,
  columns: state.columns ? [...new Set([...state.columns, "run_id", "status"])].join(",") : null,
  ...refined, ...rows,
});

export async function leaderboardPage(view, alive) {
  clearInterval(refresh);
  // The first page is asked for at once, beside the list of columns, not after it.
  const opening = get(address({}, { limit: pageSize }));
  opening.catch(() => {}); // its failure is reported by load()
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
  let fields = {};   // column → the query field it sorts and filters by (none for rank, per-class scores, …)
  let numeric = {};  // column → whether it holds numbers
  let pending = null; // a first page already fetched, for the table's next request of page 1
  let loads = 0;
  let shownColumns = "";
  let last = null;    // the last page answered: its query, matching count and rows loaded so far

  // The table's header sorts and filters, as ORDER BY terms and a further filter in the query language.
  function refinement(sorters = [], filters = []) {
    const orderBy = sorters.filter((s) => fields[s.field])
      .map((s) => `${fields[s.field]} ${s.dir === "desc" ? "DESC" : "ASC"}`).join(", ");
    const where = filters.map((f) => clause(f.field, f.value)).filter(Boolean).join(" AND ");
    return { order_by: orderBy, where };
  }

  function clause(name, text) {
    const field = fields[name];
    if (!field || text === null || text === undefined || String(text).trim() === "") return null;
    if (numeric[name]) {
      const match = /^\s*(<=|>=|<|>|=|!=)?\s*(-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*$/i.exec(text);
      if (!match) throw new Error(`the ${name} filter takes a number, with a comparison if you like: > 0.8, <= 10, != 3`);
      return `${field} ${match[1] ?? "="} ${match[2]}`;
    }
    return `${field} ILIKE '%${String(text).trim().replaceAll("'", "''")}%'`;
  }

  const currentRefinement = () => table
    ? refinement(table.getSorters().map((s) => ({ field: s.field, dir: s.dir })), table.getHeaderFilters())
    : refinement();

  function report(data) {
    const loaded = data.offset + data.rows.length;
    last = { query: data.query, matching: data.matching, loaded };
    fill(status, `${loaded} of ${data.matching} runs · ${data.query}`, loaded < data.matching ? " · scroll for more" : "");
  }

  // Tabulator asks for page 1 when it starts, sorts or filters, and for the next page as the user scrolls.
  async function request(params) {
    const page = params.page ?? 1;
    let data = page === 1 ? pending : null;
    pending = null;
    if (!data) {
      try {
        fill(problem);
        data = await get(address(refinement(params.sort, params.filter), { limit: pageSize, offset: (page - 1) * pageSize }));
      } catch (error) {
        // Keep the rows on screen and say what is wrong: a column filter the query language refuses, say.
        fill(problem, el("p", { class: "error", id: "query-error" }, error.message));
        return { last_page: 1, data: page === 1 && table ? table.getData() : [] };
      }
    }

    report(data);
    if (page === 1) requestAnimationFrame(() => performance.mark("podium:first-rows"));
    holder.dataset.loaded = String(last.loaded);
    return { last_page: Math.max(1, Math.ceil(data.matching / pageSize)), data: data.rows };
  }

  // A new filter, scope or set of columns: the first page is fetched here, to build the columns from its rows.
  async function load(opened = null) {
    state.filter = filter.value.trim();
    state.bestOfSweep = bestOfSweep.checked;
    const mine = ++loads;
    fill(problem);
    let data;
    try {
      data = await (opened ?? get(address(currentRefinement(), { limit: pageSize })));
    } catch (error) {
      fill(problem, el("p", { class: "error", id: "query-error" }, error.message));
      return;
    }

    if (!alive() || mine !== loads) return;
    fields = data.fields ?? {};
    const shown = state.columns ?? data.columns;
    const kinds = data.columns.map((name) => data.rows.some((row) => typeof row[name] === "number") || (fields[name] ?? "").startsWith("metrics."));
    numeric = Object.fromEntries(data.columns.map((name, i) => [name, kinds[i]]));
    const names = JSON.stringify([data.columns, shown, kinds]);
    // Columns are built when they change, with widths from the rows at hand: Tabulator measuring
    // every column itself takes most of a second with thirty columns.
    const columns = () => {
      const measure = widths(holder, data.rows);
      return [
        { formatter: "rowSelection", titleFormatter: "rowSelection", hozAlign: "center", headerSort: false, width: 40, frozen: true },
        ...data.columns.map((name) => column(name, numeric[name], shown.includes(name), measure(name), Boolean(fields[name]))),
      ];
    };

    pending = data;
    if (!table) {
      table = new Tabulator(holder, {
        columns: columns(), maxHeight: "72vh", layout: "fitDataStretch", index: "run_id",
        nestedFieldSeparator: false, renderVertical: "virtual", selectableRows: true,
        placeholder: "No runs match.",
        ajaxURL: "leaderboard", ajaxRequestFunc: (url, config, params) => request(params),
        progressiveLoad: "scroll", paginationSize: pageSize, sortMode: "remote", filterMode: "remote",
        dataLoaderLoading: "Loading…",
      });
      table.on("rowSelectionChanged", (rows) => {
        compare.disabled = rows.length < 2;
      });
    } else {
      if (names !== shownColumns) table.setColumns(columns());
      table.setData();
    }

    shownColumns = names;
    live();
  }

  // Running runs change: while any loaded row is running, its values are fetched again every few seconds.
  function live() {
    clearInterval(refresh);
    refresh = setInterval(async () => {
      if (!alive()) { clearInterval(refresh); return; }
      if (!table || !last || !table.getData().some((row) => row.status === "running")) return;
      try {
        const again = await get(address(currentRefinement(), { limit: Math.max(pageSize, last.loaded) }));
        const ids = table.getData().map((row) => row.run_id);
        const same = again.rows.length >= ids.length && ids.every((id, i) => again.rows[i].run_id === id);
        if (same || last.loaded > pageSize) {
          // In place: rows keep their positions while the user reads further down.
          table.updateData(again.rows.filter((row) => table.getRow(row.run_id)));
          fill(status, `${last.loaded} of ${again.matching} runs · ${again.query} · live`);
        } else {
          table.setData(); // the ranking changed near the top: read the first page again
        }
      } catch {
        // keep the last rows on a failed refresh
      }
    }, 3000);
  }

  compare.addEventListener("click", () => {
    const ids = table.getSelectedData().map((row) => row.run_id);
    location.hash = "#/compare/" + ids.map(encodeURIComponent).join(",");
  });

  // Every matching run, in the table's order and with its column filters, not only the rows loaded so far.
  async function exportCsv() {
    try {
      save(await blob(address(currentRefinement(), { limit: 100000, format: "csv" })), "leaderboard.csv");
    } catch (error) {
      fill(problem, el("p", { class: "error" }, error.message));
    }
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

  await load(opening);
}

// A column sorts and filters on the server when it has a query field; the filter is a number with an
// optional comparison (> 0.8) for numbers, and a case-insensitive substring for text.
function column(name, numeric, visible, width, queryable) {
  return {
    title: name, field: name, visible, width,
    titleFormatter: () => document.createTextNode(name),
    headerSort: queryable,
    hozAlign: numeric ? "right" : "left",
    headerFilter: queryable ? "input" : false, headerFilterPlaceholder: numeric ? "> 0.8" : "filter",
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
  if (name === "duration" && typeof value === "number") return duration(value);
  if (name === "augmentations" && value && typeof value === "object" && Object.keys(value).length === 0) return "none";
  if ((name === "precision" || name === "recall") && value && typeof value === "object") {
    return Object.entries(value).map(([c, v]) => `${c} ${show(v)}`).join(", ");
  }
  return show(value);
}

function format(name, value, row) {
  if (name === "run" && row.run_id) return el("a", { href: "#/runs/" + encodeURIComponent(row.run_id) }, show(value));
  if (name === "run_id" && value) return el("a", { href: "#/runs/" + encodeURIComponent(value) }, displayed(name, value));
  if (name === "status" && value) return el("span", { class: "badge " + value }, value);
  return document.createTextNode(displayed(name, value));
}
