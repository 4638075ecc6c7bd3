/**
 * Runs `flush` so that every `request()` resolves once a flush that *started after
 * it was made* has finished. Requests made while a flush is in flight share one next
 * flush (group commit): a burst of N requests costs two flushes, not N.
 */
export class GroupCommit {
  readonly #flush: () => Promise<void>;
  #inFlight: Promise<void> | undefined;
  #next: Deferred | undefined;

  constructor(flush: () => Promise<void>) {
    this.#flush = flush;
  }

  request(): Promise<void> {
    if (this.#inFlight === undefined) return this.#start();
    this.#next ??= deferred();
    return this.#next.promise;
  }

  /** Resolves when nothing is in flight or queued (failures included: they were reported to their callers). */
  async idle(): Promise<void> {
    while (this.#inFlight !== undefined) await this.#inFlight.catch(() => {});
  }

  #start(): Promise<void> {
    const run = this.#flush().finally(() => {
      this.#inFlight = undefined;
      const next = this.#next;
      this.#next = undefined;
      if (next !== undefined) this.#start().then(next.resolve, next.reject);
    });
    this.#inFlight = run;
    return run;
  }
}

/** A promise settled from outside. */
export interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * A promise settled from outside. `handled`: its rejection is never reported as unhandled
 * (for promises a caller may ignore, such as stage()'s `appended`); awaiting it still throws.
 */
export function deferred(handled = false): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  if (handled) promise.catch(() => undefined);
  return { promise, resolve, reject };
}
