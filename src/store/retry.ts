/**
 * Retrying a store write that fails (a full disk, an EIO, a folder made read-only) until
 * it succeeds, telling the operator what to do: at once, then every few minutes while it
 * lasts, and when it is over. The callers of write() simply wait: a support desk that
 * pauses for a full disk and carries on loses nothing; one that dies, or goes on without
 * storing, does.
 */
import { operatorLine } from "../errors.ts";
import { StoreError } from "./errors.ts";

/** Where the store tells the operator about trouble it handles itself (the daemon's logger). */
export interface StoreLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** How a failing write is retried. */
export interface RetryOptions {
  /** The first wait after a failure. Default 100 ms; it doubles up to `maxMs`. */
  firstMs?: number;
  /** The longest wait between two attempts. Default 2 s (an attempt on a full disk costs next to nothing). */
  maxMs?: number;
  /** While it still fails, say so again after this long. Default 5 min. */
  remindMs?: number;
  /** Once the store is stopping, give up a write that still fails after this long. Default 5 s. */
  stopGraceMs?: number;
}

const DEFAULTS: Required<RetryOptions> = { firstMs: 100, maxMs: 2000, remindMs: 5 * 60_000, stopGraceMs: 5000 };

/** One kind of trouble, told once, then every `remindMs` while it lasts, and when it ends. */
export class Trouble {
  #since: number | undefined;
  #told = 0;
  #count = 0;

  constructor(
    private readonly log: StoreLog | undefined,
    private readonly level: "warn" | "error",
    private readonly remindMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether it is failing right now. */
  get active(): boolean {
    return this.#since !== undefined;
  }

  failed(err: StoreError): void {
    const t = this.now();
    this.#count += 1;
    if (this.#since === undefined) {
      this.#since = this.#told = t;
      this.log?.[this.level](operatorLine(err));
    } else if (t - this.#told >= this.remindMs) {
      this.#told = t;
      this.log?.[this.level](`still failing for ${minutes(t - this.#since)} (${this.#count} attempts): ${operatorLine(err)}`);
    }
  }

  /** It worked: if it had been failing, say so (with what `over` says about it). */
  ok(over: (seconds: number) => string): void {
    if (this.#since === undefined) return;
    const seconds = (this.now() - this.#since) / 1000;
    this.#since = undefined;
    this.#count = 0;
    this.log?.info(over(seconds));
  }
}

/** Runs attempts until one succeeds; see the file comment. */
export class Retrier {
  readonly policy: Required<RetryOptions>;
  #stoppedAt: number | undefined;
  readonly #sleepers = new Set<() => void>();

  constructor(
    options: RetryOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.policy = { ...DEFAULTS, ...options };
  }

  /** The store is stopping: failing writes get `stopGraceMs` more, then their callers get the error. */
  stop(): void {
    this.#stoppedAt ??= this.now();
    for (const wake of this.#sleepers) wake();
  }

  /**
   * Calls `attempt` until it resolves. A StoreError is retried with backoff (and told
   * through `trouble`); anything else is a bug and is thrown at once, as is the last
   * StoreError once the store is stopping and `stopGraceMs` has passed.
   */
  async run(attempt: () => Promise<void>, trouble: Trouble, over: (seconds: number) => string): Promise<void> {
    let delay = this.policy.firstMs;
    for (;;) {
      try {
        await attempt();
        trouble.ok(over);
        return;
      } catch (err) {
        if (!(err instanceof StoreError)) throw err;
        trouble.failed(err);
        const stopping = this.#stoppedAt !== undefined;
        if (stopping && this.now() - this.#stoppedAt! >= this.policy.stopGraceMs) throw err;
        await this.#sleep(stopping ? Math.min(delay, 250) : delay);
        delay = Math.min(delay * 2, this.policy.maxMs);
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#sleepers.add(wake);
    });
  }
}

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m >= 1 ? `${m} min` : `${Math.round(ms / 1000)} s`;
}
