import { ApiError } from "./errors.ts";
import type { FaultSpec } from "./types.ts";

interface Fault extends FaultSpec {
  left: number;
}

/**
 * Injected failures: the next K calls matching a method and/or chat answer with the given
 * error (and retry_after), and have no effect.
 */
export class FaultInjector {
  private faults: Fault[] = [];

  add(spec: FaultSpec): void {
    if (!Number.isInteger(spec.code) || spec.code < 400) throw new RangeError(`failNext: code must be an HTTP error code (>= 400), got ${spec.code}`);
    this.faults.push({ ...spec, left: spec.count ?? 1 });
  }

  /** The error for this call if a fault matches it (consuming one use), else undefined. */
  take(method: string, chatId: number | undefined): ApiError | undefined {
    const m = method.toLowerCase();
    const fault = this.faults.find(
      (f) => (f.method === undefined || f.method.toLowerCase() === m) && (f.chatId === undefined || f.chatId === chatId),
    );
    if (!fault) return undefined;
    fault.left--;
    if (fault.left <= 0) this.faults = this.faults.filter((f) => f !== fault);
    const parameters = fault.retryAfter !== undefined ? { retry_after: fault.retryAfter } : undefined;
    return new ApiError(fault.code, fault.description, parameters);
  }

  clear(): void {
    this.faults = [];
  }
}
