/**
 * How the daemon lives through Telegram being away, or shared: an outage is logged when it
 * starts, every minute while it lasts and once when Telegram answers again; another program
 * polling with the same token is logged loudly, then every few minutes. Both show in the
 * health file. Calls at start-up wait for Telegram ({@link untilAnswered}) instead of failing.
 */
import type { Logger } from "../log.ts";
import { humanDuration } from "../setup/status.ts";
import { backoffMs, classify, describeForOperator, TelegramApiError } from "../telegram/errors.ts";
import { realSleep, type Sleep } from "../telegram/limited.ts";
import type { HealthReporter } from "./health.ts";

/** How often the log repeats what still lasts, and when a conflict counts as over. */
export interface WatchIntervals {
  /** "Telegram still unavailable" at most this often (default 60 s). */
  outageLogMs: number;
  /** "another program still polls" at most this often (default 5 min). */
  conflictLogMs: number;
  /** No 409 for this long ends a conflict (default 60 s). */
  conflictQuietMs: number;
}

const DEFAULT_INTERVALS: WatchIntervals = { outageLogMs: 60_000, conflictLogMs: 300_000, conflictQuietMs: 60_000 };

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Follows Telegram's answers and failures; logs the changes, not every failure. */
export class TelegramWatch {
  private outage: { since: number; failures: number; loggedAt: number } | undefined;
  private conflicts: { since: number; last: number; count: number; loggedAt: number } | undefined;
  private readonly intervals: WatchIntervals;

  constructor(
    private readonly log: Logger,
    private readonly health: HealthReporter,
    private readonly now: () => number = Date.now,
    intervals: Partial<WatchIntervals> = {},
  ) {
    this.intervals = { ...DEFAULT_INTERVALS, ...intervals };
  }

  /** A call failed for a reason that passes (network, 5xx, 429, a deadline); retried after `retryMs`. */
  failed(what: string, err: unknown, retryMs: number): void {
    const t = this.now();
    const text = describeForOperator(err);
    const fields = { method: what.split(" ")[0]! };
    const o = this.outage;
    if (!o) {
      this.outage = { since: t, failures: 1, loggedAt: t };
      this.health.unreachableSince = t;
      this.log.warn(`Telegram unavailable (${what}): ${text}; retrying with backoff until it answers (next try in ${seconds(retryMs)})`, fields);
      return;
    }
    o.failures++;
    if (t - o.loggedAt >= this.intervals.outageLogMs) {
      o.loggedAt = t;
      this.log.warn(`Telegram still unavailable after ${humanDuration(t - o.since)} (${o.failures} failed attempts; ${what}): ${text}`, fields);
    } else {
      this.log.debug(`${what} failed, retrying in ${seconds(retryMs)}: ${text}`, fields);
    }
  }

  /** Telegram answered a call (whatever it said): ends an outage, with one line. */
  answered(): void {
    const o = this.outage;
    if (!o) return;
    this.outage = undefined;
    this.health.unreachableSince = undefined;
    this.log.info(`Telegram reachable again after ${humanDuration(this.now() - o.since)} (${o.failures} failed ${o.failures === 1 ? "attempt" : "attempts"})`);
  }

  /** A getUpdates call worked. */
  polled(): void {
    this.answered();
    const t = this.now();
    this.health.lastPollAt = t;
    const c = this.conflicts;
    if (c && t - c.last >= this.intervals.conflictQuietMs) {
      this.conflicts = undefined;
      this.health.conflict = undefined;
      this.log.info(`no other program has polled with this bot token for ${humanDuration(t - c.last)} (${c.count} conflicts in all): polling alone again`);
    }
  }

  /**
   * getUpdates got 409: another program polls with this token, or set a webhook. Returns how
   * long to wait before polling again (growing while the conflict lasts).
   */
  conflict(err: unknown): number {
    this.answered();
    const t = this.now();
    let c = this.conflicts;
    const said = err instanceof TelegramApiError ? `Telegram says: ${err.description}` : describeForOperator(err);
    const webhook = /webhook/i.test(said);
    if (!c || t - c.last >= this.intervals.conflictQuietMs) {
      c = this.conflicts = { since: t, last: t, count: 1, loggedAt: t };
      this.log.error(
        webhook
          ? `a webhook is set for this bot token, so Telegram refuses to hand updates to this daemon (${said}): another program set it; stop that program, or remove the webhook (\`clientes start\` deletes it when it starts). Polling goes on with backoff`
          : `another program is polling Telegram with this bot token (${said}): each update goes to only one of them, so customers' messages may never reach the team. Stop the other program (a second \`clientes start\` elsewhere, a script, another bot framework); \`clientes check\` shows it while it lasts. Polling goes on with backoff`,
        { method: "getUpdates", cause: "conflict" },
      );
    } else {
      c.count++;
      c.last = t;
      if (t - c.loggedAt >= this.intervals.conflictLogMs) {
        c.loggedAt = t;
        this.log.error(`still ${webhook ? "a webhook is set for" : "another program polls with"} this bot token: ${c.count} conflicts in ${humanDuration(t - c.since)}; customers' messages may be going to it`, { method: "getUpdates", cause: "conflict" });
      }
    }
    this.health.conflict = { since: c.since, lastAt: c.last, count: c.count };
    return backoffMs(c.count);
  }
}

/**
 * Calls Telegram until it answers: a failure that passes (network, 5xx, 429, a deadline) is
 * logged through `watch` and retried with backoff for as long as it takes, so a daemon
 * started at boot before the network waits for it. Telegram's refusals are thrown, and so
 * is the abort of `signal` (shutdown).
 */
export async function untilAnswered<T>(what: string, run: () => Promise<T>, watch: TelegramWatch, signal: AbortSignal, sleep: Sleep = realSleep): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await run();
      watch.answered();
      return result;
    } catch (err) {
      if (signal.aborted) throw err;
      const f = classify(err, attempt);
      if (f.kind !== "retry") {
        if (err instanceof TelegramApiError) watch.answered();
        throw err;
      }
      watch.failed(what, err, f.afterMs);
      await sleep(f.afterMs, signal);
    }
  }
}
