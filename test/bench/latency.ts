/**
 * Added latency: from the moment the sandbox hands an update out (its getUpdates answer)
 * to the moment the daemon's copyMessage for it arrives, at a steady message rate.
 */
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import type { TelegramUser } from "@gramio/types";
import type { SandboxEvent } from "../../src/sandbox/index.ts";
import { Counters } from "./counters.ts";
import { startBench, until } from "./lib/daemon.ts";
import { percentile } from "./lib/stats.ts";

export interface LatencyOptions {
  /** The sandbox's HTTP keep-alive, ms (see BenchOptions.keepAliveMs). */
  keepAliveMs?: number;
  /** Messages per second, spread evenly. */
  rate: number;
  /** Seconds measured (after `warmupSeconds` that are not). */
  seconds: number;
  warmupSeconds: number;
  /** Customers taking turns (each writes rate/customers messages per second). */
  customers: number;
  /**
   * Bursts of every customer writing `burstMessages` texts at once before the paced part (as in
   * the throughput part): V8 compiles the relay's path in the first one, on background threads
   * that would otherwise share the cores with the measured messages.
   */
  firstBursts: number;
  burstMessages: number;
  /** Pin the daemon to these CPUs (taskset list). */
  cpus?: string;
}

/** One latency run's figures, ms. */
export interface LatencyRun {
  samples: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** From the customer's message to its copy: adds the sandbox's own batching (5 ms) and the wait for the poll. */
  endToEndP50: number;
  endToEndP99: number;
  /**
   * How late this process's event loop ran (sandbox and simulated people, one process), p99
   * and max over the measured window, ms: the sandbox cannot read a copyMessage the daemon
   * has sent while it stalls, so a tail near these is the bench's, not the daemon's.
   */
  sandboxStallP99: number;
  sandboxStallMax: number;
  /** This process's CPU time (user + system) per message over the measured window, µs: the sandbox's cost per update and copy. */
  sandboxCpuPerMessageUs: number;
  /** This process's GC pauses over the measured window: count, longest and total, ms. */
  sandboxGcCount: number;
  sandboxGcMaxMs: number;
  sandboxGcTotalMs: number;
  /** Achieved send rate, messages/s. */
  rate: number;
  lost: number;
}

export async function latencyRun(opts: LatencyOptions): Promise<LatencyRun> {
  const bench = await startBench({
    sandbox: { logRequests: false },
    ...(opts.keepAliveMs !== undefined ? { keepAliveMs: opts.keepAliveMs } : {}),
    ...(opts.cpus !== undefined ? { cpus: opts.cpus } : {}),
  });
  const { sb } = bench;
  const counters = new Counters(sb);
  const sentAt: number[] = [];
  const handedOutAt: number[] = [];
  const copiedAt: number[] = [];
  let nextToHandOut = 0;
  const onEvent = (e: SandboxEvent): void => {
    if (e.type === "request" && e.method === "getUpdates" && e.status === 200) {
      // The answer is being sent: it holds every update queued so far and not yet handed out
      // (the sandbox emits this between reading its queue and writing the response).
      const now = performance.now();
      for (; nextToHandOut < sentAt.length; nextToHandOut++) handedOutAt[nextToHandOut] = now;
    } else if (e.type === "message" && e.byBot === true && e.chatId === sb.groupId && e.service !== true) {
      // Which message it copies is looked up once the run is over: rendering the copy here
      // (with the card it replies to) made this process later to read the next request.
      copies.push([Number(e.messageId), performance.now()]);
    }
  };
  const copies: Array<[messageId: number, at: number]> = [];
  /** Moves the copies seen so far into `copiedAt`, by the sequence number in their text. */
  const sortCopies = (): void => {
    for (const [id, at] of copies.splice(0)) {
      const seq = /^lat (\d+)$/.exec(sb.message(sb.groupId, id)?.text ?? "")?.[1];
      if (seq === undefined) continue;
      copiedAt[Number(seq)] = at;
      sorted += 1;
    }
  };
  let sorted = 0;
  let unsubscribe = (): void => {};
  try {
    const customers: TelegramUser[] = [];
    for (let i = 0; i < opts.customers; i++) customers.push(sb.addUser({ first_name: `Customer${i}` }));
    for (const c of customers) sb.sendPrivate(c.id, { text: `hello from ${c.id}` });
    await until(sb, () => counters.groupCopies >= customers.length, 120_000, "every customer's thread");
    await counters.settle();
    for (let k = 0; k < opts.firstBursts; k++) {
      counters.reset();
      for (let j = 0; j < opts.burstMessages; j++) for (const c of customers) sb.sendPrivate(c.id, { text: `first ${k} ${j} of ${c.id}` });
      const n = customers.length * opts.burstMessages;
      await until(sb, () => counters.groupCopies >= n, 300_000, `the first burst's ${n} copies`);
      await counters.settle();
    }
    unsubscribe = sb.subscribe(onEvent);

    const interval = 1000 / opts.rate;
    const total = Math.round((opts.seconds + opts.warmupSeconds) * opts.rate);
    const warmup = Math.round(opts.warmupSeconds * opts.rate);
    const stalls = monitorEventLoopDelay({ resolution: 1 });
    const gcs: number[] = [];
    const gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) gcs.push(entry.duration);
    });
    let cpuAtWarmup = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      if (i === warmup) {
        stalls.enable();
        gcObserver.observe({ entryTypes: ["gc"] });
        cpuAtWarmup = process.cpuUsage();
      }
      // Absolute schedule, so timer lateness does not lower the rate.
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const c = customers[i % customers.length]!;
      sentAt[i] = performance.now();
      sb.sendPrivate(c.id, { text: `lat ${i}` });
    }
    const rate = (total - 1) / ((sentAt[total - 1]! - sentAt[0]!) / 1000);
    // Looked at only once there may be enough (another message of the bot's in the group does not count).
    const deadline = performance.now() + 30_000;
    while (sorted < total && performance.now() < deadline) {
      await until(sb, () => sorted + copies.length >= total, deadline - performance.now(), "every copy").catch(() => undefined);
      sortCopies();
      if (sorted < total) await new Promise((r) => setTimeout(r, 50));
    }
    stalls.disable();
    const cpu = process.cpuUsage(cpuAtWarmup);
    gcObserver.disconnect();

    const added: number[] = [];
    const e2e: number[] = [];
    let lost = 0;
    for (let i = warmup; i < total; i++) {
      const c = copiedAt[i];
      if (c === undefined || handedOutAt[i] === undefined) {
        lost += 1;
        continue;
      }
      added.push(c - handedOutAt[i]!);
      e2e.push(c - sentAt[i]!);
    }
    return {
      samples: added.length,
      p50: percentile(added, 50),
      p90: percentile(added, 90),
      p99: percentile(added, 99),
      max: Math.max(...added),
      endToEndP50: percentile(e2e, 50),
      endToEndP99: percentile(e2e, 99),
      sandboxStallP99: stalls.percentile(99) / 1e6,
      sandboxStallMax: stalls.max / 1e6,
      sandboxCpuPerMessageUs: (cpu.user + cpu.system) / (total - warmup),
      sandboxGcCount: gcs.length,
      sandboxGcMaxMs: gcs.length ? Math.max(...gcs) : 0,
      sandboxGcTotalMs: gcs.reduce((a, b) => a + b, 0),
      rate,
      lost,
    };
  } finally {
    unsubscribe();
    counters.close();
    await bench.close();
  }
}
