/**
 * `clientes status`, computed: how many conversations are open, closed and waiting, who
 * waits and for how long, and the median first-response time. Pure, from the daemon's state.
 */
import type { StaffMember } from "../config/types.ts";
import { cardState, ownerName, slug } from "../core/card.ts";
import { describeStaff, findStaff } from "../core/triage.ts";
import { OperatorError } from "../errors.ts";
import { EXIT } from "../runtime.ts";
import type { Conversation, State } from "../core/state.ts";
import type { Health } from "../daemon/health.ts";
import { displayName } from "./staff.ts";
import { mergeRun } from "../core/merge.ts";
import { keyOf, PER_CHAT_INTERVAL_MS, PER_GROUP_PER_MINUTE } from "../telegram/limiter.ts";

/** A customer waiting for the team's answer. */
export interface WaitingCustomer {
  id: number;
  name: string;
  username?: string;
  priority: number;
  /** Who owns the conversation (`/take`, `/assign`), if anybody. */
  owner?: { id: number; name: string };
  tags: string[];
  /** Epoch ms since when. */
  since: number;
  waitMs: number;
}

/** Which waiting customers to list: `--owner` (a staff member, or `none`) and `--tag`. */
export interface StatusFilter {
  /** A staff id, or null for "nobody owns it". */
  owner?: number | null;
  tag?: string;
}

export interface StatusSummary {
  total: number;
  open: number;
  closed: number;
  /** Open conversations whose customer waits for an answer. */
  waiting: number;
  /** Longest wait first (the oldest first), only those the filter lets through. */
  waitingCustomers: WaitingCustomer[];
  /** The filter applied to `waitingCustomers`, if any. */
  filter?: StatusFilter;
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

/** Waiting as the card says it (`#waiting`): open, unanswered, not banned or blocked. */
function isWaiting(c: Conversation): boolean {
  return cardState(c) === "waiting";
}

function passes(c: Conversation, f: StatusFilter | undefined): boolean {
  if (!f) return true;
  if (f.owner !== undefined && (c.owner ?? null) !== f.owner) return false;
  if (f.tag !== undefined && !(c.tags ?? []).includes(f.tag)) return false;
  return true;
}

/**
 * The summary of `state` at time `nowMs`. `staffNames` names owners (the config's staff);
 * `filter` narrows the list of waiting customers, not the counts.
 */
export function summarize(state: State, nowMs: number, staffNames: ReadonlyMap<number, string> = new Map(), filter?: StatusFilter): StatusSummary {
  const conversations = Object.values(state.conversations);
  const waiting = conversations.filter(isWaiting);
  const waitingCustomers = waiting.filter((c) => passes(c, filter)).map((c): WaitingCustomer => {
    const since = c.waitingSince!;
    const w: WaitingCustomer = {
      id: c.customer.id,
      name: displayName(c.customer) || String(c.customer.id),
      priority: c.priority,
      tags: [...(c.tags ?? [])],
      since,
      waitMs: Math.max(0, nowMs - since),
    };
    if (c.customer.username) w.username = c.customer.username;
    if (c.owner !== undefined) w.owner = { id: c.owner, name: ownerName(c, staffNames)! };
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
    waiting: waiting.length,
    waitingCustomers,
    ...(filter ? { filter } : {}),
    medianFirstResponseMs: median(responses),
    responded: responses.length,
  };
}

/**
 * Reads `--owner` and `--tag`: the owner is a staff member as `/assign` takes them (a name
 * as in the config, its first word, or an id) or `none`; the tag is written as on the card.
 */
export function parseStatusFilter(staff: readonly StaffMember[], opts: { owner?: string; tag?: string }): StatusFilter | undefined {
  const filter: StatusFilter = {};
  if (opts.owner !== undefined) {
    if (/^(none|nobody|-)$/i.test(opts.owner.trim())) filter.owner = null;
    else {
      const list = staff.map((s) => (s.name ? { id: s.id, name: s.name } : { id: s.id }));
      const hit = findStaff(list, opts.owner);
      if (!("found" in hit)) {
        const which = "ambiguous" in hit ? `"${opts.owner}" could be more than one staff member (${describeStaff(hit.ambiguous)})` : `no staff member is called "${opts.owner}"`;
        throw new OperatorError(`--owner: ${which}`, {
          hint: list.length ? `pass a name from the staff list, an id, or none: ${describeStaff(list)}` : "the config has no staff yet (`clientes staff add`); --owner none lists the unowned",
          exitCode: EXIT.USAGE,
        });
      }
      filter.owner = hit.found.id;
    }
  }
  if (opts.tag !== undefined) {
    const tag = slug(opts.tag.replace(/^#/, ""));
    if (!tag) throw new OperatorError(`--tag: "${opts.tag}" is not a tag`, { hint: "pass a tag as the card shows it, like --tag billing", exitCode: EXIT.USAGE });
    filter.tag = tag;
  }
  return opts.owner === undefined && opts.tag === undefined ? undefined : filter;
}

/** Whole seconds of a duration, the same in the text and in the JSON. */
export function seconds(ms: number): number {
  return Math.max(0, Math.round(ms / 1000));
}

/** A duration as people say it: "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function humanDuration(ms: number): string {
  const s = seconds(ms);
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
    // owner: a staff id, "none" (nobody owns it), or null (any owner).
    ...(s.filter ? { filter: { owner: s.filter.owner === undefined ? null : (s.filter.owner ?? "none"), tag: s.filter.tag ?? null } } : {}),
    waiting_customers: s.waitingCustomers.map((w) => ({
      id: w.id,
      name: w.name,
      username: w.username ?? null,
      priority: w.priority,
      owner: w.owner ? { id: w.owner.id, name: w.owner.name } : null,
      tags: w.tags,
      waiting_since: new Date(w.since).toISOString(),
      wait_seconds: seconds(w.waitMs),
    })),
    median_first_response_seconds: s.medianFirstResponseMs === null ? null : seconds(s.medianFirstResponseMs),
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
  /** "polling", "webhook" (Telegram posts updates to it), "starting" (e.g. waiting for Telegram), or "not running". */
  state: "polling" | "webhook" | "starting" | "not running";
  startedAt: string | null;
  /** The last getUpdates Telegram answered (this run, or the last one when not running). */
  lastPollAt: string | null;
  lastPollAgoMs: number | null;
  /** The last update that came in (by getUpdates or by webhook). */
  lastUpdateAt: string | null;
  lastUpdateAgoMs: number | null;
  /** Jobs queued in the store (messages, edits, cards to send). */
  backlog: number;
  /** What waits for the group's budget, and how long Telegram's limits take to clear it. */
  group: GroupBacklog;
  unreachableSince: string | null;
  conflict: Health["conflict"];
  lastError: Health["last_error"];
}

/** Messages queued for the discussion group: Telegram lets a bot post ~20 a minute there. */
export interface GroupBacklog {
  /** Messages (copies, edits, notices) waiting to go into the group. */
  messages: number;
  /** The comments they make (fewer than messages when texts go merged). */
  comments: number;
  /** The least time Telegram's limits allow to post them all, ms (0: nothing waits). */
  clearMs: number;
}

/** Per group: this many sends in any minute, at least this far apart (Telegram's limits, as the daemon paces them). */
const GROUP_PER_MINUTE = PER_GROUP_PER_MINUTE;
const GROUP_GAP_MS = PER_CHAT_INTERVAL_MS;

/**
 * What waits for the group (`group`: its numeric id, whose sends of the last minute the
 * daemon stores) and the earliest it can be cleared from `nowMs`, with texts merged as the
 * daemon merges them under backlog when `coalesce` is on.
 */
export function groupBacklogOf(state: State, coalesce: boolean, group: number | string, nowMs: number): GroupBacklog {
  let messages = 0;
  let comments = 0;
  for (const c of Object.values(state.conversations)) {
    const lane = c.queues.team;
    for (let i = 0; i < lane.length; i++) {
      const job = lane[i]!;
      if (job.kind === "inAlbum") {
        messages += job.parts.length;
        comments += job.parts.length;
      } else if (job.kind === "in" || job.kind === "inEdit" || job.kind === "notice") {
        messages += 1;
        comments += 1;
        if (coalesce && job.kind === "in") {
          // The texts that would go with this one (see src/core/merge.ts).
          const run = mergeRun(lane.slice(i), new Set(), true).length;
          if (run > 1) {
            messages += run - 1;
            i += run - 1;
          }
        }
      }
    }
  }
  return { messages, comments, clearMs: clearTime(comments, state.recentSends[keyOf(group)] ?? [], nowMs) };
}

/** When the last of `n` sends can go, after the sends of the last minute (`recent`, epoch ms): ms from now. */
function clearTime(n: number, recent: readonly number[], nowMs: number): number {
  if (n === 0) return 0;
  const times = recent.filter((t) => t > nowMs - 60_000 && t <= nowMs).sort((a, b) => a - b);
  let t = nowMs;
  for (let i = 0; i < n; i++) {
    const last = times.at(-1);
    t = Math.max(nowMs, last === undefined ? nowMs : last + GROUP_GAP_MS);
    if (times.length >= GROUP_PER_MINUTE) t = Math.max(t, times[times.length - GROUP_PER_MINUTE]! + 60_000);
    times.push(t);
  }
  return t - nowMs;
}

/**
 * The daemon's status. `pid`: the live process holding the lock (undefined: none). A health
 * file written by another pid is from an earlier run: it still tells the last poll and error.
 */
export function daemonStatus(health: Health | undefined, pid: number | undefined, backlog: number, nowMs: number, group: GroupBacklog = { messages: 0, comments: 0, clearMs: 0 }): DaemonStatus {
  const running = pid !== undefined;
  const current = running && health?.pid === pid && health.state !== "stopped" ? health : undefined;
  const state = !running ? "not running" : current?.state === "polling" || current?.state === "webhook" ? current.state : "starting";
  const lastPollAt = health?.last_poll_at ?? null;
  return {
    running,
    pid: pid ?? null,
    polling: state === "polling" && current?.unreachable_since === null,
    state,
    startedAt: current?.started_at ?? null,
    lastPollAt,
    lastPollAgoMs: lastPollAt === null ? null : Math.max(0, nowMs - Date.parse(lastPollAt)),
    lastUpdateAt: health?.last_update_at ?? null,
    lastUpdateAgoMs: health?.last_update_at ? Math.max(0, nowMs - Date.parse(health.last_update_at)) : null,
    backlog,
    group,
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
    last_poll_seconds_ago: d.lastPollAgoMs === null ? null : seconds(d.lastPollAgoMs),
    last_update_at: d.lastUpdateAt,
    backlog: d.backlog,
    group_backlog: { messages: d.group.messages, comments: d.group.comments, clear_seconds: Math.ceil(d.group.clearMs / 1000) },
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
      : d.state === "webhook"
        ? `daemon: receiving updates by webhook (pid ${d.pid}), ${d.lastUpdateAgoMs === null ? "no update yet" : `last update ${humanDuration(d.lastUpdateAgoMs)} ago`}, ${queued}`
        : d.state === "starting"
        ? `daemon: starting (pid ${d.pid}), not polling yet, ${queued}`
        : `daemon: not running, ${queued}${d.lastPollAt ? ` (its last getUpdates: ${d.lastPollAt})` : ""}`,
  ];
  if (d.group.messages > 0) {
    const as = d.group.comments < d.group.messages ? ` (as ${d.group.comments} comments)` : "";
    lines.push(`  waiting for the group: ${d.group.messages} ${d.group.messages === 1 ? "message" : "messages"}${as}, about ${humanDuration(d.group.clearMs)} to clear at Telegram's ~20 a minute`);
  }
  if (d.unreachableSince) lines.push(`  Telegram unavailable since ${d.unreachableSince}: retrying with backoff`);
  if (d.conflict) lines.push(`  another program polled with this bot token: ${d.conflict.count} conflicts since ${d.conflict.since}, the last at ${d.conflict.last_at} (\`clientes check\` says what to do)`);
  if (d.lastError) lines.push(`  last ${d.lastError.level === "error" ? "error" : "warning"} (${d.lastError.at}): ${d.lastError.message}`);
  return lines;
}
