/**
 * The demo desk's clock: real time plus an offset that only moves forward. It is the `now`
 * the daemon takes (the same option the tests inject) and the sandbox's time source, so the
 * relay, the message dates and the cards all agree. The page moves it to the next closed
 * period ("🌙 After hours", to see the away text) and on to the next open one.
 *
 * Forward only, as a real clock: a wait's response target, a survey's 24 hours and the
 * deliverer's timers never see time run backwards.
 */
import { isOpen, nextClosing, nextOpening, type Hours } from "../core/hours.ts";

/** A period shorter than this is skipped, so the desk does not flip back while someone plays. */
const STAY_MS = 60 * 60_000;
/** Enough for weeks of holidays in a row; more means hours that never open or never close. */
const MAX_HOPS = 100;

/** What the page shows of the clock (GET /demo/clock). */
export interface ClockStatus {
  /** The desk's time, epoch ms. */
  now: number;
  open: boolean;
  /** The hours' zone, to show `now` in. */
  timezone: string;
  /** When `open` flips by itself (the desk closes, or opens again); null if never. */
  until: number | null;
}

/** The demo desk's clock; starts at real time, or later when the desk is closed then. */
export class DeskClock {
  private offsetMs = 0;

  constructor(
    private readonly hours: Hours,
    private readonly source: () => number = Date.now,
  ) {
    this.moveTo(true);
  }

  /** The desk's time, epoch ms: what the daemon and the sandbox are given. */
  readonly now = (): number => this.source() + this.offsetMs;

  /**
   * Moves the clock forward to the next moment the desk is `open` (or closed) for at least
   * an hour; does nothing when it already is. Returns the status after the move.
   */
  moveTo(open: boolean): ClockStatus {
    let t = this.now();
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      const state = isOpen(this.hours, t);
      const end = this.end(t, state);
      if (state === open && (end === undefined || end - t >= STAY_MS)) {
        this.offsetMs += t - this.now();
        return this.status();
      }
      // The wrong kind of period, or one too short: on to where it ends.
      if (end === undefined || end <= t) break;
      t = end;
    }
    throw new RangeError(`the demo's business hours have no ${open ? "open" : "closed"} period of an hour`);
  }

  status(): ClockStatus {
    const now = this.now();
    const open = isOpen(this.hours, now);
    return { now, open, timezone: this.hours.timezone, until: this.end(now, open) ?? null };
  }

  /** When the period of kind `open` that holds `t` ends. */
  private end(t: number, open: boolean): number | undefined {
    return open ? nextClosing(this.hours, t) : nextOpening(this.hours, t);
  }
}
