// The leaderboard: experiments on the left; the server ranks, sorts and filters with the query language and answers
// one page of rows at a time. Everything the user sets — experiment, filter, sort, column filters, columns,
// selection, page — is in the address, so a view survives reload and Back and can be shared.
import { el, fill, show, duration, shortId, number } from "./dom.js";
import { get, blob, save, query } from "./api.js";
import { record, go } from "./url.js";

// Rows per page.
const pageSize = 50;

// Query fields of the columns, learnt from the first answer (a column filter in the address needs them).
let knownFields = null;
let refresh = null;

/** The view's state as the address holds it. */
function stateOf(params) {
  let filters = {};
  try { filters = JSON.parse(params.get("cf") ?? "{}") ?? {}; } catch { filters = {}; }
  return {
    experiment: params.get("experiment") ?? "",
    filter: params.get("filter") ?? "",
    best: params.get("best") === "1",
    order: params.get("order") ?? "",
    filters: typeof filters === "object" && !Array.isArray(filters) ? filters : {},
    columns: params.get("columns") ? params.get("columns").split(",").filter(Boolean) : null,
    page: Math.max(1, Number.parseInt(params.get("page") ?? "1", 10) || 1),
    selected: params.get("selected") ? params.get("selected").split(",").filter(Boolean) : [],
  };
}

function paramsOf(state) {
  return {
    experiment: state.experiment, filter: state.filter, best: state.best ? "1" : "", order: state.order,
    cf: Object.keys(state.filters).length ? JSON.stringify(state.filters) : "",
    columns: state.columns, page: state.page > 1 ? state.page : "", selected: state.selected,
  };
}

export async function leaderboardPage(view, params, alive) {
  clearInterval(refresh);
  const state = stateOf(params);
  const selected = new Set(state.selected);
  const save_ = (replace = false) => record([], paramsOf({ ...state, selected: [...selected] }), { replace });

  const experiments = get("experiments/overview");
  experiments.catch(() => {});
  if (Object.keys(state.filters).length && !knownFields) {
    knownFields = (await get("leaderboard" + query({ limit: 1, columns: state.columns?.join(",") }))).fields ?? {};
  }

  // The first page is asked for at once, beside the experiments, not after them.
  const opening = get(address(state, { limit: pageSize, offset: (state.page - 1) * pageSize }, refinementOf(state, knownFields ?? {})));
  opening.catch(() => {});

  const filter = el("input", { type: "search", id: "filter", value: state.filter, spellcheck: "false", "aria-label": "filter runs",
    placeholder: "metrics.val_accuracy > 0.8 AND params.optimizer = 'adam' ORDER BY metrics.f1_macro DESC" });
  const best = el("input", { type: "checkbox", id: "best-of-sweep", checked: state.best });
  const status = el("div", { class: "status", id: "status" });
  const problem = el("div");
  const chosen = el("span", { id: "chosen", class: "status" });
  const chartButton = el("button", { id: "chart-selected", disabled: true, title: "the selected runs' curves, overlaid" }, "Chart selected");
  const compareButton = el("button", { id: "compare", disabled: true, title: "the selected runs side by side" }, "Compare selected");
  const clear = el("button", { id: "clear-selection", class: "quiet", hidden: true }, "Clear");
  const holder = el("div", { id: "leaderboard", tabindex: "0", "aria-label": "runs; arrow keys move, Enter opens, x selects" });
  const sidebar = el("aside", { class: "sidebar", id: "experiments" }, el("h2", {}, "Experiments"), el("p", { class: "status" }, "loading…"));
  const main = el("div", { class: "board" },
    el("div", { class: "toolbar" },
      filter,
      el("button", { class: "primary", id: "apply", onclick: () => apply() }, "Apply"),
      el("label", { class: "check" }, best, " best of each sweep"),
      el("span", { id: "column-menu" })),
    el("div", { class: "toolbar" }, chosen, chartButton, compareButton, clear,
      el("span", { class: "spacer" }),
      el("button", { id: "export", onclick: () => exportCsv() }, "Export CSV")),
    problem, status, holder);
  fill(view, el("div", { class: "with-sidebar" }, sidebar, main));
  filter.addEventListener("keydown", (event) => { if (event.key === "Enter") apply(); });
  best.addEventListener("change", () => apply());

  experiments.then((list) => { if (alive()) drawExperiments(sidebar, list, state); }).catch((error) => fill(sidebar, el("p", { class: "error" }, error.message)));

  function apply() {
    state.filter = filter.value.trim();
    state.best = best.checked;
    state.page = 1;
    save_();
    load();
  }

  function showSelection() {
    const n = selected.size;
    fill(chosen, n ? `${n} selected` : "Select runs to chart or compare them");
    chartButton.disabled = n < 1;
    compareButton.disabled = n < 2;
    clear.hidden = n === 0;
  }
  showSelection();
  chartButton.addEventListener("click", () => go(["charts"], { runs: [...selected] }));
  compareButton.addEventListener("click", () => go(["compare"], { runs: [...selected] }));
  clear.addEventListener("click", () => {
    selected.clear();
    table?.getRows().forEach((row) => row.reformat());
    showSelection();
    save_(true);
  });

  let table = null;
  let fields = {};
  let numeric = {};
  let last = null;
  let shownColumns = "";
  let pending = null;
  let loads = 0;

  function report(data) {
    last = data;
    const from = data.offset + 1, to = data.offset + data.rows.length;
    fill(status, data.matching === 0 ? `0 runs · ${data.query}` : `${from}–${to} of ${data.matching} runs · ${data.query}`);
  }

  // Tabulator asks for a page when it starts, pages, sorts or filters; each answer goes in the address.
  async function request(params) {
    const page = params.page ?? 1;
    let data = pending;
    pending = null;
    let refined = null;
    if (!data) {
      try {
        fill(problem);
        refined = refinement(params.sort ?? [], params.filter ?? []);
        data = await get(address(state, { limit: pageSize, offset: (page - 1) * pageSize }, refined));
      } catch (error) {
        fill(problem, el("p", { class: "error", id: "query-error" }, error.message));
        return { last_page: Math.max(1, Math.ceil((last?.matching ?? 0) / pageSize)), data: table ? table.getData() : [] };
      }
      state.order = refined.order_by;
      state.filters = Object.fromEntries((params.filter ?? []).filter((f) => String(f.value ?? "").trim()).map((f) => [f.field, String(f.value)]));
      state.page = page;
      save_();
    }

    report(data);
    requestAnimationFrame(() => performance.mark("podium:first-rows"));
    holder.dataset.loaded = String(data.offset + data.rows.length);
    return { last_page: Math.max(1, Math.ceil(data.matching / pageSize)), data: data.rows };
  }

  function refinement(sorters, filters) {
    const orderBy = sorters.filter((s) => fields[s.field]).map((s) => `${fields[s.field]} ${s.dir === "desc" ? "DESC" : "ASC"}`).join(", ");
    const where = filters.map((f) => clause(fields, f.field, f.value, numeric[f.field])).filter(Boolean).join(" AND ");
    return { order_by: orderBy, where };
  }

  async function load(opened = null) {
    const mine = ++loads;
    fill(problem);
    let data;
    try {
      data = await (opened ?? get(address(state, { limit: pageSize }, refinementOf(state, knownFields ?? fields))));
    } catch (error) {
      fill(problem, el("p", { class: "error", id: "query-error" }, error.message));
      if (!table) fill(status);
      return;
    }

    if (!alive() || mine !== loads) return;
    fields = data.fields ?? {};
    knownFields = { ...(knownFields ?? {}), ...fields };
    if (data.matching === 0 && !state.filter && !state.experiment && !Object.keys(state.filters).length && data.offset === 0) {
      fill(holder, empty());
      fill(status);
      return;
    }

    const shown = state.columns ?? data.columns;
    numeric = Object.fromEntries(data.columns.map((name) => [name, data.rows.some((row) => typeof row[name] === "number") || (fields[name] ?? "").startsWith("metrics.")]));
    drawColumnMenu(data.columns);
    const names = JSON.stringify([data.columns, shown, numeric]);
    const columns = () => {
      const measure = widths(holder, data.rows);
      return [
        { title: "", field: "__select", formatter: (cell) => selectBox(cell.getRow().getData().run_id), headerSort: false, width: 36, frozen: true, hozAlign: "center" },
        ...data.columns.map((name) => column(name, numeric[name], shown.includes(name), measure(name), Boolean(fields[name]), state, fields)),
      ];
    };

    pending = data;
    if (!table) {
      table = new Tabulator(holder, {
        columns: columns(), layout: "fitDataStretch", index: "run_id", height: "min(70vh, 1560px)",
        nestedFieldSeparator: false, renderVertical: "virtual",
        placeholder: "No runs match. Clear the filter, or pick another experiment.",
        ajaxURL: "leaderboard", ajaxRequestFunc: (url, config, params) => request(params),
        pagination: true, paginationMode: "remote", paginationSize: pageSize, paginationInitialPage: state.page,
        paginationCounter: (size, current, page, total, pages) => `page ${page} of ${pages}`,
        sortMode: "remote", filterMode: "remote", headerFilterLiveFilterDelay: 400,
        initialSort: sortersOf(state.order, fields), initialHeaderFilter: Object.entries(state.filters).map(([field, value]) => ({ field, value })),
        dataLoaderLoading: "Loading…",
      });
      table.on("rowClick", (event, row) => {
        if (event.target.closest("a, input, summary, details")) return;
        focusRow(table.getRows("active").indexOf(row));
      });
    } else {
      if (names !== shownColumns) table.setColumns(columns());
      table.setData();
    }

    shownColumns = names;
    live();
  }

  function selectBox(id) {
    const box = el("input", { type: "checkbox", checked: selected.has(id), "aria-label": "select run " + id, tabindex: "-1" });
    box.addEventListener("change", () => {
      if (box.checked) selected.add(id); else selected.delete(id);
      showSelection();
      save_(true);
    });
    return box;
  }

  // Keyboard: ↑/↓ (or k/j) move between rows, Enter opens the run, x or Space selects it.
  let focused = -1;
  function focusRow(index) {
    const rows = table?.getRows("active") ?? [];
    if (rows.length === 0) return;
    focused = Math.max(0, Math.min(rows.length - 1, index));
    for (const row of rows) row.getElement().classList.remove("focused");
    const row = rows[focused];
    row.getElement().classList.add("focused");
    table.scrollToRow(row, "nearest", false);
    holder.dataset.focused = row.getData().run_id;
  }
  holder.addEventListener("keydown", (event) => {
    if (event.target.closest("input, textarea, select") && event.target !== holder) return;
    const rows = table?.getRows("active") ?? [];
    if (event.key === "ArrowDown" || event.key === "j") { focusRow(focused + 1); event.preventDefault(); }
    else if (event.key === "ArrowUp" || event.key === "k") { focusRow(focused - 1); event.preventDefault(); }
    else if (event.key === "Enter" && rows[focused]) go(["runs", rows[focused].getData().run_id]);
    else if ((event.key === "x" || event.key === " ") && rows[focused]) {
      const id = rows[focused].getData().run_id;
      if (selected.has(id)) selected.delete(id); else selected.add(id);
      rows[focused].reformat();
      showSelection();
      save_(true);
      event.preventDefault();
    }
  });

  // Running runs change: while any row shown is running, the page is fetched again every few seconds.
  function live() {
    clearInterval(refresh);
    refresh = setInterval(async () => {
      if (!alive()) { clearInterval(refresh); return; }
      if (!table || !last || !table.getData().some((row) => row.status === "running")) return;
      try {
        const again = await get(address(state, { limit: pageSize, offset: last.offset }, refinementOf(state, fields)));
        table.updateData(again.rows.filter((row) => table.getRow(row.run_id)));
        fill(status, `${last.offset + 1}–${last.offset + again.rows.length} of ${again.matching} runs · ${again.query} · live`);
      } catch {
        // keep the last rows on a failed refresh
      }
    }, 3000);
  }

  async function exportCsv() {
    try {
      save(await blob(address(state, { limit: 100000, format: "csv" }, refinementOf(state, fields))), "leaderboard.csv");
    } catch (error) {
      fill(problem, el("p", { class: "error" }, error.message));
    }
  }

  let menuDrawn = false;
  function drawColumnMenu(names) {
    if (menuDrawn) return;
    menuDrawn = true;
    const box = el("div", { class: "menu", hidden: true });
    const chosenColumns = new Set(state.columns ?? names);
    const changed = () => {
      state.columns = names.filter((n) => chosenColumns.has(n)).concat([...chosenColumns].filter((n) => !names.includes(n)));
      save_();
      load();
    };
    for (const name of names) {
      const check = el("input", { type: "checkbox", checked: chosenColumns.has(name), value: name });
      check.addEventListener("change", () => {
        if (check.checked) chosenColumns.add(name); else chosenColumns.delete(name);
        changed();
      });
      box.append(el("label", {}, check, " ", name));
    }

    const extra = el("input", { type: "text", placeholder: "add: metrics.loss, params.seed", size: 24 });
    extra.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || !extra.value.trim()) return;
      for (const name of extra.value.split(",").map((n) => n.trim()).filter(Boolean)) chosenColumns.add(name);
      extra.value = "";
      changed();
    });
    box.append(extra);
    const toggle = el("button", { id: "columns", onclick: () => { box.hidden = !box.hidden; } }, "Columns");
    fill(document.getElementById("column-menu") ?? el("span"), el("div", { class: "columns" }, toggle, box));
  }

  await load(opening);
}

// The API address of a page of rows.
function address(state, rows, refined) {
  return "leaderboard" + query({
    filter: state.filter, best_of_sweep: state.best, experiment: state.experiment,
    columns: state.columns ? [...new Set([...state.columns, "run_id", "status"])].join(",") : null,
    ...refined, ...rows,
  });
}

// The address's sort and column filters as the API's order_by and where.
function refinementOf(state, fields) {
  const where = Object.entries(state.filters).map(([name, text]) => clause(fields, name, text, (fields[name] ?? "").startsWith("metrics."))).filter(Boolean).join(" AND ");
  return { order_by: state.order, where };
}

// Tabulator's initial sorters from an order_by ("metrics.val_accuracy ASC").
function sortersOf(order, fields) {
  if (!order) return [];
  const byField = Object.fromEntries(Object.entries(fields).map(([column, field]) => [field, column]));
  return order.split(",").map((term) => term.trim().split(/\s+/)).filter(([field]) => byField[field])
    .map(([field, dir]) => ({ column: byField[field], dir: (dir ?? "ASC").toUpperCase() === "DESC" ? "desc" : "asc" }));
}

// A column filter as the query language: a number with an optional comparison (> 0.8), else a substring.
function clause(fields, name, text, isNumeric) {
  const field = fields[name];
  if (!field || text === null || text === undefined || String(text).trim() === "") return null;
  const match = /^\s*(<=|>=|<|>|=|!=)?\s*(-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*$/i.exec(text);
  if (match && (isNumeric || !field.startsWith("attributes."))) return `${field} ${match[1] ?? "="} ${match[2]}`;
  if (isNumeric) throw new Error(`the ${name} filter takes a number, with a comparison if you like: > 0.8, <= 10, != 3`);
  return `${field} ILIKE '%${String(text).trim().replaceAll("'", "''")}%'`;
}

function drawExperiments(sidebar, list, state) {
  const total = list.reduce((n, e) => n + e.runs, 0);
  const entry = (name, label, count, running) => el("li", {},
    el("a", { href: "#/" + (name ? "?experiment=" + encodeURIComponent(name) : ""), class: state.experiment === name ? "active" : null, "data-experiment": name },
      el("span", { class: "name" }, label),
      running ? el("span", { class: "live", title: `${running} running` }, "●") : null,
      el("span", { class: "count" }, String(count))));
  fill(sidebar, el("h2", {}, "Experiments"),
    el("ul", {}, entry("", "All runs", total, list.reduce((n, e) => n + e.running, 0)), list.map((e) => entry(e.name, e.name, e.runs, e.running))));
}

function empty() {
  return el("div", { class: "empty", id: "empty" },
    el("h2", {}, "No runs yet"),
    el("p", {}, "Podium ranks the runs you train. To see it with runs in it, train a few in a terminal:"),
    el("pre", {}, "podium demo            # trains a small sweep on Fashion-MNIST\npodium run SPEC.yaml   # trains the model a spec describes"),
    el("p", {}, "They appear here as they train; this page updates by itself."));
}

// A column sorts and filters on the server when it has a query field.
function column(name, numeric, visible, width, queryable) {
  return {
    title: name, field: name, visible, width,
    titleFormatter: () => document.createTextNode(name),
    headerSort: queryable, headerSortStartingDir: numeric ? "desc" : "asc",
    hozAlign: numeric ? "right" : "left",
    headerFilter: queryable ? "input" : false, headerFilterPlaceholder: numeric ? "> 0.8" : "filter",
    formatter: (cell) => format(name, cell.getValue(), cell.getRow().getData()),
    tooltip: name === "rank" ? "place in the ranking, whatever the sort" : undefined,
    variableHeight: name === "precision" || name === "recall",
  };
}

// Each column's width in pixels: its widest text among the header and the sampled rows, in the table's font.
function widths(holder, sample) {
  const context = document.createElement("canvas").getContext("2d");
  context.font = getComputedStyle(holder).font;
  return (name) => {
    let widest = context.measureText(name).width + 28;
    for (const row of sample) widest = Math.max(widest, context.measureText(displayed(name, row[name])).width);
    return Math.round(Math.min(300, Math.max(56, widest + (name === "status" ? 30 : 18))));
  };
}

function displayed(name, value) {
  if (name === "run_id" && value) return shortId(value);
  if (name === "duration" && typeof value === "number") return duration(value);
  if (name === "augmentations" && value && typeof value === "object" && Object.keys(value).length === 0) return "none";
  if (perClass(value)) return summary(value);
  return show(value);
}

const perClass = (value) => value && typeof value === "object" && !Array.isArray(value) && Object.values(value).every((v) => typeof v === "number");
const summary = (value) => {
  const values = Object.values(value);
  return `${values.length} classes · mean ${number(values.reduce((a, b) => a + b, 0) / Math.max(1, values.length))}`;
};

function format(name, value, row) {
  if (name === "run" && row.run_id) return el("a", { href: "#/runs/" + encodeURIComponent(row.run_id) }, show(value));
  if (name === "run_id" && value) return el("a", { href: "#/runs/" + encodeURIComponent(value), class: "mono" }, displayed(name, value));
  if (name === "status" && value) return el("span", { class: "badge " + value }, value);
  if (perClass(value)) {
    // Collapsed to a mean; opened, one class per line.
    return el("details", { class: "per-class" }, el("summary", {}, summary(value)),
      el("table", {}, Object.entries(value).map(([c, v]) => el("tr", {}, el("td", {}, c), el("td", { class: "num" }, number(v))))));
  }
  return document.createTextNode(displayed(name, value));
}
