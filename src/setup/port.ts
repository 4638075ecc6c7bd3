/**
 * The Telegram port the setup commands use: every call has a deadline (a wrong api_root
 * that never answers must not hang `clientes check`), and Ctrl+C ends it at once.
 */
import type { APIMethodParams, APIMethodReturn, APIMethods } from "@gramio/types";
import { PromptCancelled } from "../errors.ts";
import { createTelegram } from "../telegram/client.ts";
import { NetworkError } from "../telegram/errors.ts";
import type { CallOptions, TelegramPort } from "../telegram/port.ts";

/** How long one call may take before it counts as "Telegram cannot be reached". */
export const CALL_TIMEOUT_MS = 15_000;

export interface SetupPortOptions {
  token: string;
  apiRoot: string;
  /** The process's shutdown signal (Ctrl+C): a call in flight rejects with PromptCancelled. */
  signal: AbortSignal;
  timeoutMs?: number;
  /** The underlying port (tests); default: the real client for token/apiRoot. */
  inner?: TelegramPort;
}

/**
 * A port whose calls end within `timeoutMs` (plus a getUpdates long-poll `timeout`) with a
 * NetworkError naming api_root, and reject with {@link PromptCancelled} when `signal` fires.
 */
export function setupPort(options: SetupPortOptions): TelegramPort {
  const inner = options.inner ?? createTelegram({ token: options.token, apiRoot: options.apiRoot });
  const limit = options.timeoutMs ?? CALL_TIMEOUT_MS;
  const origin = originOf(options.apiRoot);
  return {
    async call<M extends keyof APIMethods>(method: M, params: APIMethodParams<M>, opts?: CallOptions): Promise<APIMethodReturn<M>> {
      if (options.signal.aborted) throw new PromptCancelled();
      const poll = method === "getUpdates" ? Number((params as { timeout?: unknown } | undefined)?.timeout ?? 0) : 0;
      // A plain (ref'd) timer, cleared when the call ends: AbortSignal.timeout's is unref'd.
      const timer = new AbortController();
      const ms = limit + (Number.isFinite(poll) ? poll * 1000 : 0);
      const handle = setTimeout(() => timer.abort(new Error("timeout")), ms);
      const signals = [options.signal, timer.signal, ...(opts?.signal ? [opts.signal] : [])];
      try {
        return await inner.call(method, params, { signal: AbortSignal.any(signals) });
      } catch (err) {
        if (options.signal.aborted) throw new PromptCancelled({ cause: err });
        if (timer.signal.aborted && !opts?.signal?.aborted) {
          throw new NetworkError({
            method: String(method),
            problem: "unreachable",
            origin,
            detail: `no answer within ${Math.round(ms / 1000)} s`,
          });
        }
        throw err;
      } finally {
        clearTimeout(handle);
      }
    },
  };
}

function originOf(apiRoot: string): string {
  try {
    return new URL(apiRoot).origin;
  } catch {
    return apiRoot;
  }
}
