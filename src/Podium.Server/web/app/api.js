import { path } from "./dom.js";

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

async function call(path, retried = false) {
  const token = sessionStorage.getItem(tokenKey);
  const response = await fetch("/api/" + path, { headers: token ? { Authorization: "Bearer " + token } : {} });
  if (response.status === 401 && !retried) {
    // Asked for at once beside another request, which has had the token typed in meanwhile: ask once only.
    if (sessionStorage.getItem(tokenKey) !== token) return call(path, true);
    const given = window.prompt("This Podium server needs its token:");
    if (given) {
      sessionStorage.setItem(tokenKey, given);
      return call(path, true);
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

/** A metric's history as chart series, downsampled by the server to at most 1,000 points (min and max per bucket). */
export async function history(runId, key, name = key) {
  const data = await get(`runs/${encodeURIComponent(runId)}/metrics/${path(key)}?max_points=1000`);
  return { name, x: data.points.map((p) => p.step), y: data.points.map((p) => p.value), total: data.total };
}
