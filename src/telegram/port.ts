import type { APIMethods, APIMethodParams, APIMethodReturn } from "@gramio/types";
import type { Priority } from "./limiter.ts";

/** Per-call options every port accepts. */
export interface CallOptions {
  /** Aborts this call only (e.g. the daemon's 25 s long poll at shutdown); the call then rejects with `signal.reason`. */
  signal?: AbortSignal;
  /**
   * How a paced port (limitedPort) ranks this send: `background` ones (private messages to
   * staff) go only when no normal send waits, and leave part of the overall budget free.
   * Other ports ignore it. Default "normal".
   */
  priority?: Priority;
}

/**
 * The one way the daemon and the CLI talk to Telegram. The real one is `createTelegram`
 * (client.ts); tests wrap it with `recordingPort` or replace it.
 *
 * `call` resolves with Telegram's `result`, or rejects with a `TelegramApiError` (Telegram
 * said no) or a `NetworkError` (no usable answer); see errors.ts for what to do with each.
 */
export interface TelegramPort {
  call<M extends keyof APIMethods>(
    method: M,
    params: APIMethodParams<M>,
    opts?: CallOptions,
  ): Promise<APIMethodReturn<M>>;
}
