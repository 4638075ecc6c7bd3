/**
 * The real Telegram transport: GramIO's Bot does the HTTP (JSON or multipart, its
 * formatting plugin), this file adds a per-call abort and deadline and turns every failure
 * into a `TelegramApiError` or a `NetworkError` with the token scrubbed out.
 */
import { Bot, TelegramError } from "gramio";
import type { APIMethodParams, APIMethodReturn, APIMethods } from "@gramio/types";
import type { CallOptions, TelegramPort } from "./port.ts";
import { NetworkError, TelegramApiError } from "./errors.ts";
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
}

/**
 * Default deadline of a call. Telegram answers in well under a second; a connection that
 * stays silent this long is half-open (a NAT or proxy dropped it) and will never answer.
 */
export const REQUEST_TIMEOUT_MS = 20_000;

type AnyMethod = (params: unknown) => Promise<unknown>;

/**
 * A `TelegramPort` on GramIO's Bot. Rejects with `TelegramApiError`, `NetworkError`, or
 * (when `opts.signal` fires) with `signal.reason`.
 */
export function createTelegram(options: TelegramClientOptions): TelegramPort {
  const apiRoot = options.apiRoot.replace(/\/+$/, "");
  const baseURL = `${apiRoot}/bot`;
  const origin = originOf(apiRoot);
  const secrets = secretsOf(options.token);

  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;

  // GramIO 0.10 calls the global fetch with only bot-wide `fetchOptions`, so a per-call
  // signal (the deadline, the caller's abort) needs its own Bot. A Bot costs microseconds to
  // build (no I/O, no polling until start()), which is nothing next to an HTTP round trip,
  // and this uses nothing but GramIO's public options: no patched global fetch, no mutable
  // "current signal" shared by concurrent calls.
  const botFor = (signal: AbortSignal) => new Bot(options.token, { api: { baseURL, fetchOptions: { signal } } });

  async function call<M extends keyof APIMethods>(
    method: M,
    params: APIMethodParams<M>,
    opts?: CallOptions,
  ): Promise<APIMethodReturn<M>> {
    const outer = opts?.signal;
    outer?.throwIfAborted();
    const limitMs = deadlineOf(String(method), params, timeoutMs);
    // One signal per call, for the deadline and the caller's abort; the listener on the
    // caller's signal goes when the call ends, so none piles up on a long-lived signal.
    const own = new AbortController();
    const onAbort = (): void => own.abort(outer?.reason);
    outer?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => own.abort(new Error("deadline")), limitMs);
    const api = botFor(own.signal).api as unknown as Record<string, AnyMethod>;
    const invoke = api[method];
    try {
      if (!invoke) throw new TypeError(`Unknown Bot API method ${String(method)}`);
      // A shallow copy: GramIO's format plugin rewrites `text`/`entities` in place.
      const body = params && typeof params === "object" ? { ...params } : params;
      return (await invoke(body)) as APIMethodReturn<M>;
    } catch (err) {
      if (outer?.aborted) throw outer.reason;
      if (own.signal.aborted) {
        throw new NetworkError({ method: String(method), problem: "timeout", origin, detail: `no answer within ${limitMs / 1000} s, the call was abandoned` });
      }
      throw normalise(err, String(method), origin, secrets);
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener("abort", onAbort);
    }
  }

  return { call };
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
  if (err instanceof TelegramError || err instanceof SyntaxError) {
    // JSON without error_code, or no JSON at all (a proxy's HTML error page).
    const message = (err as Error).message;
    const detail = err instanceof SyntaxError ? `not JSON (${message})` : `not a Bot API answer (${message || "no description"})`;
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
