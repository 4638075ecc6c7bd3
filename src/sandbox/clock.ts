/**
 * The sandbox's notion of "now": real time plus an offset that tests move forward
 * (`advanceClock`) to age messages past the 48 h edit window or expire rate-limit windows.
 */
export class Clock {
  private offsetMs = 0;

  /** `source` is where real time comes from (tests may pass a frozen one). */
  constructor(private readonly source: () => number = Date.now) {}

  /** Unix time in ms. */
  now(): number {
    return this.source() + this.offsetMs;
  }

  /** Unix time in seconds, as message dates are. */
  unix(): number {
    return Math.floor(this.now() / 1000);
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advanceClock: expected a non-negative number of ms, got ${ms}`);
    this.offsetMs += ms;
  }
}
