/**
 * The update ids whose effects are stored, so an update Telegram sends again has no second
 * effect: a webhook request answered too late (a crash, a timeout) is delivered again, and so
 * is an update the poll loop stored but had not yet confirmed when the daemon stopped and
 * came back in the other mode. The poll loop's offset cannot say it for webhooks: their
 * updates arrive out of order across chats.
 *
 * Kept small: ids rise one by one, so they are stored as ranges `[first, last, at, …]`
 * (sorted by `first`; `at` = epoch seconds the range last grew), usually one or two of them.
 * A range not touched for {@link HANDLED_KEEP_S} is forgotten: Telegram keeps an update for
 * 24 hours, and picks new ids only after a week without any, so a forgotten range can never
 * hide a new update.
 */
import type { State } from "./state.ts";

/** How long a range is remembered after it last grew: longer than Telegram keeps an update (24 h). */
export const HANDLED_KEEP_S = 25 * 3600;
/** At most this many ranges (holes are rare: an update Telegram dropped, or one still in flight). */
export const HANDLED_MAX_RANGES = 1000;

/** Whether the update `id` was handled (and stored) within the last {@link HANDLED_KEEP_S}. */
export function wasHandled(state: State, id: number, nowMs: number): boolean {
  const r = state.handled;
  if (!isRanges(r)) return false;
  const i = rangeAt(r, id);
  return i >= 0 && r[i + 1]! >= id && r[i + 2]! >= nowMs / 1000 - HANDLED_KEEP_S;
}

/** Records that update `id` is handled (its effects go into the same store write). */
export function markHandled(state: State, id: number, nowMs: number): void {
  const at = Math.floor(nowMs / 1000);
  const r = (state.handled = forgetOld(isRanges(state.handled) ? state.handled : [], at));
  const i = rangeAt(r, id); // the last range starting at or below id, or -1
  const pos = i < 0 ? 0 : i + 3; // where the range after it starts
  const next = pos < r.length ? pos : -1;
  if (i >= 0 && r[i + 1]! >= id) {
    r[i + 2] = at;
  } else if (i >= 0 && r[i + 1]! + 1 === id) {
    r[i + 1] = id;
    r[i + 2] = at;
    if (next >= 0 && r[next]! === id + 1) {
      r[i + 1] = r[next + 1]!;
      r.splice(next, 3);
    }
  } else if (next >= 0 && r[next]! === id + 1) {
    r[next] = id;
    r[next + 2] = at;
  } else {
    r.splice(pos, 0, id, id, at);
    if (r.length / 3 > HANDLED_MAX_RANGES) dropOldest(r);
  }
}

/** A store edited by hand (or by another program) may hold anything here: then start afresh. */
function isRanges(r: unknown): r is number[] {
  return Array.isArray(r) && r.length % 3 === 0;
}

/** Index of the last range whose first id is <= id, or -1. */
function rangeAt(r: readonly number[], id: number): number {
  let lo = 0;
  let hi = r.length / 3 - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (r[mid * 3]! <= id) {
      found = mid * 3;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

function forgetOld(r: number[], at: number): number[] {
  const cutoff = at - HANDLED_KEEP_S;
  for (let i = 2; i < r.length; i += 3) {
    if (r[i]! < cutoff) return r.filter((_, j) => r[j - (j % 3) + 2]! >= cutoff);
  }
  return r;
}

function dropOldest(r: number[]): void {
  let oldest = 0;
  for (let i = 3; i < r.length; i += 3) if (r[i + 2]! < r[oldest + 2]!) oldest = i;
  r.splice(oldest, 3);
}
