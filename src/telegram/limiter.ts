/**
 * Telegram's rate limits, respected before sending so a 429 never happens in normal
 * operation: about 1 message/s per chat, 20 messages per minute per group or channel,
 * about 30 messages/s overall. Pure bookkeeping on an injected clock; the caller sleeps.
 */

/** Tuning and the clock. Defaults are Telegram's documented limits. */
export interface LimiterOptions {
  now?: () => number;
  /** Minimum gap between two sends to the same chat. Default 1000. */
  perChatIntervalMs?: number;
  /** Sends per sliding minute to one group or channel. Default 20. */
  perGroupPerMinute?: number;
  /** Sends per sliding second to all chats together. Default 30. */
  overallPerSecond?: number;
  /** false: every delay is 0 (e.g. against the sandbox). Default true. */
  enabled?: boolean;
  /**
   * Sends per sliding minute of a group or channel that low-priority sends (card edits)
   * leave to the others (new cards), so a burst of edits never makes a new card wait.
   * Default 5.
   */
  lowPriorityHeadroom?: number;
  /**
   * Background sends (private messages to staff) go only while fewer than this many sends
   * of any kind went out in the last second, so the rest of the overall budget is always
   * free for customers' messages. Default 10 (a third of 30/s).
   */
  backgroundPerSecond?: number;
}

/**
 * `normal` sends (everything a customer or the thread sees) go first. A `low` one (a card
 * edit) waits while a normal send to the same chat waits for its turn, and never takes the
 * last {@link LimiterOptions.lowPriorityHeadroom} slots of a group's minute. A `background`
 * one (a private message to staff) also waits while a normal send waits for the overall
 * budget, and never takes more than {@link LimiterOptions.backgroundPerSecond} of it.
 */
export type Priority = "normal" | "low" | "background";

const GROUP_WINDOW_MS = 60_000;
const OVERALL_WINDOW_MS = 1_000;
const SWEEP_EVERY = 512;
const CONTENTION_GRACE_MS = 50;

/** Methods that put or change a message in a chat and so count against the limits. */
export function countsAgainstLimits(method: string): boolean {
  if (method === "sendChatAction" || method === "sendChatJoinRequestWebApp" || method.endsWith("Draft")) return false;
  return (
    method.startsWith("send") ||
    method.startsWith("editMessage") ||
    method === "copyMessage" ||
    method === "copyMessages" ||
    method === "forwardMessage" ||
    method === "forwardMessages"
  );
}

/**
 * Negative ids are groups and channels (-100… supergroups and channels, other negatives
 * basic groups); "@name" is a public channel or supergroup; positive ids are private chats.
 */
export function isGroupChat(chatId: number | string): boolean {
  if (typeof chatId === "number") return chatId < 0;
  const id = chatId.trim();
  return id.startsWith("-") || id.startsWith("@");
}

interface ChatState {
  group: boolean;
  /** Completion time of the latest send. */
  last: number;
  /** Groups only: completion times inside the last minute, ascending. */
  recent: number[];
  /** Sends reserved and not yet completed. */
  pending: number;
  /** No send before this (a 429's retry_after). */
  blockedUntil: number;
  /** Normal-priority sends waiting for their turn: low-priority ones let them go first. */
  waiting: number;
}

/**
 * Tells how long to wait before the next send to a chat. Protocol for each send:
 * wait until `delayFor` is 0, then (optionally) `reserve`, send, and `record` when the
 * call completes (or `release` if it never reached Telegram); on a 429, `penalize`.
 * `reserve` makes concurrent senders see each other's in-flight messages, so a burst
 * from many conversations cannot overshoot the overall and per-group limits.
 */
/** Telegram's limits as the daemon paces them by default: one send a second per chat, 20 a minute per group. */
export const PER_CHAT_INTERVAL_MS = 1000;
export const PER_GROUP_PER_MINUTE = 20;

export class RateLimiter {
  private readonly now: () => number;
  private readonly perChatIntervalMs: number;
  private readonly perGroupPerMinute: number;
  private readonly overallPerSecond: number;
  /** false: pacing is off, every call here is a no-op (see {@link LimiterOptions.enabled}). */
  readonly enabled: boolean;
  private readonly lowPriorityHeadroom: number;
  private readonly chats = new Map<string, ChatState>();
  /** Completion times inside the last second, ascending, all chats. */
  private overall: number[] = [];
  private overallPending = 0;
  private blockedAllUntil = Number.NEGATIVE_INFINITY;
  private readonly backgroundPerSecond: number;
  /** A normal send found the overall budget full and waits until about then: background sends hold back. */
  private overallContendedUntil = Number.NEGATIVE_INFINITY;
  private recordsSinceSweep = 0;

  constructor(options: LimiterOptions = {}) {
    this.now = options.now ?? Date.now;
    this.perChatIntervalMs = options.perChatIntervalMs ?? PER_CHAT_INTERVAL_MS;
    this.perGroupPerMinute = options.perGroupPerMinute ?? PER_GROUP_PER_MINUTE;
    this.overallPerSecond = options.overallPerSecond ?? 30;
    this.enabled = options.enabled ?? true;
    this.lowPriorityHeadroom = Math.min(options.lowPriorityHeadroom ?? 5, this.perGroupPerMinute - 1);
    this.backgroundPerSecond = Math.max(1, Math.min(options.backgroundPerSecond ?? 10, this.overallPerSecond));
  }

  /**
   * ms to wait before a send to chatId may go out (0 = now). Negative chat ids are
   * groups/channels (Telegram ids: -100… are supergroups/channels; other negatives are
   * basic groups; treat all negatives as groups).
   */
  delayFor(chatId: number | string, now: number = this.now(), priority: Priority = "normal"): number {
    if (!this.enabled) return 0;
    let wait = this.blockedAllUntil - now;
    if (priority === "background") {
      wait = Math.max(wait, windowDelay(this.overall, this.overallPending, this.backgroundPerSecond, OVERALL_WINDOW_MS, now), this.overallContendedUntil - now);
    } else {
      const overall = windowDelay(this.overall, this.overallPending, this.overallPerSecond, OVERALL_WINDOW_MS, now);
      // Background sends give the waiting one its turn, and a moment to take it.
      if (overall > 0) this.overallContendedUntil = Math.max(this.overallContendedUntil, now + overall + CONTENTION_GRACE_MS);
      wait = Math.max(wait, overall);
    }
    const chat = this.chats.get(keyOf(chatId));
    if (chat) {
      wait = Math.max(wait, chat.blockedUntil - now);
      // An in-flight send completes at `now` at the earliest, so the gap runs from then.
      const gapFrom = chat.pending > 0 ? now : chat.last;
      wait = Math.max(wait, gapFrom + this.perChatIntervalMs - now);
      if (chat.group) {
        const limit = priority !== "normal" ? this.perGroupPerMinute - this.lowPriorityHeadroom : this.perGroupPerMinute;
        wait = Math.max(wait, windowDelay(chat.recent, chat.pending, limit, GROUP_WINDOW_MS, now));
      }
      // Look again once the waiting normal sends had their turn.
      if (priority !== "normal" && chat.waiting > 0) wait = Math.max(wait, this.perChatIntervalMs);
    }
    return Math.max(0, Math.ceil(wait));
  }

  /**
   * A normal-priority send to chatId starts (`+1`) or stops (`-1`) waiting for its turn;
   * while any waits, low-priority sends to that chat hold back.
   */
  waiting(chatId: number | string, delta: 1 | -1): void {
    if (!this.enabled) return;
    const chat = this.stateOf(chatId);
    chat.waiting = Math.max(0, chat.waiting + delta);
  }

  /** Counts `count` sends to chatId as in flight until `record` or `release`. */
  reserve(chatId: number | string, count = 1): void {
    if (!this.enabled) return;
    this.stateOf(chatId).pending += count;
    this.overallPending += count;
  }

  /** Drops a reservation for sends that never reached Telegram (aborted, or refused with 429). */
  release(chatId: number | string, count = 1): void {
    if (!this.enabled) return;
    const chat = this.chats.get(keyOf(chatId));
    if (chat) chat.pending = Math.max(0, chat.pending - count);
    this.overallPending = Math.max(0, this.overallPending - count);
  }

  /**
   * Record a send to chatId that just COMPLETED (record at completion time, so the
   * server's receive time is never after our record: prevents off-by-latency 429s).
   * `count` > 1 for albums and multi-message copies. Consumes a matching reservation.
   */
  record(chatId: number | string, now: number = this.now(), count = 1): void {
    if (!this.enabled) return;
    const chat = this.stateOf(chatId);
    const reserved = Math.min(chat.pending, count);
    chat.pending -= reserved;
    this.overallPending = Math.max(0, this.overallPending - reserved);
    chat.last = Math.max(chat.last, now);
    for (let i = 0; i < count; i++) {
      if (chat.group) insertSorted(chat.recent, now);
      insertSorted(this.overall, now);
    }
    if (chat.group) prune(chat.recent, now - GROUP_WINDOW_MS);
    prune(this.overall, now - OVERALL_WINDOW_MS);
    if (++this.recordsSinceSweep >= SWEEP_EVERY) this.sweep(now);
  }

  /** A 429 with retry_after for this chat: nothing goes to it until then. */
  penalize(chatId: number | string, retryAfterMs: number, now: number = this.now()): void {
    if (!this.enabled) return;
    const chat = this.stateOf(chatId);
    chat.blockedUntil = Math.max(chat.blockedUntil, now + retryAfterMs);
  }

  /** An overall flood (429s across chats): nothing at all goes out until then. */
  penalizeAll(retryAfterMs: number, now: number = this.now()): void {
    if (!this.enabled) return;
    this.blockedAllUntil = Math.max(this.blockedAllUntil, now + retryAfterMs);
  }

  /**
   * What the limiter remembers of groups and channels: their sends inside the last minute
   * (epoch ms, ascending, by chat). Small (at most the per-minute limit per chat); the
   * daemon stores it, so a restart during a backlog does not send into a full window.
   * The lists are the limiter's own (no copy per store write): read them at once, the next
   * send changes them.
   */
  memory(now: number = this.now()): Record<string, readonly number[]> {
    const out: Record<string, readonly number[]> = {};
    if (!this.enabled) return out;
    for (const [key, chat] of this.chats) {
      if (!chat.group) continue;
      prune(chat.recent, now - GROUP_WINDOW_MS);
      if (chat.recent.length > 0) out[key] = chat.recent;
    }
    return out;
  }

  /**
   * Takes back a {@link memory} stored by an earlier run. A send may have been in flight
   * when that run ended (after its last store write): one more is assumed, now, for each
   * chat that was still busy, so Telegram's count is never above ours.
   */
  remember(memory: Record<string, number[]> | undefined, now: number = this.now()): void {
    if (!this.enabled || !memory) return;
    for (const [key, times] of Object.entries(memory)) {
      const recent = times.filter((t) => typeof t === "number" && t > now - GROUP_WINDOW_MS && t <= now).sort((a, b) => a - b);
      if (recent.length === 0) continue;
      const chat = this.stateOf(key);
      chat.group = true;
      for (const t of [...recent, now]) insertSorted(chat.recent, t);
      chat.last = Math.max(chat.last, now);
    }
  }

  private stateOf(chatId: number | string): ChatState {
    const key = keyOf(chatId);
    let chat = this.chats.get(key);
    if (!chat) {
      chat = { group: isGroupChat(chatId), last: Number.NEGATIVE_INFINITY, recent: [], pending: 0, blockedUntil: Number.NEGATIVE_INFINITY, waiting: 0 };
      this.chats.set(key, chat);
    }
    return chat;
  }

  /** Forget chats that no longer constrain anything, so thousands of customers do not pile up. */
  private sweep(now: number): void {
    this.recordsSinceSweep = 0;
    for (const [key, chat] of this.chats) {
      prune(chat.recent, now - GROUP_WINDOW_MS);
      const idle = chat.pending === 0 && chat.waiting === 0 && chat.recent.length === 0 && chat.blockedUntil <= now && chat.last + this.perChatIntervalMs <= now;
      if (idle) this.chats.delete(key);
    }
  }
}

/** The key a chat's sends are kept under (the limiter's memory, the store's `recentSends`). */
export function keyOf(chatId: number | string): string {
  return String(chatId).trim().toLowerCase();
}

/**
 * Delay until a sliding window of `windowMs` holding `times` (ascending) plus `pending`
 * in-flight sends has room for one more under `limit`.
 */
function windowDelay(times: readonly number[], pending: number, limit: number, windowMs: number, now: number): number {
  const cutoff = now - windowMs;
  let first = 0;
  while (first < times.length && (times[first] as number) <= cutoff) first++;
  const used = times.length - first + pending;
  if (used < limit) return 0;
  // This many recorded sends must leave the window; in-flight ones leave it no sooner than now + windowMs.
  const mustExpire = used - limit + 1;
  const recorded = times.length - first;
  if (mustExpire > recorded) return windowMs;
  return (times[first + mustExpire - 1] as number) + windowMs - now;
}

function insertSorted(times: number[], t: number): void {
  let i = times.length;
  while (i > 0 && (times[i - 1] as number) > t) i--;
  times.splice(i, 0, t);
}

function prune(times: number[], cutoff: number): void {
  let drop = 0;
  while (drop < times.length && (times[drop] as number) <= cutoff) drop++;
  if (drop > 0) times.splice(0, drop);
}
