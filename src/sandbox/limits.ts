/** Telegram-like flood limits; numbers from the Bot API FAQ (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this). */
export interface LimitRules {
  /** Per chat: sustained messages per second… */
  perChatPerSecond: number;
  /** …with this many allowed in a burst. */
  perChatBurst: number;
  /** Per group or channel: messages per sliding minute. */
  perGroupPerMinute: number;
  /** All chats together: messages per sliding second. */
  globalPerSecond: number;
}

export const TELEGRAM_LIMITS: LimitRules = { perChatPerSecond: 1, perChatBurst: 3, perGroupPerMinute: 20, globalPerSecond: 30 };

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Decides 429s. `check` is asked before a counted call (send, copy, forward, edit) and says
 * how many seconds to wait, if any; `record` is told after the call succeeded. Once a chat
 * was told "retry after N", every call to it before then gets 429 again, as with Telegram.
 */
export class RateLimiter {
  private readonly buckets = new Map<number, Bucket>();
  private readonly minute = new Map<number, number[]>();
  private global: number[] = [];
  private readonly blockedUntil = new Map<number, number>();

  constructor(
    private readonly now: () => number,
    private readonly rules: LimitRules = TELEGRAM_LIMITS,
  ) {}

  /** Seconds to wait before a message to this chat is accepted (0: go ahead). */
  check(chatId: number, isGroupOrChannel: boolean): number {
    const now = this.now();
    const blocked = this.blockedUntil.get(chatId);
    if (blocked !== undefined && now < blocked) return Math.max(1, Math.ceil((blocked - now) / 1000));

    let waitMs = 0;
    const bucket = this.refill(chatId, now);
    if (bucket.tokens < 1) waitMs = Math.max(waitMs, ((1 - bucket.tokens) / this.rules.perChatPerSecond) * 1000);
    if (isGroupOrChannel) {
      const window = this.window(this.minute.get(chatId) ?? [], now, 60_000);
      if (window.length >= this.rules.perGroupPerMinute) waitMs = Math.max(waitMs, window[0]! + 60_000 - now);
    }
    this.global = this.window(this.global, now, 1000);
    if (this.global.length >= this.rules.globalPerSecond) waitMs = Math.max(waitMs, this.global[0]! + 1000 - now);

    if (waitMs <= 0) return 0;
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    this.blockedUntil.set(chatId, now + seconds * 1000);
    return seconds;
  }

  /** Counts a message that went through. */
  record(chatId: number, isGroupOrChannel: boolean): void {
    const now = this.now();
    const bucket = this.refill(chatId, now);
    bucket.tokens -= 1;
    if (isGroupOrChannel) {
      const window = this.window(this.minute.get(chatId) ?? [], now, 60_000);
      window.push(now);
      this.minute.set(chatId, window);
    }
    this.global.push(now);
  }

  reset(): void {
    this.buckets.clear();
    this.minute.clear();
    this.global = [];
    this.blockedUntil.clear();
  }

  private refill(chatId: number, now: number): Bucket {
    let b = this.buckets.get(chatId);
    if (!b) {
      b = { tokens: this.rules.perChatBurst, at: now };
      this.buckets.set(chatId, b);
    }
    b.tokens = Math.min(this.rules.perChatBurst, b.tokens + ((now - b.at) / 1000) * this.rules.perChatPerSecond);
    b.at = now;
    return b;
  }

  private window(times: number[], now: number, spanMs: number): number[] {
    return times.filter((t) => t > now - spanMs);
  }
}
