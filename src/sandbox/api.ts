import type { Engine } from "./engine.ts";
import { ApiError } from "./errors.ts";
import type { ChangeFeed } from "./events.ts";
import type { FaultInjector } from "./faults.ts";
import type { RateLimiter } from "./limits.ts";
import { COUNTED_METHODS, METHODS, WithDescription } from "./methods/index.ts";
import type { Params } from "./params.ts";
import type { RequestLogEntry } from "./types.ts";

/** An HTTP answer: status and JSON body. */
export interface ApiResponse {
  status: number;
  body: Record<string, unknown>;
}

/** No answer, ever (an injected hang): the request stays open until the client gives up. */
const NO_ANSWER = "no answer" as const;

/**
 * The Bot API front door: token check, method lookup, injected faults, rate limits, the
 * method itself, and the request log, answering exactly as Telegram does.
 */
export class BotApi {
  rateLimits: boolean;

  constructor(
    private readonly engine: Engine,
    readonly token: string,
    private readonly limiter: RateLimiter,
    private readonly faults: FaultInjector,
    private readonly feed: ChangeFeed,
    private readonly log: RequestLogEntry[] | undefined,
    rateLimits: boolean,
  ) {
    this.rateLimits = rateLimits;
  }

  /** The answer to one request; never settles for a request an injected fault hangs. */
  async handle(token: string, method: string, params: Params): Promise<ApiResponse> {
    const response = await this.answer(token, method, params);
    const at = this.engine.clock.now();
    if (response === NO_ANSWER) {
      // Logged with status 0: the request arrived, its answer never leaves.
      this.log?.push({ method, params: logParams(params), at, status: 0, response: null });
      this.feed.emit("request", { method, status: 0 });
      return new Promise<never>(() => {});
    }
    this.log?.push({ method, params: logParams(params), at, status: response.status, response: structuredClone(response.body) });
    this.feed.emit("request", { method, status: response.status });
    return response;
  }

  private async answer(token: string, method: string, params: Params): Promise<ApiResponse | typeof NO_ANSWER> {
    if (token !== this.token) return error(new ApiError(401, "Unauthorized"));
    const entry = METHODS.get(method.toLowerCase());
    if (!entry) return error(new ApiError(404, "Not Found"));

    const chat = this.engine.world.resolveChatParam(params.str("chat_id"));
    const fault = this.faults.take(entry.name, chat?.id ?? numberOrUndefined(params.str("chat_id")));
    if (fault?.type === "error") return error(fault.error);
    if (fault?.type === "hang" && fault.when === "before") return NO_ANSWER;
    const lost = fault?.type === "hang";

    const counted = this.rateLimits && chat !== undefined && COUNTED_METHODS.has(entry.name.toLowerCase());
    if (counted) {
      const wait = this.limiter.check(chat.id, chat.type !== "private");
      if (wait > 0) return error(new ApiError(429, `Too Many Requests: retry after ${wait}`, { retry_after: wait }));
    }
    try {
      const result = await entry.handler(this.engine, params);
      if (counted) this.limiter.record(chat.id, chat.type !== "private");
      if (lost) return NO_ANSWER;
      if (result instanceof WithDescription) return { status: 200, body: { ok: true, result: result.result, description: result.description } };
      return { status: 200, body: { ok: true, result } };
    } catch (e) {
      if (lost) return NO_ANSWER;
      if (e instanceof ApiError) return error(e);
      return error(new ApiError(500, `Internal Server Error: sandbox failure in ${entry.name}: ${e instanceof Error ? e.message : String(e)}`));
    }
  }
}

function error(e: ApiError): ApiResponse {
  return { status: e.code, body: e.toBody() };
}

function numberOrUndefined(s: string): number | undefined {
  return /^-?\d+$/.test(s.trim()) ? Number(s) : undefined;
}

function logParams(params: Params): Record<string, unknown> {
  const out = structuredClone(params.raw);
  for (const [field, file] of params.uploads) out[field] = { upload: file.name };
  return out;
}
