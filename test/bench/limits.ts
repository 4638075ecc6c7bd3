/**
 * Under Telegram's limits (the sandbox enforces them, the daemon paces up front): many
 * customers write at once; how long until the last message is in its thread, how many
 * 429s, is anything lost, is every conversation in order?
 */
import type { TelegramUser } from "@gramio/types";
import type { Sandbox } from "../../src/sandbox/index.ts";
import { Counters } from "./counters.ts";
import { startBench, until } from "./lib/daemon.ts";

export interface LimitsOptions {
  /** The sandbox's HTTP keep-alive, ms (see BenchOptions.keepAliveMs). */
  keepAliveMs?: number;
  customers: number;
  messages: number;
  /** Progress lines (e.g. to stderr) during long runs. */
  progress?: (line: string) => void;
}

export interface LimitsRun {
  customers: number;
  messages: number;
  /** First message sent to the last text visible in its thread, s. */
  seconds: number;
  /** …to the last customer's first message visible in its thread, s. */
  firstSeconds: number;
  /** The least time Telegram's rules allow for these copies into one group, one comment each, s (see floorSeconds). */
  floorSeconds: number;
  /** Answers with 429 Too Many Requests, all methods. */
  tooMany: number;
  /** Texts missing (sent but never in a thread) and texts shown twice. */
  lost: number;
  duplicated: number;
  /** Every conversation's texts in its own thread, in the order sent. */
  inOrder: boolean;
  /** Comments the bot posted in the group for them (fewer than texts when merged). */
  comments: number;
  /** Bot API calls other than getUpdates, by method. */
  byMethod: Record<string, number>;
}

/** One customer floods while the others write a few each: the others' last text visible, s. */
export interface FloodRun extends LimitsRun {
  flood: number;
  othersSeconds: number;
}

/**
 * The earliest time the last of `n` messages can land in one group under Telegram's limits
 * as the project reads them (the Bot API FAQ, "My bot is hitting limits"): one message per second per chat and
 * at most 20 in any 60 s. Message i goes at max(t[i-1] + 1 s, t[i-20] + 60 s).
 */
export function floorSeconds(n: number, perMinute = 20, gapSeconds = 1): number {
  const t: number[] = [];
  for (let i = 0; i < n; i++) t.push(Math.max(i === 0 ? 0 : t[i - 1]! + gapSeconds, i >= perMinute ? t[i - perMinute]! + 60 : 0));
  return t.at(-1) ?? 0;
}

export function limitsRun(opts: LimitsOptions): Promise<LimitsRun> {
  return burstRun(opts, Array.from({ length: opts.customers }, () => opts.messages));
}

/** Customer 0 sends `flood` texts at once, then `customers` others send `messages` each. */
export async function floodRun(opts: LimitsOptions & { flood: number }): Promise<FloodRun> {
  const run = await burstRun(opts, [opts.flood, ...Array.from({ length: opts.customers }, () => opts.messages)], true);
  return { ...run, flood: opts.flood, othersSeconds: run.othersSeconds! };
}

/**
 * When each text became visible in the group: merged comments carry several, one per
 * line, so texts are read off every comment the bot posts (polled: the feed carries no text).
 */
class Visible {
  /** Customer id -> the indexes of their texts, in the order they show, and when each first showed (performance.now()). */
  readonly seen = new Map<number, { seq: number[]; at: Map<number, number> }>();
  comments = 0;
  private read = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly sb: Sandbox) {
    this.timer = setInterval(() => this.scan(), 100);
  }

  scan(): void {
    const all = this.sb.messages(this.sb.groupId);
    const now = performance.now();
    for (; this.read < all.length; this.read++) {
      const m = all[this.read]!;
      if (m.from?.id !== this.sb.bot.id) continue;
      let counted = false;
      for (const line of (m.text ?? "").split("\n")) {
        const match = /^m (\d+) of (\d+)$/.exec(line);
        if (!match) continue;
        counted = true;
        const who = Number(match[2]);
        const j = Number(match[1]);
        let s = this.seen.get(who);
        if (!s) this.seen.set(who, (s = { seq: [], at: new Map() }));
        s.seq.push(j);
        if (!s.at.has(j)) s.at.set(j, now);
      }
      if (counted) this.comments += 1;
    }
  }

  /** Texts visible so far, each counted once. */
  count(): number {
    let n = 0;
    for (const s of this.seen.values()) n += s.at.size;
    return n;
  }

  close(): void {
    clearInterval(this.timer);
  }
}

async function burstRun(opts: LimitsOptions, counts: number[], flood = false): Promise<LimitsRun & { othersSeconds?: number }> {
  const bench = await startBench({
    pacing: true,
    sandbox: { rateLimits: true, logRequests: false },
    ...(opts.keepAliveMs !== undefined ? { keepAliveMs: opts.keepAliveMs } : {}),
  });
  const { sb } = bench;
  const counters = new Counters(sb);
  const visible = new Visible(sb);
  const total = counts.reduce((a, b) => a + b, 0);
  const floor = floorSeconds(total);
  try {
    const customers: TelegramUser[] = counts.map((_, i) => sb.addUser({ first_name: `Customer${i}` }));
    const t0 = performance.now();
    // At once: each customer's messages back to back, customers interleaved (the flood first).
    const most = Math.max(...counts);
    if (flood) for (let j = 0; j < counts[0]!; j++) sb.sendPrivate(customers[0]!.id, { text: `m ${j} of ${customers[0]!.id}` });
    for (let j = 0; j < most; j++) {
      customers.forEach((c, i) => {
        if ((flood && i === 0) || j >= counts[i]!) return;
        sb.sendPrivate(c.id, { text: `m ${j} of ${c.id}` });
      });
    }
    const timer = opts.progress
      ? setInterval(() => opts.progress!(`limits: ${visible.count()}/${total} texts in ${visible.comments} comments after ${Math.round((performance.now() - t0) / 1000)} s, ${counters.total429()} × 429`), 30_000)
      : undefined;
    try {
      await until(sb, () => (visible.scan(), visible.count() >= total), (floor * 2 + 180) * 1000, `${total} texts under the limits`);
    } finally {
      clearInterval(timer);
    }
    const at = (c: TelegramUser, j: number) => (visible.seen.get(c.id)!.at.get(j)! - t0) / 1000;
    const seconds = Math.max(...customers.map((c, i) => at(c, counts[i]! - 1)));
    const firstSeconds = Math.max(...customers.map((c) => at(c, 0)));
    const othersSeconds = flood ? Math.max(...customers.slice(1).map((c, i) => at(c, counts[i + 1]! - 1))) : undefined;
    await counters.settle(1500, 300_000);
    visible.scan();
    const check = checkThreads(sb, customers, counts, visible);
    const byMethod = Object.fromEntries([...counters.requests].filter(([m]) => m !== "getUpdates").sort(([a], [b]) => a.localeCompare(b)));
    return {
      customers: customers.length,
      messages: opts.messages,
      seconds,
      firstSeconds,
      ...(othersSeconds !== undefined ? { othersSeconds } : {}),
      floorSeconds: floor,
      tooMany: counters.total429(),
      ...check,
      comments: visible.comments,
      byMethod,
    };
  } finally {
    visible.close();
    counters.close();
    await bench.close();
  }
}

/** Lost and duplicated texts, and whether each customer's texts are in one thread of their own, in order. */
function checkThreads(sb: Sandbox, customers: TelegramUser[], counts: number[], visible: Visible): { lost: number; duplicated: number; inOrder: boolean } {
  const threads = new Map<number, Set<number | undefined>>();
  for (const m of sb.messages(sb.groupId)) {
    if (m.from?.id !== sb.bot.id) continue;
    const match = /^m \d+ of (\d+)$/m.exec(m.text ?? "");
    if (!match) continue;
    const who = Number(match[1]);
    if (!threads.has(who)) threads.set(who, new Set());
    threads.get(who)!.add(m.message_thread_id);
  }
  let lost = 0;
  let duplicated = 0;
  let inOrder = true;
  const all = new Set<number | undefined>();
  customers.forEach((c, i) => {
    const seq = visible.seen.get(c.id)?.seq ?? [];
    const unique = new Set(seq);
    lost += counts[i]! - unique.size;
    duplicated += seq.length - unique.size;
    if (seq.some((s, k) => s !== k)) inOrder = false;
    const t = threads.get(c.id) ?? new Set([undefined]);
    if (t.size !== 1) inOrder = false;
    for (const x of t) all.add(x);
  });
  if (all.size !== customers.length || all.has(undefined)) inOrder = false;
  return { lost, duplicated, inOrder };
}
