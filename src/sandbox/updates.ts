import { ApiError, SandboxUsageError } from "./errors.ts";
import type { PollGuards } from "./types.ts";

/** Update types delivered when allowed_updates is empty or was never set (Telegram's default). */
const NOT_BY_DEFAULT = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

export const CONFLICT_DESCRIPTION =
  "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";

/** The 50 s cap of the Bot API server on `timeout`. */
const LONG_POLL_MAX_TIMEOUT = 50;
/** tdlib's TQueue answers an offset more than this past its tail from its head ("from_id is in the future"). */
const FUTURE_SLACK = 10;
/** … and one more than this behind its tail ("from_id is in the past"). */
const PAST_LIMIT = 2_000_000;
/** Update ids are positive int32. */
const MAX_UPDATE_ID = 2 ** 31 - 1;
/** A woken long poll waits this long for more updates created in the same burst (e.g. an album). */
const WAKE_BATCH_MS = 5;

export type Update = { update_id: number } & Record<string, unknown>;

interface PendingPoll {
  offset: number;
  limit: number;
  resolve: (updates: Update[]) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
  woken: boolean;
}

/** What getUpdates received, already read from the request. */
export interface PollRequest {
  offset: number;
  limit: number;
  timeout: number;
  /** undefined: keep the persisted filter. */
  allowedUpdates?: string[];
}

/**
 * The bot's update queue and getUpdates long polling, as the Bot API server does it:
 * `offset` drops older updates, a negative offset keeps the last N, `allowed_updates`
 * persists and filters updates when they are created, a second waiting poll ends the first
 * with 409, and the anti busy-loop rules for a repeated offset.
 */
/** Telegram keeps an update at most this long for the bot to fetch. */
const UPDATE_TTL_SECONDS = 24 * 3600;

/** Update types the Bot API knows (allowed_updates ignores any other name). */
const UPDATE_TYPES = new Set([
  "message", "edited_message", "channel_post", "edited_channel_post", "business_connection",
  "business_message", "edited_business_message", "deleted_business_messages", "message_reaction",
  "message_reaction_count", "inline_query", "chosen_inline_result", "callback_query", "shipping_query",
  "pre_checkout_query", "purchased_paid_media", "poll", "poll_answer", "my_chat_member", "chat_member",
  "chat_join_request", "chat_boost", "removed_chat_boost",
]);

export class UpdateQueue {
  private queue: Update[] = [];
  private nextId = 100_000_001;
  private allowed: Set<string> | null = null;
  private pending: PendingPoll | undefined;
  private previousOffset = -1;
  private previousStart = 0;
  private closed = false;

  /** When each queued update expires (unix seconds): Telegram keeps updates at most 24 hours. */
  private readonly expires = new Map<number, number>();

  constructor(
    private guards: PollGuards | false,
    /** Told about queue changes: "update" (queued), "confirm" (dropped by offset), "poll" (a long poll started waiting). */
    private readonly notify: (type: "update" | "confirm" | "poll", detail: Record<string, unknown>) => void = () => {},
    /** The sandbox clock, unix seconds. */
    private readonly unixNow: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /** Whether a getUpdates long poll is waiting right now. */
  get polling(): boolean {
    return this.pending !== undefined;
  }

  /** Adds an update unless allowed_updates filters its type out. Returns whether it was queued. */
  push(type: string, payload: unknown): boolean {
    if (this.closed || !this.isAllowed(type)) return false;
    const update = { update_id: this.nextId++, [type]: payload } as Update;
    this.queue.push(update);
    this.expires.set(update.update_id, this.unixNow() + UPDATE_TTL_SECONDS);
    this.notify("update", { updateType: type, updateId: update.update_id });
    this.wake();
    return true;
  }

  /** Updates not yet confirmed, oldest first (copies). */
  pendingUpdates(): Update[] {
    return structuredClone(this.queue);
  }

  /** Drops every pending update (deleteWebhook with drop_pending_updates). */
  dropAll(): void {
    this.queue = [];
  }

  /**
   * Telegram picks the next update id at random after a week without updates: the next
   * update gets `firstId` (random when omitted). Only an empty queue restarts (a week-old
   * update has long expired). Returns the id chosen.
   */
  restartIds(firstId: number = 1 + Math.floor(Math.random() * (MAX_UPDATE_ID - 1))): number {
    if (!Number.isSafeInteger(firstId) || firstId < 1 || firstId > MAX_UPDATE_ID) {
      throw new SandboxUsageError(`update ids are positive 32-bit integers, got ${firstId}`);
    }
    if (this.queue.length > 0) {
      throw new SandboxUsageError(`update ids restart only after a week without updates: ${this.queue.length} updates are still pending (confirm them first)`);
    }
    this.nextId = firstId;
    this.expires.clear(); // nothing is queued; expire() relies on ids inserted in increasing order
    // A waiting long poll answers from the new head, as the server re-reads its queue.
    if (this.pending) this.pending.offset = firstId;
    return firstId;
  }

  setGuards(guards: PollGuards | false): void {
    this.guards = guards;
  }

  /** Answers a getUpdates call; resolves with the updates, or rejects with Telegram's 409. */
  async poll(req: PollRequest): Promise<Update[]> {
    if (req.allowedUpdates !== undefined) this.setAllowedUpdates(req.allowedUpdates);
    let { offset, limit, timeout } = req;
    limit = clamp(limit, 1, 100);
    timeout = clamp(timeout, 0, LONG_POLL_MAX_TIMEOUT);
    const now = performance.now();
    if (this.guards && offset === this.previousOffset) {
      if (timeout * 1000 < this.guards.sameOffsetMinWaitMs && now < this.previousStart + this.guards.sameOffsetMinWaitMs) {
        timeout = this.guards.sameOffsetMinWaitMs / 1000;
      }
      if (now < this.previousStart + this.guards.sameOffsetLimitOneMs) limit = 1;
    }
    this.previousOffset = offset;
    this.previousStart = now;

    const from = this.confirm(offset);
    const found = this.read(from, limit);
    if (found.length > 0 || timeout === 0 || this.closed) return found;

    this.abortPending();
    return new Promise<Update[]>((resolve, reject) => {
      const poll: PendingPoll = {
        offset: from,
        limit,
        resolve,
        reject,
        woken: false,
        timer: setTimeout(() => this.finish(poll), timeout * 1000),
      };
      this.pending = poll;
      this.notify("poll", { offset: from, timeout });
    });
  }

  /** allowed_updates of getUpdates or setWebhook; it persists until the next list. */
  setAllowedUpdates(types: string[]): void {
    // Like the Bot API server: unknown names are ignored, and nothing known left means the default set.
    const known = types.filter((t) => UPDATE_TYPES.has(t));
    this.allowed = known.length === 0 ? null : new Set(known);
  }

  /** The update types asked for, or null for Telegram's default set. */
  get allowedUpdates(): string[] | null {
    return this.allowed ? [...this.allowed] : null;
  }

  /** Removes one update (a webhook delivered it, or gave up on it). */
  forget(updateId: number): void {
    const before = this.queue.length;
    this.queue = this.queue.filter((u) => u.update_id !== updateId);
    if (this.queue.length !== before) this.notify("confirm", { updateId });
  }

  /** When a queued update expires, unix seconds (undefined once it is gone). */
  expiresAt(updateId: number): number | undefined {
    return this.queue.some((u) => u.update_id === updateId) ? this.expires.get(updateId) : undefined;
  }

  /** Drops expired updates now (webhook delivery reads the queue without getUpdates). */
  dropExpired(): void {
    this.expire();
  }

  /** Ends a waiting long poll with 409 and this description (setWebhook ends it so). */
  abortLongPoll(description: string): void {
    this.abortPending(description);
  }

  /** Ends a waiting long poll with an empty result (the server is closing). */
  close(): void {
    this.closed = true;
    if (this.pending) this.finish(this.pending);
  }

  private isAllowed(type: string): boolean {
    return this.allowed ? this.allowed.has(type) : !NOT_BY_DEFAULT.has(type);
  }

  /** Applies `offset`: drops confirmed updates and returns the id to read from. */
  private confirm(offset: number): number {
    this.expire();
    const head = this.queue[0]?.update_id ?? this.nextId;
    if (offset < 0) {
      this.queue = this.queue.slice(Math.max(0, this.queue.length + offset));
      return this.queue[0]?.update_id ?? this.nextId;
    }
    if (offset === 0) return head;
    // An offset out of the queue's range is refused by TQueue: the server then reads from the
    // head, dropping nothing. That is how a bot sees ids below its offset once they restart.
    if (offset > this.nextId + FUTURE_SLACK || offset < this.nextId - PAST_LIMIT) return head;
    const before = this.queue.length;
    this.queue = this.queue.filter((u) => u.update_id >= offset);
    if (this.queue.length !== before) this.notify("confirm", { offset });
    this.expire();
    return offset;
  }

  /** Drops updates older than 24 hours, as the Bot API server's queue does. */
  private expire(): void {
    const now = this.unixNow();
    const head = this.queue[0];
    if (head && (this.expires.get(head.update_id) ?? Infinity) <= now) {
      this.queue = this.queue.filter((u) => (this.expires.get(u.update_id) ?? Infinity) > now);
    }
    // Forget the expiry of every update no longer queued (confirmed, dropped or expired).
    const first = this.queue[0]?.update_id ?? this.nextId;
    for (const id of this.expires.keys()) {
      if (id >= first) break; // ids are inserted in increasing order
      this.expires.delete(id);
    }
  }

  private read(from: number, limit: number): Update[] {
    return structuredClone(this.queue.filter((u) => u.update_id >= from).slice(0, limit));
  }

  private abortPending(description = CONFLICT_DESCRIPTION): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    p.reject(new ApiError(409, description));
  }

  private wake(): void {
    const p = this.pending;
    if (!p || p.woken) return;
    p.woken = true;
    clearTimeout(p.timer);
    p.timer = setTimeout(() => this.finish(p), WAKE_BATCH_MS);
  }

  private finish(p: PendingPoll): void {
    if (this.pending !== p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    p.resolve(this.closed ? [] : this.read(p.offset, p.limit));
  }
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Number.isFinite(n) ? n : min));
}
