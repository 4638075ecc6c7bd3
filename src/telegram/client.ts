/**
 * The real Telegram transport. GramIO's Bot is the Bot API client (its typed `api`, its
 * hooks, its TelegramError); under it, one keep-alive connection pool (./http.ts) does the
 * HTTP, through GramIO's `onApiCall` hook. This file adds a per-call abort and deadline
 * and turns every failure into a `TelegramApiError` or a `NetworkError` with the token
 * scrubbed out.
 *
 * Why not GramIO's own request: it calls the global fetch (undici), whose WHATWG streams,
 * Request/Response objects and abort signals cost about 4 times the CPU of node:http for a
 * Bot API call, and GramIO 0.10 takes no fetch function or per-call options; node:http in
 * turn was about 40% of the daemon's CPU per message (see ./http.ts). The relay only ever
 * sends JSON (copies and file ids, never uploads), which is all this transport speaks.
 */
import { Bot, TelegramError } from "gramio";
import type { APIMethodParams, APIMethodReturn, APIMethods } from "@gramio/types";
import type { CallOptions, TelegramPort } from "./port.ts";
import { NetworkError, TelegramApiError } from "./errors.ts";
import { HttpPool, HttpProtocolError, type HttpExchange } from "./http.ts";
import { unwatchAbort, watchAbort, type AbortWaiter } from "./abort-watch.ts";
import { scrub, scrubError, secretsOf } from "../redact.ts";

/** Where and as whom to call the Bot API. */
export interface TelegramClientOptions {
  /** Bot token from BotFather. Never appears in what this client throws. */
  token: string;
  /** Bot API root without the `/bot` part, e.g. "https://api.telegram.org" or the sandbox's URL. */
  apiRoot: string;
  /**
   * A call still unanswered after this long is abandoned with a `NetworkError` ("timeout"),
   * which callers retry. getUpdates gets its long poll on top (its `timeout`, at least 3 s:
   * Telegram's guard against busy loops holds a repeated poll that long). Default
   * {@link REQUEST_TIMEOUT_MS}.
   */
  timeoutMs?: number;
  /** How long an idle connection is kept for the next call; default {@link IDLE_CONNECTION_MS}. */
  idleMs?: number;
}

/**
 * Default deadline of a call. Telegram answers in well under a second; a connection that
 * stays silent this long is half-open (a NAT or proxy dropped it) and will never answer.
 */
export const REQUEST_TIMEOUT_MS = 20_000;

/**
 * How long an idle connection waits for the next call (undici's default, which the daemon
 * used before): long enough for a busy desk to reuse its connections, short enough that a
 * server never closes one just as a call goes out on it. A server's own shorter
 * `Keep-Alive: timeout` hint wins (Node's Agent keeps a 1 s margin below it).
 */
export const IDLE_CONNECTION_MS = 4_000;

type AnyMethod = (params: unknown) => Promise<unknown>;

/**
 * One call's way out: the deadline and the caller's abort end it through here, closing its
 * request (and with it the connection) and failing the call at once.
 */
class Transfer implements AbortWaiter {
  /** Set by the transport once the request is made. */
  request?: HttpExchange;
  /** Fails the call (set by the transport with the request). */
  fail?: (err: unknown) => void;
  /** Why the call was given up: its request is not made, or is closed. */
  ended?: "deadline" | "aborted";
  /** When the call is abandoned (Date.now() ms), for the deadline sweep. */
  due = 0;

  onAbort(): void {
    end(this, "aborted");
  }
}

/** Gives a call up: its request is closed and the call fails now. */
function end(transfer: Transfer, why: "deadline" | "aborted"): void {
  if (transfer.ended) return;
  transfer.ended = why;
  transfer.request?.cancel();
  transfer.fail?.(new Error(`the call was given up (${why})`));
}

/**
 * The deadlines of the calls that share one limit, on ONE timer (armed for the earliest):
 * a timer set and cleared per call was about 1% of the daemon's CPU per relayed message.
 * Calls come in deadline order (same limit, later start), so the set's order is theirs.
 */
class Deadlines {
  readonly #calls = new Set<Transfer>();
  #timer: NodeJS.Timeout | undefined;

  constructor(readonly limitMs: number) {}

  add(transfer: Transfer): void {
    transfer.due = Date.now() + this.limitMs;
    this.#calls.add(transfer);
    if (this.#timer === undefined) this.#arm(this.limitMs);
    // A call in flight keeps the process alive until its deadline, as its own timer did.
    else if (this.#calls.size === 1) this.#timer.ref();
  }

  delete(transfer: Transfer): void {
    // An idle client never holds the process up (a CLI command exits after its last call).
    if (this.#calls.delete(transfer) && this.#calls.size === 0) this.#timer?.unref();
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => this.#sweep(), Math.max(0, ms));
  }

  #sweep(): void {
    this.#timer = undefined;
    const now = Date.now();
    for (const t of this.#calls) {
      if (t.due > now) return this.#arm(t.due - now);
      this.#calls.delete(t);
      end(t, "deadline");
    }
  }
}

/**
 * A `TelegramPort` on GramIO's Bot. Rejects with `TelegramApiError`, `NetworkError`, or
 * (when `opts.signal` fires) with `signal.reason`.
 */
export function createTelegram(options: TelegramClientOptions): TelegramPort {
  const apiRoot = options.apiRoot.replace(/\/+$/, "");
  const origin = originOf(apiRoot);
  const secrets = secretsOf(options.token);
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const post = transport(apiRoot, options.token, options.idleMs ?? IDLE_CONNECTION_MS);

  const deadlines = new Deadlines(timeoutMs);
  // The call being handed to GramIO: its api method runs synchronously up to our onApiCall
  // hook, so the hook finds the call's transfer here (no per-call copy of the parameters
  // to key it by: GramIO hands the hook the caller's own object).
  let handing: Transfer | undefined;
  const bot = new Bot(options.token, { api: { baseURL: `${apiRoot}/bot` } }).onApiCall((context, _gramioFetch) => {
    const transfer = handing;
    handing = undefined;
    if (!transfer) throw new TypeError(`GramIO called the onApiCall hook of ${String(context.method)} out of turn (src/telegram/client.ts needs updating)`);
    return post(String(context.method), context.params, transfer);
  });
  const api = bot.api as unknown as Record<string, AnyMethod>;

  async function call<M extends keyof APIMethods>(
    method: M,
    params: APIMethodParams<M>,
    opts?: CallOptions,
  ): Promise<APIMethodReturn<M>> {
    const outer = opts?.signal;
    outer?.throwIfAborted();
    const limitMs = deadlineOf(String(method), params, timeoutMs);
    const invoke = api[method];
    if (!invoke) throw new TypeError(`Unknown Bot API method ${String(method)}`);
    const transfer = new Transfer();
    // The call leaves its signal's waiters when it ends, so nothing piles up on a long-lived signal.
    if (outer !== undefined) watchAbort(outer, transfer);
    // getUpdates' own limit (its long poll) on its own timer: one call at a time.
    const own = limitMs === timeoutMs ? undefined : setTimeout(end, limitMs, transfer, "deadline");
    if (own === undefined) deadlines.add(transfer);
    try {
      handing = transfer;
      return (await withoutCallSite(() => invoke(params ?? {}))) as APIMethodReturn<M>;
    } catch (err) {
      if (transfer.ended === "aborted" || outer?.aborted) throw outer!.reason;
      if (transfer.ended === "deadline") {
        throw new NetworkError({ method: String(method), problem: "timeout", origin, detail: `no answer within ${limitMs / 1000} s, the call was abandoned` });
      }
      throw normalise(err, String(method), origin, secrets);
    } finally {
      handing = undefined;
      if (own === undefined) deadlines.delete(transfer);
      else clearTimeout(own);
      if (outer !== undefined) unwatchAbort(outer, transfer);
    }
  }

  return { call };
}

/**
 * Runs `start` (synchronous up to its first await) capturing no stack frames. GramIO
 * captures a call site for every call, for the stack of its TelegramError; the transport
 * here builds its TelegramError without one (normalise keeps only code and description),
 * and capturing the daemon's deep async stacks took about a tenth of its CPU per message.
 */
function withoutCallSite<T>(start: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return start();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * The HTTP under GramIO: POST `<apiRoot>/bot<token>/<method>` with the JSON body, over a
 * keep-alive pool; resolves with Telegram's `result`, throws GramIO's TelegramError for
 * `ok: false` (as GramIO's own request does), a SyntaxError for a body that is not JSON, and
 * the connection's error when there is no whole answer.
 */
function transport(apiRoot: string, token: string, idleMs: number): (method: string, params: unknown, transfer: Transfer) => Promise<unknown> {
  const url = new URL(`${apiRoot}/bot${token}/`);
  const pool = new HttpPool({ origin: url, idleMs });
  const path = url.pathname;
  return function post(method, params, transfer) {
    return new Promise((resolve, reject) => {
      if (transfer.ended) return reject(new Error(`the call was given up (${transfer.ended}) before it was sent`));
      transfer.fail = reject;
      transfer.request = pool.post(path + method, JSON.stringify(params ?? {}), (err, answer) => {
        if (err) return reject(err);
        let data: { ok?: unknown; result?: unknown };
        try {
          data = JSON.parse(answer!.body.toString("utf8")) as typeof data;
        } catch (e) {
          return reject(e);
        }
        // Not `ok: true` (with or without Telegram's error_code): GramIO's error, as its own request throws.
        if (data === null || typeof data !== "object" || data.ok !== true) reject(new TelegramError((data ?? {}) as never, method as never, params as never));
        else resolve(data.result);
      });
    });
  };
}

/**
 * Telegram holds a getUpdates at least this long when the same offset comes again within
 * 3 s (its guard against busy loops), whatever the long-poll timeout asked for.
 */
const POLL_GUARD_MS = 3000;

/** How long a call may go unanswered: getUpdates holds the connection for its long poll first. */
function deadlineOf(method: string, params: unknown, timeoutMs: number): number {
  if (method !== "getUpdates") return timeoutMs;
  const poll = (params as { timeout?: unknown } | undefined)?.timeout;
  return Math.max(typeof poll === "number" && poll > 0 ? poll * 1000 : 0, POLL_GUARD_MS) + timeoutMs;
}

/** Every failure as one of our two errors, token-free. */
function normalise(err: unknown, method: string, origin: string, secrets: readonly string[]): Error {
  if (err instanceof TelegramError && typeof err.code === "number") {
    const payload = (err.payload ?? {}) as { retry_after?: unknown; migrate_to_chat_id?: unknown };
    return new TelegramApiError({
      method,
      code: err.code,
      description: scrub(String(err.message), secrets),
      ...(typeof payload.retry_after === "number" ? { retryAfter: payload.retry_after } : {}),
      ...(typeof payload.migrate_to_chat_id === "number" ? { migrateToChatId: payload.migrate_to_chat_id } : {}),
    });
  }
  const cause = scrubError(err, secrets);
  if (err instanceof TelegramError || err instanceof SyntaxError || err instanceof HttpProtocolError) {
    // JSON without error_code, no JSON at all (a proxy's HTML error page), or no HTTP.
    const message = (err as Error).message;
    const notHttp = err instanceof HttpProtocolError;
    const detail = err instanceof SyntaxError ? `not JSON (${message})` : notHttp ? `not HTTP/1.1 (${message})` : `not a Bot API answer (${message || "no description"})`;
    return new NetworkError({ method, problem: "bad_response", origin, detail: scrub(detail, secrets), cause });
  }
  return new NetworkError({ method, problem: "unreachable", origin, detail: scrub(rootMessage(err), secrets), cause });
}

/** The innermost message of a cause chain: fetch says "fetch failed", its cause says why. */
function rootMessage(err: unknown): string {
  let current = err;
  for (let depth = 0; depth < 5; depth++) {
    if (current instanceof Error && current.cause !== undefined) current = current.cause;
    else break;
  }
  if (current instanceof Error) return current.message || current.name;
  return String(current);
}

function originOf(apiRoot: string): string {
  try {
    return new URL(apiRoot).origin;
  } catch {
    return apiRoot;
  }
}
