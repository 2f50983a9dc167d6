
// The API, with the bearer token when the server asks for one (kept for this tab only).

const tokenKey = "podium-token";

/** GET /api/...; answers the parsed JSON, or throws the problem's detail. */
export async function get(path) {
  const response = await call(path);
  return response.json();
}

/** GET /api/... as a Blob (artifact downloads, CSV). */
export async function blob(path) {
  return (await call(path)).blob();
}

/** POST /api/... with a JSON body; answers the parsed JSON. */
export async function post(path, body) {
  return (await call(path, false, { method: "POST", body: JSON.stringify(body) })).json();
}

/** A write: POST, PATCH or DELETE with a JSON body; answers nothing (or throws the problem's detail). */
export async function send(method, path, body) {
  await call(path, false, { method, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function call(path, retried = false, init = {}) {
  const token = sessionStorage.getItem(tokenKey);
  const headers = token ? { Authorization: "Bearer " + token } : {};
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch("/api/" + path, { ...init, headers });
  if (response.status === 401 && !retried) {
    // Asked for at once beside another request, which has had the token typed in meanwhile: ask once only.
    if (sessionStorage.getItem(tokenKey) !== token) return call(path, true, init);
    const given = window.prompt("This Podium server needs its token:");
    if (given) {
      sessionStorage.setItem(tokenKey, given);
      return call(path, true, init);
    }
  }

  if (!response.ok) {
    let detail = response.statusText;
    try {
      detail = (await response.json()).detail ?? detail;
    } catch {
      // not a problem document
    }

    throw new Error(detail);
  }

  return response;
}

/** Saves a Blob as a file. */
export function save(data, name) {
  const url = URL.createObjectURL(data);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A query-string from an object, leaving out empty values. */
export function query(parameters) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(parameters)) {
    if (value !== undefined && value !== null && value !== "" && value !== false) search.set(key, String(value));
  }

  const text = search.toString();
  return text ? "?" + text : "";
}

/** Several metrics of one run in one request, downsampled by the server (min and max per bucket): key → { key, x, y, total }. */
export async function histories(runId, keys, points = 1000) {
  const answer = await get("metrics" + query({ runs: runId, keys: keys.join(","), max_points: points }));
  return new Map(answer.series.map((s) => [s.key, { name: s.key, key: s.key, x: s.steps, y: s.values, total: s.total }]));
}
