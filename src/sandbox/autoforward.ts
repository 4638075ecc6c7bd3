interface Pending {
  postId: number;
  dueAt: number;
}

/**
 * Schedules automatic forwards of channel posts into the discussion group: each one after
 * the configured delay, always asynchronously, strictly in the order the posts were made.
 */
export class AutoForwarder {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private delayMs: number,
    private readonly materialize: (postId: number) => void,
  ) {}

  setDelay(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`autoForwardDelayMs: expected a non-negative number, got ${ms}`);
    this.delayMs = ms;
  }

  get delay(): number {
    return this.delayMs;
  }

  enqueue(postId: number): void {
    if (this.closed) return;
    this.queue.push({ postId, dueAt: performance.now() + this.delayMs });
    this.schedule();
  }

  /** Posts still waiting for their forward. */
  get pending(): number {
    return this.queue.length;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.queue = [];
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    const head = this.queue[0];
    if (!head) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const now = performance.now();
      // FIFO: a later post never overtakes an earlier one, even if the delay was shortened.
      while (this.queue[0] && this.queue[0].dueAt <= now) {
        const next = this.queue.shift()!;
        this.materialize(next.postId);
      }
      this.schedule();
    }, Math.max(0, head.dueAt - performance.now()));
  }
}
