/**
 * Throughput and Bot API calls per message: many customers write at once, after their
 * threads exist (steady state); how fast do the copies land in their threads?
 *
 * The measured burst comes after `firstBursts` bursts of the same shape in the same daemon:
 * a fresh process's first burst is where V8 compiles the relay's path (its optimizing compiler
 * runs on background threads, whose CPU counts as the daemon's), about half of that burst's
 * CPU on this machine; a running desk pays it once per start, not per message. The first
 * burst's figures are reported too.
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
  /** Bursts of the same shape before the measured one (0: measure a fresh daemon's first burst). */
  firstBursts: number;
}

/** The daemon's CPU over a burst, per relayed message, µs. */
export interface BurstCpu {
  messagesPerSecond: number;
  /** All threads: what the figure "CPU per relayed message" is. */
  daemonCpuUsPerMessage: number;
  /** The main thread's (the event loop: the relay's own JavaScript, its syscalls). */
  mainThreadUsPerMessage: number;
  /** The other threads' (V8's compiler and GC helpers, libuv's pool syncing the journal). */
  otherThreadsUsPerMessage: number;
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
  /** The measured burst's CPU split between the main thread and the others. */
  cpu: BurstCpu;
  /** The first burst after start, when `firstBursts` > 0 (V8 still compiling the relay's path). */
  firstBurst?: BurstCpu;
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
    const pid = bench.daemon.pid;
    /** Sends `total` texts at once (`label j of id`), waits until every copy is in; the daemon's CPU over it. */
    const burst = async (label: string) => {
      const cpu0 = cpuMs(pid);
      const main0 = cpuMs(pid, pid);
      const own0 = process.cpuUsage();
      const t0 = performance.now();
      for (let j = 0; j < opts.messages; j++) {
        for (const c of customers) sb.sendPrivate(c.id, { text: `${label} ${j} of ${c.id}` });
      }
      await until(sb, () => counters.groupCopies >= total, 300_000, `${total} copies`);
      const t1 = counters.lastCopyAt;
      const daemonCpu = cpuMs(pid) - cpu0;
      const mainCpu = cpuMs(pid, pid) - main0;
      const own = process.cpuUsage(own0);
      const cpu: BurstCpu = {
        messagesPerSecond: total / ((t1 - t0) / 1000),
        daemonCpuUsPerMessage: (daemonCpu * 1000) / total,
        mainThreadUsPerMessage: (mainCpu * 1000) / total,
        otherThreadsUsPerMessage: ((daemonCpu - mainCpu) * 1000) / total,
      };
      return { t0, t1, daemonCpu, own, cpu };
    };
    let firstBurst: BurstCpu | undefined;
    for (let k = 0; k < opts.firstBursts; k++) {
      const { cpu } = await burst(`first ${k}`);
      firstBurst ??= cpu;
      await counters.settle();
      counters.reset();
    }
    const { t0, t1, daemonCpu, own, cpu } = await burst("m");
    const seconds = (t1 - t0) / 1000;
    const peakRssMiB = rssMiB(pid, "VmHWM");
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
      cpu,
      ...(firstBurst ? { firstBurst } : {}),
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
