/** Counts what the daemon does, as the sandbox sees it: requests per method and copies into the group. */
import type { Sandbox, SandboxEvent } from "../../src/sandbox/index.ts";

/** Live counters fed by the sandbox's change feed (works with `logRequests: false`). */
export class Counters {
  /** Bot API requests by method (any status). */
  readonly requests = new Map<string, number>();
  /** Requests answered with 429, by method. */
  readonly tooMany = new Map<string, number>();
  /** Messages the bot posted in the group (copies, notices), not service messages. */
  groupCopies = 0;
  /** performance.now() of the latest group copy. */
  lastCopyAt = 0;
  /** performance.now() of the latest request other than getUpdates. */
  lastRequestAt = 0;
  readonly #unsubscribe: () => void;

  constructor(private readonly sb: Sandbox) {
    this.#unsubscribe = sb.subscribe((e) => this.#on(e));
  }

  #on(e: SandboxEvent): void {
    if (e.type === "request") {
      const method = String(e.method);
      if (method !== "getUpdates") this.lastRequestAt = performance.now();
      this.requests.set(method, (this.requests.get(method) ?? 0) + 1);
      if (e.status === 429) this.tooMany.set(method, (this.tooMany.get(method) ?? 0) + 1);
    } else if (e.type === "message" && e.byBot === true && e.chatId === this.sb.groupId && e.service !== true) {
      this.groupCopies += 1;
      this.lastCopyAt = performance.now();
    }
  }

  /** Requests of `method`, or of every method but getUpdates when omitted. */
  count(method?: string): number {
    if (method !== undefined) return this.requests.get(method) ?? 0;
    let n = 0;
    for (const [m, c] of this.requests) if (m !== "getUpdates") n += c;
    return n;
  }

  total429(): number {
    let n = 0;
    for (const c of this.tooMany.values()) n += c;
    return n;
  }

  /** Starts counting afresh (e.g. once the warm-up is over). */
  reset(): void {
    this.requests.clear();
    this.tooMany.clear();
    this.groupCopies = 0;
    this.lastCopyAt = 0;
  }

  /** Resolves once the daemon has made no request but getUpdates for `quietMs` (its queues are empty). */
  async settle(quietMs = 300, timeoutMs = 60_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const now = performance.now();
      if (now - this.lastRequestAt >= quietMs && this.sb.isPolling()) return;
      if (now > deadline) throw new Error(`the daemon was still busy after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): void {
    this.#unsubscribe();
  }
}
