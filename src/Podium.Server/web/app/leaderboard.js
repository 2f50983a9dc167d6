// The leaderboard: experiments on the left; the server ranks, sorts and filters with the query language and answers
// one page of rows at a time. Everything the user sets — experiment, filter, sort, column filters, columns,
// selection, page — is in the address, so a view survives reload and Back and can be shared.
import { el, fill, show, duration, shortId, number } from "./dom.js";
import { get, blob, save, query } from "./api.js";
import { record, go, address as address_ } from "./url.js";

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

  if (Object.keys(state.filters).length && !knownFields) {
    knownFields = (await get("leaderboard" + query({ limit: 1, columns: state.columns?.join(",") }))).fields ?? {};
  }

  // The first page is asked for at once.
  const opening = get(address(state, { limit: pageSize, offset: (state.page - 1) * pageSize }, refinementOf(state, knownFields ?? {})));
  opening.catch(() => {});
  // The sidebar's lists are asked for once the first page is in: the server answers that alone, first.
  const afterOpening = opening.catch(() => null);
  const experiments = afterOpening.then(() => get("experiments/overview"));
  experiments.catch(() => {});
  const inExperiment = state.experiment ? ` AND attributes.experiment = '${state.experiment.replaceAll("'", "''")}'` : "";
  const sweeps = afterOpening.then(() => get("runs" + query({ filter: `tags.podium.sweep IS NOT NULL${inExperiment} ORDER BY attributes.start_time DESC`, limit: 20 })));
  sweeps.catch(() => {});

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
      el("button", { id: "save-view", title: "keep this view (experiment, filter, sort, columns) in the sidebar", onclick: (event) => saveView(event.currentTarget) }, "Save view"),
      el("button", { id: "export", onclick: () => exportCsv() }, "Export CSV")),
    problem, status, holder);
  fill(view, el("div", { class: "with-sidebar" }, sidebar, main));
  filter.addEventListener("keydown", (event) => { if (event.key === "Enter") apply(); });
  best.addEventListener("change", () => apply());

  const drawSidebar = () => Promise.all([experiments, sweeps.catch(() => ({ runs: [] }))])
    .then(([list, found]) => { if (alive()) drawExperiments(sidebar, list, found.runs, state, drawSidebar); });
  drawSidebar()
    .catch((error) => fill(sidebar, el("p", { class: "error" }, error.message)));

  // A saved view: the address without the selection and page, under a name, in this browser.
  function saveView(anchor) {
    document.getElementById("inline-editor")?.remove();
    const input = el("input", { type: "text", "aria-label": "name of the view", placeholder: "name of the view", value: state.filter || state.experiment || "my view" });
    const form = el("form", { id: "inline-editor", class: "inline" }, input, el("button", { class: "primary", type: "submit" }, "Save"),
      el("button", { type: "button", onclick: () => form.remove() }, "Cancel"));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const name = input.value.trim();
      if (!name) return;
      const views = savedViews().filter((v) => v.name !== name);
      views.push({ name, address: address_([], paramsOf({ ...state, page: 1, selected: [] })) });
      localStorage.setItem(viewsKey, JSON.stringify(views));
      form.remove();
      drawSidebar();
    });
    anchor.closest(".toolbar").after(form);
    input.focus();
    input.select();
  }

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
    for (const box of holder.querySelectorAll("tbody input[type=checkbox]")) box.checked = false;
    showSelection();
    save_(true);
  });

  let fields = {};
  let numeric = {};
  let columns = [];   // the columns shown
  let last = null;    // the last page answered
  let loads = 0;
  let timer = null;
  const inputs = {};  // column → its filter box
  const table = el("table", { class: "board-table" });
  const head = el("thead");
  const body = el("tbody");
  const pager = el("div", { class: "pager", id: "pager" });
  table.append(head, body);
  fill(holder, el("div", { class: "board-scroll" }, table));
  holder.after(pager);

  function report(data) {
    last = data;
    const from = data.offset + 1, to = data.offset + data.rows.length;
    fill(status, data.matching === 0 ? `0 runs · ${data.query}` : `${from}–${to} of ${data.matching} runs · ${data.query}`);
  }

  // The page the state names: fetched, then drawn; a refused filter or order says why and keeps the rows.
  async function load(opened = null, { record: recorded = false } = {}) {
    const mine = ++loads;
    fill(problem);
    let data;
    try {
      data = await (opened ?? get(address(state, { limit: pageSize, offset: (state.page - 1) * pageSize }, refinementOf(state, { ...(knownFields ?? {}), ...fields }))));
    } catch (error) {
      fill(problem, el("p", { class: "error", id: "query-error" }, error.message));
      return;
    }

    if (!alive() || mine !== loads) return;
    if (data.rows.length === 0 && data.matching > 0 && state.page > 1) {
      // A page past the end (an old link, runs deleted since): the last page instead.
      state.page = Math.max(1, Math.ceil(data.matching / pageSize));
      save_(true);
      load();
      return;
    }
    if (recorded) save_();
    fields = data.fields ?? {};
    knownFields = { ...(knownFields ?? {}), ...fields };
    report(data);
    if (data.matching === 0 && !state.filter && !state.experiment && !Object.keys(state.filters).length && data.offset === 0) {
      fill(holder, empty());
      fill(status);
      fill(pager);
      // Asked again every few seconds: the first run to start shows up without a reload.
      clearInterval(refresh);
      refresh = setInterval(async () => {
        if (!alive()) { clearInterval(refresh); return; }
        const again = await get(address(state, { limit: 1 }, {})).catch(() => null);
        if (again && again.matching > 0 && alive()) { clearInterval(refresh); location.reload(); }
      }, 3000);
      return;
    }

    const shown = state.columns ? data.columns.filter((c) => state.columns.includes(c)) : data.columns;
    for (const name of data.columns) {
      if (!(name in numeric) || data.rows.some((row) => row[name] !== null && row[name] !== undefined)) {
        numeric[name] = data.rows.some((row) => typeof row[name] === "number") || (fields[name] ?? "").startsWith("metrics.");
      }
    }
    drawColumnMenu(data.columns);
    if (JSON.stringify(shown) !== JSON.stringify(columns)) {
      columns = shown;
      drawHead();
    }
    drawSortMarks();
    drawRows(data.rows);
    drawPager(data);
    performance.mark("podium:first-rows");
    holder.dataset.loaded = String(data.offset + data.rows.length);
    live();
  }

  // The header: a title that sorts (on the server) and a filter box per column the query language can reach.
  function drawHead() {
    const titles = el("tr", {}, el("th", { class: "select sticky" }, ""),
      columns.map((name) => {
        const sortable = Boolean(fields[name]);
        return el("th", { dataset: { field: name }, class: [numeric[name] ? "num" : "", name === "rank" ? "rank sticky" : "", name === "run" ? "run sticky" : ""].join(" ").trim() || null, "aria-sort": "none" },
          sortable ? el("button", { class: "title", title: "sort by " + name, onclick: () => sortBy(name) }, name, el("span", { class: "mark" })) : el("span", { class: "title" }, name));
      }));
    const filters = el("tr", { class: "filters" }, el("th", { class: "select sticky" }, ""),
      columns.map((name) => {
        if (!fields[name]) return el("th", { class: name === "rank" ? "rank sticky" : name === "run" ? "run sticky" : null });
        const box = el("input", { type: "text", value: state.filters[name] ?? "", placeholder: numeric[name] ? "> 0.8" : "filter", "aria-label": "filter " + name, size: 6 });
        inputs[name] = box;
        box.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => filterBy(), 400); });
        box.addEventListener("keydown", (event) => { if (event.key === "Enter") { clearTimeout(timer); filterBy(); } });
        return el("th", { dataset: { field: name }, class: name === "run" ? "run sticky" : null }, box);
      }));
    fill(head, titles, filters);
  }

  function drawSortMarks() {
    const sorts = sortersOf(state.order, fields);
    for (const th of head.querySelectorAll("tr:first-child th[data-field]")) {
      const sort = sorts.find((s) => s.column === th.dataset.field);
      th.setAttribute("aria-sort", sort ? (sort.dir === "desc" ? "descending" : "ascending") : "none");
      const mark = th.querySelector(".mark");
      if (mark) mark.textContent = sort ? (sort.dir === "desc" ? " ▼" : " ▲") : "";
    }
  }

  function drawRows(rows) {
    focused = -1;
    fill(body, rows.length === 0 ? el("tr", {}, el("td", { colspan: columns.length + 1, class: "placeholder" }, "No runs match. Clear the filter, or pick another experiment.")) :
      rows.map((row) => el("tr", { dataset: { id: row.run_id } },
        el("td", { class: "select sticky" }, selectBox(row.run_id)),
        columns.map((name) => el("td", { dataset: { field: name }, class: [numeric[name] ? "num" : "", name === "rank" ? "rank sticky" : "", name === "run" ? "run sticky" : ""].join(" ").trim() || null },
          format(name, row[name], row))))));
  }

  function drawPager(data) {
    const pages = Math.max(1, Math.ceil(data.matching / pageSize));
    const button = (label, page, name) => el("button", { dataset: { page: name }, disabled: page < 1 || page > pages || page === state.page, onclick: () => goTo(page) }, label);
    fill(pager, button("First", 1, "first"), button("‹ Prev", state.page - 1, "prev"),
      el("span", { class: "status" }, `page ${state.page} of ${pages}`),
      button("Next ›", state.page + 1, "next"), button("Last", pages, "last"));
  }

  function goTo(page) {
    state.page = page;
    load(null, { record: true });
  }

  // A click on a title: numbers sort best first (descending), text A to Z; a second click reverses; a third clears.
  function sortBy(name) {
    const current = sortersOf(state.order, fields).find((s) => s.column === name);
    const first = numeric[name] ? "desc" : "asc";
    const dir = !current ? first : current.dir === first ? (first === "desc" ? "asc" : "desc") : null;
    state.order = dir ? `${fields[name]} ${dir.toUpperCase()}` : "";
    state.page = 1;
    load(null, { record: true });
  }

  function filterBy() {
    const next = Object.fromEntries(Object.entries(inputs).map(([name, box]) => [name, box.value.trim()]).filter(([, text]) => text));
    try {
      refinementOf({ ...state, filters: next }, fields);
    } catch (error) {
      fill(problem, el("p", { class: "error", id: "query-error" }, error.message));
      return;
    }
    state.filters = next;
    state.page = 1;
    load(null, { record: true });
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
    const rows = [...body.querySelectorAll("tr[data-id]")];
    if (rows.length === 0) return;
    focused = Math.max(0, Math.min(rows.length - 1, index));
    for (const row of rows) row.classList.remove("focused");
    rows[focused].classList.add("focused");
    rows[focused].scrollIntoView({ block: "nearest" });
    holder.dataset.focused = rows[focused].dataset.id;
  }
  body.addEventListener("click", (event) => {
    const row = event.target.closest("tr[data-id]");
    if (row && !event.target.closest("a, input, button")) focusRow([...body.querySelectorAll("tr[data-id]")].indexOf(row));
  });
  holder.addEventListener("keydown", (event) => {
    if (event.target.closest("input, textarea, select")) return;
    const rows = [...body.querySelectorAll("tr[data-id]")];
    if (event.key === "ArrowDown" || event.key === "j") { focusRow(focused + 1); event.preventDefault(); }
    else if (event.key === "ArrowUp" || event.key === "k") { focusRow(focused - 1); event.preventDefault(); }
    else if (event.key === "Enter" && rows[focused]) go(["runs", rows[focused].dataset.id]);
    else if ((event.key === "x" || event.key === " ") && rows[focused]) {
      const box = rows[focused].querySelector("input[type=checkbox]");
      box.checked = !box.checked;
      box.dispatchEvent(new Event("change"));
      event.preventDefault();
    }
  });

  // Running runs change: while any row shown is running, the page is fetched again every few seconds.
  function live() {
    clearInterval(refresh);
    refresh = setInterval(async () => {
      if (!alive()) { clearInterval(refresh); return; }
      if (!last || !last.rows.some((row) => row.status === "running")) return;
      try {
        const again = await get(address(state, { limit: pageSize, offset: last.offset }, refinementOf(state, fields)));
        if (!alive()) return;
        last = again;
        const keep = focused;
        drawRows(again.rows);
        if (keep >= 0) focusRow(keep);
        fill(status, `${again.offset + 1}–${again.offset + again.rows.length} of ${again.matching} runs · ${again.query} · live`);
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

// The sorts from an order_by ("metrics.val_accuracy ASC").
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

const viewsKey = "podium-views";

/** The views saved in this browser: [{ name, address }]. */
function savedViews() {
  try {
    const views = JSON.parse(localStorage.getItem(viewsKey) ?? "[]");
    return Array.isArray(views) ? views.filter((v) => v && typeof v.name === "string" && typeof v.address === "string" && v.address.startsWith("#/")) : [];
  } catch {
    return [];
  }
}

function drawExperiments(sidebar, list, sweeps, state, redraw) {
  const total = list.reduce((n, e) => n + e.runs, 0);
  const entry = (name, label, count, running) => el("li", {},
    el("a", { href: "#/" + (name ? "?experiment=" + encodeURIComponent(name) : ""), class: state.experiment === name ? "active" : null, "data-experiment": name },
      el("span", { class: "name" }, label),
      running ? el("span", { class: "live", title: `${running} running` }, "●") : null,
      el("span", { class: "count" }, String(count))));
  fill(sidebar, el("h2", {}, "Experiments"),
    el("ul", {}, entry("", "All runs", total, list.reduce((n, e) => n + e.running, 0)), list.map((e) => entry(e.name, e.name, e.runs, e.running))),
    savedViews().length ? [el("h2", { class: "second" }, "Saved views"),
      el("ul", { id: "saved-views" }, savedViews().map((v) => el("li", { class: "saved" }, el("a", { href: v.address, title: v.address }, el("span", { class: "name" }, v.name)),
        el("button", { class: "chip-x", title: `forget the view ${v.name}`, "aria-label": `forget the view ${v.name}`, onclick: () => {
          localStorage.setItem(viewsKey, JSON.stringify(savedViews().filter((w) => w.name !== v.name)));
          redraw();
        } }, "×"))))] : null,
    sweeps.length ? [el("h2", { class: "second" }, "Sweeps"),
      el("ul", { id: "sweeps" }, sweeps.map((r) => el("li", {}, el("a", { href: "#/sweeps/" + encodeURIComponent(r.info.id), title: `${r.info.name} (${r.info.experiment})` },
        el("span", { class: "name" }, r.info.name),
        r.info.status === "running" ? el("span", { class: "live", title: "running" }, "●") : null,
        el("span", { class: "count" }, shortId(r.info.id))))))] : null);
}

function empty() {
  return el("div", { class: "empty", id: "empty" },
    el("h2", {}, "No runs yet"),
    el("p", {}, "Podium ranks the runs you train. To see it with runs in it, train a few in a terminal:"),
    el("pre", {}, "podium demo            # a small grid of CNNs on built-in shapes, a few minutes\npodium run SPEC.yaml   # trains the model a spec describes"),
    el("p", {}, "They appear here as they train; this page updates by itself."));
}

function displayed(name, value) {
  if (name === "run_id" && value) return shortId(value);
  if (name === "duration" && typeof value === "number") return duration(value);
  if (name === "augmentations" && value && typeof value === "object" && Object.keys(value).length === 0) return "none";
  if (perClass(value)) return summary(value);
  return show(value);
}

const perClass = (value) => value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length > 0 && Object.values(value).every((v) => typeof v === "number");
const summary = (value) => {
  const values = Object.values(value);
  return `${values.length} classes · mean ${number(values.reduce((a, b) => a + b, 0) / Math.max(1, values.length))}`;
};

function format(name, value, row) {
  if (name === "run" && row.run_id) return el("a", { href: "#/runs/" + encodeURIComponent(row.run_id) }, show(value));
  if (name === "run_id" && value) return el("a", { href: "#/runs/" + encodeURIComponent(value), class: "mono" }, displayed(name, value));
  if (name === "status" && value) return el("span", { class: "badge " + value }, value);
  if (perClass(value)) {
    // Collapsed to a mean; a click opens one class per line beside the cell (the row keeps its height).
    return el("button", { class: "per-class", title: "per class", onclick: (event) => perClassPopup(event.currentTarget, name, value) }, summary(value), " ▸");
  }
  return document.createTextNode(displayed(name, value));
}

function perClassPopup(anchor, name, value) {
  const open = document.getElementById("per-class-popup");
  open?.remove();
  if (open?.dataset.anchor === anchor.dataset.anchor && anchor.dataset.anchor) return;
  anchor.dataset.anchor = String(Math.random());
  const box = anchor.getBoundingClientRect();
  const popup = el("div", { id: "per-class-popup", class: "popup", dataset: { anchor: anchor.dataset.anchor }, style: `left: ${Math.round(box.left)}px; top: ${Math.round(box.bottom + 2)}px` },
    el("div", { class: "status" }, name + " per class"),
    el("table", {}, Object.entries(value).map(([c, v]) => el("tr", {}, el("td", {}, c), el("td", { class: "num" }, number(v))))));
  document.body.append(popup);
  const close = (event) => {
    if (popup.contains(event.target) || event.target === anchor) return;
    popup.remove();
    document.removeEventListener("pointerdown", close, true);
  };
  document.addEventListener("pointerdown", close, true);
}
