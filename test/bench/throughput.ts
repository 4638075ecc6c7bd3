/**
 * Throughput and Bot API calls per message: many customers write at once, after their
 * threads exist (steady state); how fast do the copies land in their threads?
 */
import type { TelegramUser } from "@gramio/types";
import { Counters } from "./counters.ts";
import { startBench, until } from "./lib/daemon.ts";
import { cpuMs, rssMiB } from "./lib/machine.ts";

export interface ThroughputOptions {
  /** The sandbox's HTTP keep-alive, ms (see BenchOptions.keepAliveMs). */
  keepAliveMs?: number;
  customers: number;
  messages: number;
  /** Node flags for the daemon (profiling). */
  nodeOptions?: string[];
  /** Pin the daemon to these CPUs (taskset list), e.g. "1" for "one core". */
  cpus?: string;
}

/** One throughput run's figures. */
export interface ThroughputRun {
  messages: number;
  seconds: number;
  perSecond: number;
  /** Bot API calls other than getUpdates, per relayed message. */
  callsPerMessage: number;
  /** getUpdates calls, per relayed message (batches of up to 100). */
  pollsPerMessage: number;
  byMethod: Record<string, number>;
  /** Daemon CPU time (user + system) per relayed message, µs; 1e6 / this = one core's capacity. */
  daemonCpuUsPerMessage: number;
  /** Share of one core the daemon used during the burst, %. */
  daemonCpuPercent: number;
  /** VmHWM of the daemon once every copy is out: its peak resident memory, start-up included, MiB. */
  peakRssMiB: number;
  /** Share of one core this process (the sandbox, and the customers) used, %. */
  sandboxCpuPercent: number;
  /** Every copy in its customer's thread, in the order sent. */
  inOrder: boolean;
}

export async function throughputRun(opts: ThroughputOptions): Promise<ThroughputRun> {
  const bench = await startBench({
    sandbox: { logRequests: false },
    ...(opts.keepAliveMs !== undefined ? { keepAliveMs: opts.keepAliveMs } : {}),
    ...(opts.nodeOptions ? { nodeOptions: opts.nodeOptions } : {}),
    ...(opts.cpus !== undefined ? { cpus: opts.cpus } : {}),
  });
  const { sb } = bench;
  const counters = new Counters(sb);
  try {
    const customers: TelegramUser[] = [];
    for (let i = 0; i < opts.customers; i++) customers.push(sb.addUser({ first_name: `Customer${i}`, last_name: "Bench", username: `bench_customer_${i}` }));

    // Warm-up: the first message of each customer creates the card and the thread.
    for (const c of customers) sb.sendPrivate(c.id, { text: `hello from ${c.id}` });
    await until(sb, () => counters.groupCopies >= customers.length, 120_000, "every customer's thread");
    await counters.settle();
    counters.reset();

    const total = opts.customers * opts.messages;
    const cpu0 = cpuMs(bench.daemon.pid);
    const own0 = process.cpuUsage();
    const t0 = performance.now();
    for (let j = 0; j < opts.messages; j++) {
      for (const c of customers) sb.sendPrivate(c.id, { text: `m ${j} of ${c.id}` });
    }
    await until(sb, () => counters.groupCopies >= total, 300_000, `${total} copies`);
    const t1 = counters.lastCopyAt;
    const seconds = (t1 - t0) / 1000;
    const daemonCpu = cpuMs(bench.daemon.pid) - cpu0;
    const peakRssMiB = rssMiB(bench.daemon.pid, "VmHWM");
    const own = process.cpuUsage(own0);
    await counters.settle();

    const byMethod = Object.fromEntries([...counters.requests].sort(([a], [b]) => a.localeCompare(b)));
    return {
      messages: total,
      seconds,
      perSecond: total / seconds,
      callsPerMessage: counters.count() / total,
      pollsPerMessage: counters.count("getUpdates") / total,
      byMethod,
      daemonCpuUsPerMessage: (daemonCpu * 1000) / total,
      daemonCpuPercent: (daemonCpu / (t1 - t0)) * 100,
      sandboxCpuPercent: ((own.user + own.system) / 1000 / (t1 - t0)) * 100,
      inOrder: checkOrder(sb, customers, opts.messages),
      peakRssMiB,
    };
  } finally {
    counters.close();
    await bench.close();
  }
}

/** Each customer's copies sit in one thread (their own), in the order they were sent. */
function checkOrder(sb: import("../../src/sandbox/index.ts").Sandbox, customers: TelegramUser[], messages: number): boolean {
  const seen = new Map<number, { thread: number | undefined; next: number }>();
  for (const c of customers) seen.set(c.id, { thread: undefined, next: 0 });
  for (const m of sb.messages(sb.groupId)) {
    const match = /^m (\d+) of (\d+)$/.exec(m.text ?? "");
    if (!match || m.from?.id !== sb.bot.id) continue;
    const s = seen.get(Number(match[2]));
    if (!s || Number(match[1]) !== s.next) return false;
    if (s.thread !== undefined && s.thread !== m.message_thread_id) return false;
    s.thread = m.message_thread_id;
    s.next += 1;
  }
  const threads = new Set([...seen.values()].map((s) => s.thread));
  return [...seen.values()].every((s) => s.next === messages) && threads.size === customers.length;
}
