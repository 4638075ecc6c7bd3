/**
 * `clientes status`, computed: how many conversations are open, closed and waiting, who
 * waits and for how long, and the median first-response time. Pure, from the daemon's state.
 */
import type { Conversation, State } from "../core/state.ts";
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
