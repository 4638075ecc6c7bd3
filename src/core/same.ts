/**
 * A JSON value's copy and comparison, for the journal codec (src/core/state-journal.ts) to
 * tell what changed since the last line without serializing what did not: a structural
 * compare walks a record without building a string, where JSON.stringify of every queued
 * job on every line cost ~4% of the daemon's CPU per relayed message (test/bench throughput).
 */

/**
 * A deep copy of a JSON value: plain objects and arrays copied, anything else as it is.
 * Properties holding undefined are left out (JSON leaves them out too), and so is the
 * top-level property `except`, if given.
 */
export function copyJson<T>(value: T, except?: string): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copyJson(value[i]);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const k in value) {
    if (k === except) continue;
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = copyJson(v);
  }
  return out as T;
}

/**
 * Whether `value` would be journaled as `copy` (a {@link copyJson} of an earlier value) was:
 * true only when both have the same JSON, up to the order of keys. It may say false for two
 * values of the same JSON (a NaN, a function, a Date), which only costs a line a few bytes:
 * what it must never do is miss a change. `except`: a top-level property of `value` not
 * compared (the copy was made without it).
 */
export function sameJson(value: unknown, copy: unknown, except?: string): boolean {
  if (value === copy) return typeof value !== "number" || Number.isFinite(value);
  if (typeof value !== "object" || value === null || typeof copy !== "object" || copy === null) return false;
  if (Array.isArray(value)) {
    if (!Array.isArray(copy) || value.length !== copy.length) return false;
    for (let i = 0; i < value.length; i++) {
      // JSON writes an undefined item as null, so the copy holds it as undefined: compare as such.
      if (!sameJson(value[i], copy[i])) return false;
    }
    return true;
  }
  if (Array.isArray(copy) || Object.getPrototypeOf(value) !== Object.prototype) return false;
  let defined = 0;
  for (const k in value) {
    if (k === except) continue;
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined) continue;
    defined++;
    if (!sameJson(v, (copy as Record<string, unknown>)[k])) return false;
  }
  // The copy holds no undefined properties: as many keys means no key of it is missing in `value`.
  let held = 0;
  for (const _ in copy) held++;
  return held === defined;
}
