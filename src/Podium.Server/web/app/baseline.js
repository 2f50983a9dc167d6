// The baseline run: pinned on a run page, kept in this browser, and what compare measures deltas against.
const key = "podium-baseline";

/** The pinned run's id, or null. */
export const baseline = () => localStorage.getItem(key);

/** Pins a run (null unpins). */
export function pin(id) {
  if (id) localStorage.setItem(key, id); else localStorage.removeItem(key);
}
