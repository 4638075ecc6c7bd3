/**
 * A TelegramPort that remembers every call, so tests can assert what the daemon asked
 * Telegram to do and wait for a call without sleeping.
 */
import type { APIMethodParams, APIMethodReturn, APIMethods } from "@gramio/types";
import type { CallOptions, TelegramPort } from "./port.ts";

/** One call as seen by the recording port. */
export interface RecordedCall {
  method: string;
  params: unknown;
  /** When the call started (the port's clock). */
  at: number;
  /** false while in flight and when it failed. */
  ok: boolean;
  /** true once it resolved or rejected. */
  settled: boolean;
  result?: unknown;
  error?: unknown;
}

/** A port plus what went through it. */
export interface RecordingPort extends TelegramPort {
  /** Every call in the order it was made; in-flight ones have `settled: false`. */
  readonly calls: RecordedCall[];
  /** The most calls that were in flight at once so far. */
  readonly peakInFlight: number;
  /** Forget the calls so far. */
  clear(): void;
  /**
   * The first call (already made or still to come) that satisfies `predicate`; rejects
   * after `timeoutMs` (default 2000) listing the calls seen, so a failing test says why.
   */
  waitFor(predicate: (call: RecordedCall) => boolean, options?: { timeoutMs?: number }): Promise<RecordedCall>;
}

/** Wraps `inner`, recording each call (params, start time, outcome). */
export function recordingPort(inner: TelegramPort, options: { now?: () => number } = {}): RecordingPort {
  const now = options.now ?? Date.now;
  const calls: RecordedCall[] = [];
  let inFlight = 0;
  let peakInFlight = 0;
  const watchers = new Set<() => void>();
  const changed = () => {
    for (const watcher of [...watchers]) watcher();
  };

  async function call<M extends keyof APIMethods>(
    method: M,
    params: APIMethodParams<M>,
    opts?: CallOptions,
  ): Promise<APIMethodReturn<M>> {
    const entry: RecordedCall = { method: String(method), params, at: now(), ok: false, settled: false };
    calls.push(entry);
    peakInFlight = Math.max(peakInFlight, ++inFlight);
    changed();
    try {
      const result = await inner.call(method, params, opts);
      entry.ok = true;
      entry.result = result;
      return result;
    } catch (err) {
      entry.error = err;
      throw err;
    } finally {
      inFlight--;
      entry.settled = true;
      changed();
    }
  }

  function waitFor(predicate: (call: RecordedCall) => boolean, { timeoutMs = 2000 } = {}): Promise<RecordedCall> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = calls.find(predicate);
        if (!found) return false;
        done();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        done();
        const seen = calls.map((c) => `${c.method}${c.settled ? (c.ok ? " ok" : " failed") : " pending"}`).join(", ");
        reject(new Error(`No matching Telegram call within ${timeoutMs} ms; calls seen: ${seen || "none"}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        watchers.delete(watcher);
      };
      const watcher = () => void check();
      watchers.add(watcher);
      check();
    });
  }

  return {
    call,
    calls,
    get peakInFlight() {
      return peakInFlight;
    },
    clear: () => void calls.splice(0, calls.length),
    waitFor,
  };
}
