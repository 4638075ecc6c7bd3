/**
 * A TelegramPort that waits for the RateLimiter before every message send or edit, and
 * keeps at most a bounded number of calls in flight, so the daemon gets pacing for free
 * and only has to handle real failures.
 */
import type { APIMethodParams, APIMethodReturn, APIMethods } from "@gramio/types";
import type { CallOptions, TelegramPort } from "./port.ts";
import { TelegramApiError, isAbortError } from "./errors.ts";
import { unwatchAbort, watchAbort, type AbortWaiter } from "./abort-watch.ts";
import { countsAgainstLimits, type Priority, type RateLimiter } from "./limiter.ts";

/** Waits `ms`, or rejects with `signal.reason` when the signal fires first. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** A Sleep on real timers (one abort listener per signal however many sleep on it: ./abort-watch.ts). */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const nap: AbortWaiter = {
      onAbort() {
        clearTimeout(timer);
        reject(signal!.reason);
      },
    };
    const timer = setTimeout(() => {
      if (signal) unwatchAbort(signal, nap);
      resolve();
    }, ms);
    if (signal) watchAbort(signal, nap);
  });

/** What the limited port needs besides the inner port. */
export interface LimitedPortOptions {
  limiter: RateLimiter;
  /** Default: real timers. Tests pass one that advances the limiter's fake clock. */
  sleep?: Sleep;
  /** Which sends may wait for the others (see {@link Priority}); default: all normal. */
  priorityOf?: (method: string, chatId: number | string) => Priority;
  /**
   * Calls in flight at once (default {@link MAX_IN_FLIGHT}); the others wait their turn, in
   * order. Telegram takes about 30 messages a second from a bot: more at once only piles up
   * sockets and memory.
   */
  maxInFlight?: number;
}

/** Default bound on calls in flight. */
export const MAX_IN_FLIGHT = 64;

/** A call waiting for a slot. */
interface Waiter extends AbortWaiter {
  grant(): void;
}

/** At most `max` holders at once; the others wait in order. */
class Slots {
  private used = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly max: number) {}

  /** Holds a slot if one is free (give it back with `give`). */
  tryTake(): boolean {
    if (this.used >= this.max) return false;
    this.used++;
    return true;
  }

  /**
   * Resolves once a slot is held (give it back with `give`); rejects with `signal.reason` if
   * aborted while waiting. One abort listener per signal however many wait on it (./abort-watch.ts).
   */
  take(signal?: AbortSignal): Promise<void> {
    if (this.tryTake()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const waiter: Waiter = {
        grant: () => {
          if (signal) unwatchAbort(signal, waiter);
          resolve();
        },
        onAbort: () => {
          const i = this.waiting.indexOf(waiter);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal!.reason);
        },
      };
      this.waiting.push(waiter);
      if (signal) watchAbort(signal, waiter);
    });
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next.grant(); // the slot passes straight on
    else this.used--;
  }
}

/**
 * `inner`, paced by `limiter` for the methods `countsAgainstLimits` names (by their
 * `chat_id`; inline-message edits have none and go straight through). A 429 penalizes the
 * chat for `retry_after` and is rethrown, so the caller's `classify` still decides retries.
 */
export function limitedPort(inner: TelegramPort, options: LimitedPortOptions): TelegramPort {
  const { limiter } = options;
  const sleep = options.sleep ?? realSleep;
  const slots = new Slots(options.maxInFlight ?? MAX_IN_FLIGHT);

  /** The inner call, once a slot is free. */
  async function bounded<M extends keyof APIMethods>(method: M, params: APIMethodParams<M>, opts?: CallOptions): Promise<APIMethodReturn<M>> {
    // A free slot is taken in this tick: the call leaves without waiting for a microtask.
    if (!slots.tryTake()) await slots.take(opts?.signal);
    try {
      return await inner.call(method, params, opts);
    } finally {
      slots.give();
    }
  }

  function call<M extends keyof APIMethods>(method: M, params: APIMethodParams<M>, opts?: CallOptions): Promise<APIMethodReturn<M>> {
    // Pacing off (e.g. against the sandbox): only the bound on calls in flight applies, and
    // bounded's own promise is the call's (no async wrapper around it: a promise and two
    // microtasks less per call).
    if (!limiter.enabled && method !== "getUpdates") return bounded(method, params, opts);
    return paced(method, params, opts);
  }

  async function paced<M extends keyof APIMethods>(
    method: M,
    params: APIMethodParams<M>,
    opts?: CallOptions,
  ): Promise<APIMethodReturn<M>> {
    // A long poll holds its connection for most of a minute by design: it takes no slot.
    if (method === "getUpdates") return inner.call(method, params, opts);
    const chatId = countsAgainstLimits(String(method)) ? chatIdOf(params) : undefined;
    if (chatId === undefined) return bounded(method, params, opts);

    const count = messageCount(String(method), params);
    const priority = opts?.priority ?? options.priorityOf?.(String(method), chatId) ?? "normal";
    // Check and reserve in the same tick, so concurrent senders cannot both take the last
    // slot; a paced call waits for its turn before it takes one of the calls in flight.
    if (priority === "normal") limiter.waiting(chatId, 1);
    try {
      for (let delay = limiter.delayFor(chatId, undefined, priority); delay > 0; delay = limiter.delayFor(chatId, undefined, priority)) {
        await sleep(delay, opts?.signal);
      }
    } finally {
      if (priority === "normal") limiter.waiting(chatId, -1);
    }
    limiter.reserve(chatId, count);
    try {
      const result = await bounded(method, params, opts);
      limiter.record(chatId, undefined, count);
      return result;
    } catch (err) {
      if (err instanceof TelegramApiError && err.code === 429) {
        limiter.release(chatId, count);
        limiter.penalize(chatId, (err.retryAfter ?? 1) * 1000);
      } else if (isAbortError(err) || opts?.signal?.aborted) {
        limiter.release(chatId, count);
      } else {
        // Refused or lost on the way back: it may still have counted on Telegram's side.
        limiter.record(chatId, undefined, count);
      }
      throw err;
    }
  }

  return { call };
}

function chatIdOf(params: unknown): number | string | undefined {
  if (!params || typeof params !== "object") return undefined;
  const chatId = (params as { chat_id?: unknown }).chat_id;
  return typeof chatId === "number" || typeof chatId === "string" ? chatId : undefined;
}

/** Albums and multi-message copies put several messages in the chat at once. */
function messageCount(method: string, params: unknown): number {
  const p = params as { media?: unknown; message_ids?: unknown };
  if (method === "sendMediaGroup" && Array.isArray(p.media)) return Math.max(1, p.media.length);
  if ((method === "copyMessages" || method === "forwardMessages") && Array.isArray(p.message_ids)) return Math.max(1, p.message_ids.length);
  return 1;
}
