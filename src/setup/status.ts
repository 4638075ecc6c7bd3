/**
 * `clientes status`, computed: how many conversations are open, closed and waiting, who
 * waits and for how long, and the median first-response time. Pure, from the daemon's state.
 */
import { LANES } from "../core/jobs.ts";
import type { Conversation, State } from "../core/state.ts";
import type { Health } from "../daemon/health.ts";
import { displayName } from "./staff.ts";

/** A customer waiting for the team's answer. */
export interface WaitingCustomer {
  id: number;
  name: string;
  username?: string;
  priority: number;
  /** Epoch ms since when. */
  since: number;
  waitMs: number;
}

export interface StatusSummary {
  total: number;
  open: number;
  closed: number;
  /** Open conversations whose customer waits for an answer. */
  waiting: number;
  /** Longest wait first. */
  waitingCustomers: WaitingCustomer[];
  /** Median of firstResponseAt - firstMessageAt, over conversations answered at least once; null when none. */
  medianFirstResponseMs: number | null;
  /** How many conversations that median is over. */
  responded: number;
}

/** The median of some numbers (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function isWaiting(c: Conversation): boolean {
  return c.status === "open" && c.waitingSince !== undefined;
}

/** The summary of `state` at time `nowMs`. */
export function summarize(state: State, nowMs: number): StatusSummary {
  const conversations = Object.values(state.conversations);
  const waitingCustomers = conversations.filter(isWaiting).map((c): WaitingCustomer => {
    const since = c.waitingSince!;
    const w: WaitingCustomer = {
      id: c.customer.id,
      name: displayName(c.customer) || String(c.customer.id),
      priority: c.priority,
      since,
      waitMs: Math.max(0, nowMs - since),
    };
    if (c.customer.username) w.username = c.customer.username;
    return w;
  });
  waitingCustomers.sort((a, b) => b.waitMs - a.waitMs || b.priority - a.priority);
  const responses = conversations
    .filter((c) => c.firstResponseAt !== undefined)
    .map((c) => Math.max(0, c.firstResponseAt! - c.firstMessageAt));
  return {
    total: conversations.length,
    open: conversations.filter((c) => c.status === "open").length,
    closed: conversations.filter((c) => c.status === "closed").length,
    waiting: waitingCustomers.length,
    waitingCustomers,
    medianFirstResponseMs: median(responses),
    responded: responses.length,
  };
}

/** A duration as people say it: "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}

/** The summary as stable JSON for scripts (snake_case, seconds, ISO dates). */
export function statusJson(s: StatusSummary): Record<string, unknown> {
  return {
    total: s.total,
    open: s.open,
    closed: s.closed,
    waiting: s.waiting,
    waiting_customers: s.waitingCustomers.map((w) => ({
      id: w.id,
      name: w.name,
      username: w.username ?? null,
      priority: w.priority,
      waiting_since: new Date(w.since).toISOString(),
      wait_seconds: Math.floor(w.waitMs / 1000),
    })),
    median_first_response_seconds: s.medianFirstResponseMs === null ? null : Math.round(s.medianFirstResponseMs / 1000),
    responded: s.responded,
  };
}

/** What `clientes status` says about the daemon, from its lock and its health file. */
export interface DaemonStatus {
  /** A live process holds the store's lock. */
  running: boolean;
  pid: number | null;
  /** Running, past start-up, and its getUpdates calls are answered. */
  polling: boolean;
  /** "polling", "starting" (e.g. waiting for Telegram), or "not running". */
  state: "polling" | "starting" | "not running";
  startedAt: string | null;
  /** The last getUpdates Telegram answered (this run, or the last one when not running). */
  lastPollAt: string | null;
  lastPollAgoMs: number | null;
  /** Jobs queued in the store (messages, edits, cards to send). */
  backlog: number;
  unreachableSince: string | null;
  conflict: Health["conflict"];
  lastError: Health["last_error"];
}

/** Jobs queued across all conversations. */
export function backlogOf(state: State): number {
  let n = 0;
  // A store written before the card lane existed has no `card` queue until the daemon opens it.
  for (const c of Object.values(state.conversations)) for (const lane of LANES) n += c.queues[lane]?.length ?? 0;
  return n;
}

/**
 * The daemon's status. `pid`: the live process holding the lock (undefined: none). A health
 * file written by another pid is from an earlier run: it still tells the last poll and error.
 */
export function daemonStatus(health: Health | undefined, pid: number | undefined, backlog: number, nowMs: number): DaemonStatus {
  const running = pid !== undefined;
  const current = running && health?.pid === pid && health.state !== "stopped" ? health : undefined;
  const state = !running ? "not running" : current?.state === "polling" ? "polling" : "starting";
  const lastPollAt = health?.last_poll_at ?? null;
  return {
    running,
    pid: pid ?? null,
    polling: state === "polling" && current?.unreachable_since === null,
    state,
    startedAt: current?.started_at ?? null,
    lastPollAt,
    lastPollAgoMs: lastPollAt === null ? null : Math.max(0, nowMs - Date.parse(lastPollAt)),
    backlog,
    unreachableSince: current?.unreachable_since ?? null,
    conflict: health?.conflict ?? null,
    lastError: health?.last_error ?? null,
  };
}

/** The daemon's status as stable JSON for monitors. */
export function daemonJson(d: DaemonStatus): Record<string, unknown> {
  return {
    running: d.running,
    pid: d.pid,
    polling: d.polling,
    state: d.state,
    started_at: d.startedAt,
    last_poll_at: d.lastPollAt,
    last_poll_seconds_ago: d.lastPollAgoMs === null ? null : Math.floor(d.lastPollAgoMs / 1000),
    backlog: d.backlog,
    unreachable_since: d.unreachableSince,
    conflict: d.conflict,
    last_error: d.lastError,
  };
}

/** The daemon's status for people: one line, then what is wrong, each on its own line. */
export function daemonLines(d: DaemonStatus): string[] {
  const queued = `${d.backlog} ${d.backlog === 1 ? "delivery" : "deliveries"} queued`;
  const poll = d.lastPollAgoMs === null ? "no getUpdates answered yet" : `last getUpdates ${humanDuration(d.lastPollAgoMs)} ago`;
  const lines = [
    d.state === "polling"
      ? `daemon: ${d.polling ? "polling" : "running"} (pid ${d.pid}), ${poll}, ${queued}`
      : d.state === "starting"
        ? `daemon: starting (pid ${d.pid}), not polling yet, ${queued}`
        : `daemon: not running, ${queued}${d.lastPollAt ? ` (its last getUpdates: ${d.lastPollAt})` : ""}`,
  ];
  if (d.unreachableSince) lines.push(`  Telegram unavailable since ${d.unreachableSince}: retrying with backoff`);
  if (d.conflict) lines.push(`  another program polled with this bot token: ${d.conflict.count} conflicts since ${d.conflict.since}, the last at ${d.conflict.last_at} (\`clientes check\` says what to do)`);
  if (d.lastError) lines.push(`  last ${d.lastError.level === "error" ? "error" : "warning"} (${d.lastError.at}): ${d.lastError.message}`);
  return lines;
}
