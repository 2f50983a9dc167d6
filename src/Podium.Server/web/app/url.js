// The address is the view's state: the part after '#' is a page path and a query string
// (#/?experiment=mnist&filter=…&sort=val_accuracy:desc&selected=…), so a view survives reload and Back and can be shared.

/** The current page: its path parts and its query parameters. */
export function current() {
  const hash = location.hash.replace(/^#\/?/, "");
  const at = hash.indexOf("?");
  const path = (at < 0 ? hash : hash.slice(0, at)).split("/").filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(at < 0 ? "" : hash.slice(at + 1));
  return { path, params };
}

/** An address inside the app: path parts encoded, then the parameters that have a value. */
export function address(path, params = {}) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "" || value === false) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    search.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  const text = search.toString();
  return "#/" + path.map(encodeURIComponent).join("/") + (text ? "?" + text : "");
}

/**
 * Records a change of the view in the address without drawing the page again: a new history entry (Back returns
 * to the view before), or the same entry replaced for small changes (a row selected).
 */
export function record(path, params, { replace = false } = {}) {
  const next = address(path, params);
  if (next === location.hash || (next === "#/" && location.hash === "")) return;
  history[replace ? "replaceState" : "pushState"](null, "", next);
  routed = location.href;
}

/** Goes to a page (a new history entry, drawn by the router). */
export function go(path, params = {}) {
  location.hash = address(path, params);
}

let routed = "";

/** Whether the address changed since the page last drew or recorded it (Back, a link, a typed address). */
export function changed() {
  if (location.href === routed) return false;
  routed = location.href;
  return true;
}
