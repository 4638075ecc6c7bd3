/**
 * The daemon's health file, `<store>.health` (next to `<store>.lock`): whether it polls
 * or receives updates by webhook, when getUpdates last worked and the last update came, whether Telegram is reachable, another poller, the last
 * problem logged. `clientes status` reads it; the daemon writes it atomically from a
 * timer, at most every {@link HEALTH_INTERVAL_MS} and only when something changed, never
 * on the path of a message.
 */
import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "../store/atomic-write.ts";
import type { LogFields, Logger } from "../log.ts";

/** How often the daemon looks for changes to write. */
export const HEALTH_INTERVAL_MS = 2000;

/** A warning or error the daemon logged. */
export interface LoggedProblem {
  at: string;
  level: "warn" | "error";
  message: string;
}

/** What the health file holds (snake_case, ISO dates: it is read by scripts too). */
export interface Health {
  version: 1;
  pid: number;
  started_at: string;
  /**
   * "starting": not polling yet (e.g. waiting for Telegram at boot); "polling": getUpdates;
   * "webhook": Telegram posts updates to the daemon's server; "stopped": exited.
   */
  state: "starting" | "polling" | "webhook" | "stopped";
  /** The last getUpdates that Telegram answered. */
  last_poll_at: string | null;
  /** When the last update came in (either mode): in webhook mode, the sign that Telegram reaches the daemon. */
  last_update_at?: string | null;
  /** Since when calls to Telegram fail (network, 5xx, deadlines); null while it answers. */
  unreachable_since: string | null;
  /** Another program polled with this token (409 Conflict): since when, last seen, how often. */
  conflict: { since: string; last_at: string; count: number } | null;
  last_error: LoggedProblem | null;
}

/** Where the health file of a store lives. */
export function healthPath(storePath: string): string {
  return `${storePath}.health`;
}

/** The health file of `storePath`, or undefined when there is none or it cannot be read. */
export async function readHealth(storePath: string): Promise<Health | undefined> {
  const text = await readFile(healthPath(storePath), "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const h = JSON.parse(text) as Partial<Health>;
    return h && h.version === 1 && typeof h.pid === "number" ? (h as Health) : undefined;
  } catch {
    return undefined; // a file from a future version or a torn copy: status says "unknown"
  }
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/**
 * The daemon's side: plain fields the daemon sets as things happen (cheap), and a timer
 * that writes them when they changed.
 */
export class HealthReporter {
  state: Health["state"] = "starting";
  lastPollAt: number | undefined;
  lastUpdateAt: number | undefined;
  unreachableSince: number | undefined;
  conflict: { since: number; lastAt: number; count: number } | undefined;
  lastError: LoggedProblem | undefined;

  private readonly path: string;
  private readonly startedAt: number;
  private timer: NodeJS.Timeout | undefined;
  private written = "";
  private writing: Promise<void> = Promise.resolve();
  private failedOnce = false;

  private readonly pid: number;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly secrets: readonly string[];

  constructor(opts: { storePath: string; pid: number; log: Logger; now?: () => number; secrets?: readonly string[] }) {
    this.path = healthPath(opts.storePath);
    this.pid = opts.pid;
    this.log = opts.log;
    this.now = opts.now ?? Date.now;
    this.secrets = (opts.secrets ?? []).filter((s) => s.length >= 8);
    this.startedAt = this.now();
  }

  /** A logger that also remembers the last warning or error as `last_error`. */
  watching(log: Logger): Logger {
    const remember = (level: "warn" | "error", message: string, fields?: LogFields) => {
      const error = fields?.error;
      const full = error === undefined ? message : `${message}: ${error instanceof Error ? error.message : String(error)}`;
      let line = full.split("\n")[0]!.slice(0, 1000);
      for (const s of this.secrets) line = line.split(s).join("***");
      this.lastError = { at: new Date(this.now()).toISOString(), level, message: line };
    };
    return {
      debug: (m, f) => log.debug(m, f),
      info: (m, f) => log.info(m, f),
      warn: (m, f) => {
        remember("warn", m, f);
        log.warn(m, f);
      },
      error: (m, f) => {
        remember("error", m, f);
        log.error(m, f);
      },
    };
  }

  /** Writes now, then whenever something changed, every {@link HEALTH_INTERVAL_MS}. */
  start(intervalMs = HEALTH_INTERVAL_MS): void {
    void this.flush();
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  /** Marks the daemon stopped and writes that last. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.state = "stopped";
    await this.flush();
  }

  /** The record as it would be written. */
  snapshot(): Health {
    return {
      version: 1,
      pid: this.pid,
      started_at: new Date(this.startedAt).toISOString(),
      state: this.state,
      last_poll_at: iso(this.lastPollAt),
      last_update_at: iso(this.lastUpdateAt),
      unreachable_since: iso(this.unreachableSince),
      conflict: this.conflict ? { since: iso(this.conflict.since)!, last_at: iso(this.conflict.lastAt)!, count: this.conflict.count } : null,
      last_error: this.lastError ?? null,
    };
  }

  private flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      const text = JSON.stringify(this.snapshot(), null, 2) + "\n";
      if (text === this.written) return;
      try {
        await writeFileAtomic(this.path, text, { mode: 0o600 });
        this.written = text;
      } catch (err) {
        // The relay does not depend on it: say so once and keep relaying.
        if (!this.failedOnce) this.log.warn(`cannot write the health file ${this.path} (clientes status will not show the daemon): ${(err as Error).message}`);
        this.failedOnce = true;
      }
    });
    return this.writing;
  }
}
