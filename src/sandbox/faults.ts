import { ApiError } from "./errors.ts";
import type { FaultSpec } from "./types.ts";

interface Fault extends FaultSpec {
  left: number;
}

/** What an injected fault does to one call. */
export type FaultEffect =
  /** Answer with this error, without carrying the call out. */
  | { type: "error"; error: ApiError }
  /** Never answer; "after": carry the call out first (only the answer is lost). */
  | { type: "hang"; when: "before" | "after" };

/**
 * Injected failures: the next K calls matching a method and/or chat answer with the given
 * error (and retry_after) and have no effect, or get no answer at all (hang).
 */
export class FaultInjector {
  private faults: Fault[] = [];

  add(spec: FaultSpec): void {
    if (spec.hang !== undefined) {
      if (spec.hang !== "before" && spec.hang !== "after") throw new RangeError(`failNext: hang must be "before" or "after", got ${JSON.stringify(spec.hang)}`);
    } else {
      if (typeof spec.code !== "number" || !Number.isInteger(spec.code) || spec.code < 400) throw new RangeError(`failNext: code must be an HTTP error code (>= 400), got ${spec.code}`);
      if (typeof spec.description !== "string") throw new RangeError("failNext: description must be Telegram's error text, e.g. \"Bad Request: chat not found\"");
    }
    this.faults.push({ ...spec, left: spec.count ?? 1 });
  }

  /** What a matching fault does to this call (consuming one use), else undefined. */
  take(method: string, chatId: number | undefined): FaultEffect | undefined {
    const m = method.toLowerCase();
    const fault = this.faults.find(
      (f) => (f.method === undefined || f.method.toLowerCase() === m) && (f.chatId === undefined || f.chatId === chatId),
    );
    if (!fault) return undefined;
    fault.left--;
    if (fault.left <= 0) this.faults = this.faults.filter((f) => f !== fault);
    if (fault.hang !== undefined) return { type: "hang", when: fault.hang };
    const parameters = fault.retryAfter !== undefined ? { retry_after: fault.retryAfter } : undefined;
    return { type: "error", error: new ApiError(fault.code!, fault.description!, parameters) };
  }

  clear(): void {
    this.faults = [];
  }
}
