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
  /** First message sent to the last copy in its thread, s. */
  seconds: number;
  /** The least time Telegram's rules allow for these copies into one group, s (see floorSeconds). */
  floorSeconds: number;
  /** Answers with 429 Too Many Requests, all methods. */
  tooMany: number;
  /** Copies missing (sent but never in a thread) and copies made twice. */
  lost: number;
  duplicated: number;
  /** Every conversation's copies in its own thread, in the order sent. */
  inOrder: boolean;
  /** Bot API calls other than getUpdates, by method. */
  byMethod: Record<string, number>;
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

export async function limitsRun(opts: LimitsOptions): Promise<LimitsRun> {
  const bench = await startBench({
    pacing: true,
    sandbox: { rateLimits: true, logRequests: false },
    ...(opts.keepAliveMs !== undefined ? { keepAliveMs: opts.keepAliveMs } : {}),
  });
  const { sb } = bench;
  const counters = new Counters(sb);
  const total = opts.customers * opts.messages;
  const floor = floorSeconds(total);
  try {
    const customers: TelegramUser[] = [];
    for (let i = 0; i < opts.customers; i++) customers.push(sb.addUser({ first_name: `Customer${i}` }));
    const t0 = performance.now();
    // At once: each customer's messages back to back, customers interleaved.
    for (let j = 0; j < opts.messages; j++) for (const c of customers) sb.sendPrivate(c.id, { text: `m ${j} of ${c.id}` });
    const timer = opts.progress
      ? setInterval(() => opts.progress!(`limits: ${counters.groupCopies}/${total} copies after ${Math.round((performance.now() - t0) / 1000)} s (floor ${floor} s), ${counters.total429()} × 429`), 30_000)
      : undefined;
    try {
      await until(sb, () => counters.groupCopies >= total, (floor * 2 + 180) * 1000, `${total} copies under the limits`);
    } finally {
      clearInterval(timer);
    }
    const seconds = (counters.lastCopyAt - t0) / 1000;
    await counters.settle(1500, 300_000);
    const check = checkThreads(sb, customers, opts.messages);
    const byMethod = Object.fromEntries([...counters.requests].filter(([m]) => m !== "getUpdates").sort(([a], [b]) => a.localeCompare(b)));
    return { customers: opts.customers, messages: opts.messages, seconds, floorSeconds: floor, tooMany: counters.total429(), ...check, byMethod };
  } finally {
    counters.close();
    await bench.close();
  }
}

/** Lost and duplicated copies, and whether each customer's copies are in one thread of their own, in order. */
function checkThreads(sb: Sandbox, customers: TelegramUser[], messages: number): { lost: number; duplicated: number; inOrder: boolean } {
  const got = new Map<number, { thread: Set<number | undefined>; seq: number[] }>();
  for (const c of customers) got.set(c.id, { thread: new Set(), seq: [] });
  for (const m of sb.messages(sb.groupId)) {
    const match = /^m (\d+) of (\d+)$/.exec(m.text ?? "");
    if (!match || m.from?.id !== sb.bot.id) continue;
    const g = got.get(Number(match[2]));
    if (!g) continue;
    g.thread.add(m.message_thread_id);
    g.seq.push(Number(match[1]));
  }
  let lost = 0;
  let duplicated = 0;
  let inOrder = true;
  const threads = new Set<number | undefined>();
  for (const g of got.values()) {
    const unique = new Set(g.seq);
    lost += messages - unique.size;
    duplicated += g.seq.length - unique.size;
    if (g.thread.size !== 1 || g.seq.some((s, i) => s !== i)) inOrder = false;
    for (const t of g.thread) threads.add(t);
  }
  if (threads.size !== customers.length || threads.has(undefined)) inOrder = false;
  return { lost, duplicated, inOrder };
}
