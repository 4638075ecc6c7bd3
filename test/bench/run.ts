/**
 * `npm run bench`: the relay's own cost, measured with the real daemon process against
 * the sandbox over HTTP. Prints a table and writes test/bench/results/latest.json.
 * `npm run bench -- --help` lists the flags.
 */
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { latencyRun, type LatencyRun } from "./latency.ts";
import { canPin, pinSelf, useDaemonRoot } from "./lib/daemon.ts";
import { machineInfo } from "./lib/machine.ts";
import { markdownTable, table, writeJson, type Row } from "./lib/output.ts";
import { summarizeProfile } from "./lib/profile.ts";
import { summarize, type Summary } from "./lib/stats.ts";
import { floodRun, floorSeconds, limitsRun, type FloodRun, type LimitsRun } from "./limits.ts";
import { BACKLOG, backlogBytesPerDelivery, liveHeapMiB, prepareStore, storeScaleRun, type StoreScaleRun, type StoreShape } from "./store-scale.ts";
import { throughputRun, type ThroughputRun } from "./throughput.ts";

const PARTS = ["throughput", "latency", "calls", "limits", "store"] as const;
type Part = (typeof PARTS)[number];

const HELP = `npm run bench -- [flags]

  --only LIST                 parts to run: ${PARTS.join(",")} (default: all)
  --runs N                    runs per figure; medians and spreads are reported (default 5)
  --customers N               throughput: customers writing at once (default 200)
  --messages N                throughput: messages each, after their threads exist (default 10)
  --first-bursts N            throughput, latency: bursts of that shape before measuring, in the same
                              daemon (default 1; 0 = measure a fresh daemon, V8 still compiling: see README)
  --latency-rate N            latency: messages per second (default 100)
  --latency-seconds N         latency: seconds measured per run, after 1 s of warm-up (default 5)
  --latency-customers N       latency: customers taking turns (default 100)
  --limits-customers N        limits: customers writing at once (default 10; the issue's scenario is 100)
  --limits-messages N         limits: messages each (default 3; the issue's scenario is 5)
  --limits-runs N             limits: runs (default 1; each takes minutes)
  --limits-flood N            limits: then one customer sends N texts while others send 2 each (default 1000; 0 = skip)
  --limits-flood-others N     limits: how many others write during the flood (default 50)
  --store-sizes LIST          store: conversation counts (default 10000,100000)
  --links-per-conversation N  store: links per conversation within 30 days (default 5)
  --store-writes N            store: typical writes timed per run (default 200)
  --no-pin                    do not pin the daemon to CPU 1 and this process to CPU 0
  --pin-latency               pin for the latency part too (by default it runs unpinned: see README)
  --keepalive-ms N            the sandbox's HTTP keep-alive (default 5000; it ships with 1000, which
                              makes the daemon reconnect for every call)
  --profile DIR               throughput: run the daemon under --cpu-prof, write profiles to DIR
                              and print where its time went
  --daemon-root DIR           run the daemon from another checkout (before/after comparisons)
  --out FILE                  results file (default test/bench/results/latest.json; "-" = none)
  --markdown                  also print the table as markdown
`;

function numberFlag(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} expects a positive number, got "${value}"`);
  return n;
}

/** A whole number, 0 included. */
function countFlag(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} expects a whole number (0 or more), got "${value}"`);
  return n;
}

class UsageError extends Error {}

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: "string" },
      runs: { type: "string" },
      customers: { type: "string" },
      messages: { type: "string" },
      "first-bursts": { type: "string" },
      "latency-rate": { type: "string" },
      "latency-seconds": { type: "string" },
      "latency-customers": { type: "string" },
      "limits-customers": { type: "string" },
      "limits-messages": { type: "string" },
      "limits-runs": { type: "string" },
      "limits-flood": { type: "string" },
      "limits-flood-others": { type: "string" },
      "store-sizes": { type: "string" },
      "links-per-conversation": { type: "string" },
      "store-writes": { type: "string" },
      "no-pin": { type: "boolean" },
      "pin-latency": { type: "boolean" },
      "keepalive-ms": { type: "string" },
      profile: { type: "string" },
      "daemon-root": { type: "string" },
      out: { type: "string" },
      markdown: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const only = (values.only ?? PARTS.join(",")).split(",").map((s) => s.trim()).filter(Boolean);
  for (const p of only) if (!(PARTS as readonly string[]).includes(p)) throw new UsageError(`--only: unknown part "${p}" (parts: ${PARTS.join(", ")})`);
  const sizes = (values["store-sizes"] ?? "10000,100000").split(",").map((s) => numberFlag(s.trim(), "store-sizes", 0));
  return {
    help: values.help ?? false,
    parts: new Set(only as Part[]),
    runs: numberFlag(values.runs, "runs", 5),
    customers: numberFlag(values.customers, "customers", 200),
    messages: numberFlag(values.messages, "messages", 10),
    firstBursts: countFlag(values["first-bursts"], "first-bursts", 1),
    latencyRate: numberFlag(values["latency-rate"], "latency-rate", 100),
    latencySeconds: numberFlag(values["latency-seconds"], "latency-seconds", 5),
    latencyCustomers: numberFlag(values["latency-customers"], "latency-customers", 100),
    limitsCustomers: numberFlag(values["limits-customers"], "limits-customers", 10),
    limitsMessages: numberFlag(values["limits-messages"], "limits-messages", 3),
    limitsRuns: numberFlag(values["limits-runs"], "limits-runs", 1),
    limitsFlood: numberFlag(values["limits-flood"], "limits-flood", 1000),
    limitsFloodOthers: numberFlag(values["limits-flood-others"], "limits-flood-others", 50),
    storeSizes: sizes,
    linksPerConversation: numberFlag(values["links-per-conversation"], "links-per-conversation", 5),
    storeWrites: numberFlag(values["store-writes"], "store-writes", 200),
    pin: !(values["no-pin"] ?? false),
    pinLatency: values["pin-latency"] ?? false,
    keepAliveMs: numberFlag(values["keepalive-ms"], "keepalive-ms", 5000),
    profile: values.profile,
    daemonRoot: values["daemon-root"],
    out: values.out ?? join(new URL(".", import.meta.url).pathname, "results", "latest.json"),
    markdown: values.markdown ?? false,
  };
}

type Settings = ReturnType<typeof parse>;

const say = (line: string): void => void process.stderr.write(`${line}\n`);

/** Runs `once` `n` times, saying how each went. */
async function repeat<T>(label: string, n: number, once: (i: number) => Promise<T>, describe: (r: T) => string): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) {
    const r = await once(i);
    say(`  ${label} ${i + 1}/${n}: ${describe(r)}`);
    out.push(r);
  }
  return out;
}

const of = <T>(runs: T[], pick: (r: T) => number): Summary => summarize(runs.map(pick));

async function main(argv: string[]): Promise<number> {
  let s: Settings;
  try {
    s = parse(argv);
  } catch (err) {
    say(`${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (s.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (s.daemonRoot) useDaemonRoot(s.daemonRoot);
  const started = new Date();
  const machine = machineInfo(process.version);
  const pinned = s.pin && machine.cores >= 2 && canPin() && pinSelf("0");
  const cpus = pinned ? "1" : undefined;
  say(`clientes bench on ${machine.cpu}, ${machine.cores} cores, node ${machine.node}, load ${machine.loadAtStart}; ${pinned ? "daemon pinned to CPU 1, sandbox to CPU 0" : "not pinned"}`);

  const rows: Row[] = [];
  const results: Record<string, unknown> = {
    date: started.toISOString(),
    machine,
    settings: {
      runs: s.runs,
      pinned,
      firstBursts: s.firstBursts,
      sandboxKeepAliveMs: s.keepAliveMs,
      ...(s.daemonRoot ? { daemonRoot: s.daemonRoot } : {}),
      daemonLogLevel: "warn (info for start-up times)",
    },
  };

  if (s.parts.has("throughput") || s.parts.has("calls")) {
    say(`throughput: ${s.customers} customers × ${s.messages} messages at once, after their threads exist${s.firstBursts > 0 ? ` and ${s.firstBursts === 1 ? "a first burst" : `${s.firstBursts} bursts`} of that shape` : ", in a fresh daemon"}`);
    const runs = await repeat(
      "run",
      s.profile ? 1 : s.runs,
      async () =>
        throughputRun({
          customers: s.customers,
          messages: s.messages,
          firstBursts: s.firstBursts,
          keepAliveMs: s.keepAliveMs,
          ...(cpus ? { cpus } : {}),
          ...(s.profile ? { nodeOptions: ["--cpu-prof", `--cpu-prof-dir=${s.profile}`] } : {}),
        }),
      (r: ThroughputRun) =>
        `${Math.round(r.perSecond)}/s, daemon ${Math.round(r.daemonCpuUsPerMessage)} µs CPU per message (main thread ${Math.round(r.cpu.mainThreadUsPerMessage)}, others ${Math.round(r.cpu.otherThreadsUsPerMessage)}), ${r.callsPerMessage.toFixed(2)} calls per message${r.inOrder ? "" : ", OUT OF ORDER"}` +
        (r.firstBurst ? `; first burst ${Math.round(r.firstBurst.messagesPerSecond)}/s, ${Math.round(r.firstBurst.daemonCpuUsPerMessage)} µs (main thread ${Math.round(r.firstBurst.mainThreadUsPerMessage)}, others ${Math.round(r.firstBurst.otherThreadsUsPerMessage)})` : ""),
    );
    const perSecond = of(runs, (r) => r.perSecond);
    const cpu = of(runs, (r) => r.daemonCpuUsPerMessage);
    const calls = of(runs, (r) => r.callsPerMessage);
    const peak = of(runs, (r) => r.peakRssMiB);
    const inOrder = runs.every((r) => r.inOrder);
    if (s.parts.has("throughput")) {
      rows.push({ figure: `throughput (${s.customers} customers × ${s.messages})`, summary: perSecond, unit: "msg/s", target: "≥ 1,000", met: perSecond.median >= 1000 && inOrder, digits: 0 });
      rows.push({ figure: "  daemon CPU per relayed message", summary: cpu, unit: "µs", target: "≤ 400", met: cpu.median <= 400, digits: 0 });
      rows.push({ figure: "    of which its main thread (event loop)", summary: of(runs, (r) => r.cpu.mainThreadUsPerMessage), unit: "µs", target: "", met: undefined, digits: 0 });
      const firsts = runs.flatMap((r) => (r.firstBurst ? [r.firstBurst] : []));
      if (firsts.length > 0) {
        rows.push({ figure: "  … in the first burst after start", summary: of(firsts, (f) => f.daemonCpuUsPerMessage), unit: "µs", target: "", met: undefined, digits: 0 });
        rows.push({ figure: "    of which other threads (V8 compiling)", summary: of(firsts, (f) => f.otherThreadsUsPerMessage), unit: "µs", target: "", met: undefined, digits: 0 });
      }
      rows.push({ figure: `  daemon peak memory (VmHWM, ${s.customers} conversations)`, summary: peak, unit: "MiB", target: "≤ 200 MB", met: peak.median * 1.048576 <= 200, digits: 0 });
      rows.push({ figure: "  one core's capacity (1 s / CPU per message)", summary: of(runs, (r) => 1e6 / r.daemonCpuUsPerMessage), unit: "msg/s", target: "", met: undefined, digits: 0 });
      rows.push({ figure: "  sandbox's CPU use meanwhile (other core)", summary: of(runs, (r) => r.sandboxCpuPercent), unit: "%", target: "", met: undefined, digits: 0 });
      results.throughput = {
        customers: s.customers,
        messagesEach: s.messages,
        messagesPerSecond: perSecond,
        daemonCpuUsPerMessage: cpu,
        daemonMainThreadCpuUsPerMessage: of(runs, (r) => r.cpu.mainThreadUsPerMessage),
        daemonOtherThreadsCpuUsPerMessage: of(runs, (r) => r.cpu.otherThreadsUsPerMessage),
        ...(runs.every((r) => r.firstBurst)
          ? {
              firstBurst: {
                messagesPerSecond: of(runs, (r) => r.firstBurst!.messagesPerSecond),
                daemonCpuUsPerMessage: of(runs, (r) => r.firstBurst!.daemonCpuUsPerMessage),
                daemonMainThreadCpuUsPerMessage: of(runs, (r) => r.firstBurst!.mainThreadUsPerMessage),
                daemonOtherThreadsCpuUsPerMessage: of(runs, (r) => r.firstBurst!.otherThreadsUsPerMessage),
              },
            }
          : {}),
        daemonPeakRssMiB: peak,
        targets: { daemonCpuUsPerMessage: "<= 400", daemonPeakRssMB: "<= 200" },
        daemonCpuPercent: of(runs, (r) => r.daemonCpuPercent),
        sandboxCpuPercent: of(runs, (r) => r.sandboxCpuPercent),
        inOrder,
        target: ">= 1000 msg/s on one core",
        met: perSecond.median >= 1000 && inOrder,
      };
    }
    if (s.parts.has("calls")) {
      rows.push({ figure: "Bot API calls per relayed message", summary: calls, unit: "", target: "1.0", met: calls.max <= 1.0001, digits: 2 });
      rows.push({ figure: "  getUpdates per relayed message", summary: of(runs, (r) => r.pollsPerMessage), unit: "", target: "", met: undefined, digits: 3 });
      results.callsPerMessage = {
        callsPerMessage: calls,
        getUpdatesPerMessage: of(runs, (r) => r.pollsPerMessage),
        byMethodLastRun: runs.at(-1)!.byMethod,
        target: "1.0 (getUpdates not counted: one poll brings up to 100 updates)",
        met: calls.max <= 1.0001,
      };
    }
    if (s.profile) await printProfile(s.profile);
  }

  if (s.parts.has("latency")) {
    say(`latency: ${s.latencyRate} messages/s from ${s.latencyCustomers} customers, ${s.latencySeconds} s per run${s.firstBursts > 0 ? `, after ${s.firstBursts === 1 ? "a first burst" : `${s.firstBursts} bursts`} of ${s.messages} each` : ", in a fresh daemon"}${pinned && !s.pinLatency ? ", not pinned" : ""}`);
    // Unpinned unless asked: `taskset -a` to one core puts a process's own helper threads (the
    // journal's fdatasync in libuv's pool, V8's GC threads) on its event loop's core, a
    // contention no deployment has, and it showed as a third of the p99 (test/bench/README.md).
    const latencyPinned = pinned && s.pinLatency;
    if (pinned && !latencyPinned) pinSelf(`0-${machine.cores - 1}`);
    (results["settings"] as Record<string, unknown>)["latencyPinned"] = latencyPinned;
    const runs = await repeat(
      "run",
      s.runs,
      () => latencyRun({ rate: s.latencyRate, seconds: s.latencySeconds, warmupSeconds: 1, customers: s.latencyCustomers, firstBursts: s.firstBursts, burstMessages: s.messages, keepAliveMs: s.keepAliveMs, ...(latencyPinned && cpus ? { cpus } : {}) }),
      (r: LatencyRun) =>
        `p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms over ${r.samples} messages${r.lost ? `, ${r.lost} LOST` : ""}; sandbox stalls p99 ${r.sandboxStallP99.toFixed(1)} ms, max ${r.sandboxStallMax.toFixed(1)} ms; sandbox CPU ${r.sandboxCpuPerMessageUs.toFixed(0)} µs/message, GC ${r.sandboxGcCount}× max ${r.sandboxGcMaxMs.toFixed(1)} ms`,
    );
    if (pinned && !latencyPinned) pinSelf("0");
    const p50 = of(runs, (r) => r.p50);
    const p99 = of(runs, (r) => r.p99);
    const lost = runs.reduce((n, r) => n + r.lost, 0);
    rows.push({ figure: `added latency p50 (${s.latencyRate} msg/s)`, summary: p50, unit: "ms", target: "", met: undefined });
    rows.push({ figure: `added latency p99 (${s.latencyRate} msg/s)`, summary: p99, unit: "ms", target: "≤ 5", met: p99.median <= 5 && lost === 0 });
    rows.push({ figure: "  customer message to copy, p99", summary: of(runs, (r) => r.endToEndP99), unit: "ms", target: "", met: undefined });
    rows.push({ figure: "  sandbox's own stalls, max", summary: of(runs, (r) => r.sandboxStallMax), unit: "ms", target: "", met: undefined });
    results.latency = {
      rate: s.latencyRate,
      customers: s.latencyCustomers,
      samplesPerRun: runs[0]!.samples,
      p50Ms: p50,
      p90Ms: of(runs, (r) => r.p90),
      p99Ms: p99,
      maxMs: of(runs, (r) => r.max),
      endToEndP50Ms: of(runs, (r) => r.endToEndP50),
      endToEndP99Ms: of(runs, (r) => r.endToEndP99),
      sandboxStallP99Ms: of(runs, (r) => r.sandboxStallP99),
      sandboxStallMaxMs: of(runs, (r) => r.sandboxStallMax),
      sandboxCpuPerMessageUs: of(runs, (r) => r.sandboxCpuPerMessageUs),
      sandboxGcMaxMs: of(runs, (r) => r.sandboxGcMaxMs),
      lost,
      target: "p99 <= 5 ms",
      met: p99.median <= 5 && lost === 0,
    };
  }

  if (s.parts.has("limits")) {
    const floor = floorSeconds(s.limitsCustomers * s.limitsMessages);
    say(`limits: ${s.limitsCustomers} customers × ${s.limitsMessages} messages at once, sandbox limits on, daemon pacing on (floor ${floor} s)`);
    const runs = await repeat(
      "run",
      s.limitsRuns,
      () => limitsRun({ customers: s.limitsCustomers, messages: s.limitsMessages, keepAliveMs: s.keepAliveMs, progress: (l) => say(`    ${l}`) }),
      (r: LimitsRun) =>
        `last ${r.seconds.toFixed(1)} s, every first ${r.firstSeconds.toFixed(1)} s (one comment each: floor ${r.floorSeconds} s), ${r.comments} comments, ` +
        `${r.tooMany} × 429, ${r.lost} lost, ${r.duplicated} twice, ${r.inOrder ? "in order" : "OUT OF ORDER"}`,
    );
    const seconds = of(runs, (r) => r.seconds);
    const firstSeconds = of(runs, (r) => r.firstSeconds);
    const tooMany = of(runs, (r) => r.tooMany);
    const ok = runs.every((r) => r.tooMany === 0 && r.lost === 0 && r.duplicated === 0 && r.inOrder);
    const n = s.limitsCustomers * s.limitsMessages;
    rows.push({ figure: `limits: last of ${s.limitsCustomers}×${s.limitsMessages} in its thread`, summary: seconds, unit: "s", target: "≤ 360 (6 min)", met: seconds.median <= 360 });
    rows.push({ figure: `limits: every customer's first in its thread`, summary: firstSeconds, unit: "s", target: "≤ 330 (5.5 min)", met: firstSeconds.median <= 330 });
    rows.push({ figure: "limits: 429s received", summary: tooMany, unit: "", target: "0", met: tooMany.max === 0, digits: 0 });
    rows.push({ figure: "limits: lost / twice / out of order", summary: of(runs, (r) => r.lost + r.duplicated + (r.inOrder ? 0 : 1)), unit: "", target: "0", met: ok, digits: 0 });
    results.limits = {
      customers: s.limitsCustomers,
      messagesEach: s.limitsMessages,
      copies: n,
      seconds,
      firstSeconds,
      comments: runs.at(-1)!.comments,
      floorSeconds: floor,
      floorRule: "1 message/s per chat and 20 per 60 s into the group (Bot API FAQ, limits); at 20/min alone: " + (n / 20).toFixed(1) + " min",
      tooMany,
      lost: runs.reduce((a, r) => a + r.lost, 0),
      duplicated: runs.reduce((a, r) => a + r.duplicated, 0),
      inOrder: runs.every((r) => r.inOrder),
      byMethodLastRun: runs.at(-1)!.byMethod,
      target: "last <= 6 min, every first <= 5.5 min, 0 × 429, nothing lost, each conversation in order",
      met: ok && seconds.median <= 360 && firstSeconds.median <= 330,
    };
    if (s.limitsFlood > 0) {
      say(`limits: one customer sends ${s.limitsFlood} texts while ${s.limitsFloodOthers} others send 2 each`);
      const floods = await repeat(
        "run",
        s.limitsRuns,
        () => floodRun({ customers: s.limitsFloodOthers, messages: 2, flood: s.limitsFlood, keepAliveMs: s.keepAliveMs, progress: (l) => say(`    ${l}`) }),
        (r: FloodRun) => `the others' last ${r.othersSeconds.toFixed(1)} s, the flood's last ${r.seconds.toFixed(1)} s, ${r.comments} comments, ${r.tooMany} × 429, ${r.lost} lost, ${r.duplicated} twice, ${r.inOrder ? "in order" : "OUT OF ORDER"}`,
      );
      const others = of(floods, (r) => r.othersSeconds);
      const floodOk = floods.every((r) => r.tooMany === 0 && r.lost === 0 && r.duplicated === 0 && r.inOrder);
      rows.push({ figure: `limits: ${s.limitsFloodOthers} others' last during a ${s.limitsFlood}-text flood`, summary: others, unit: "s", target: "≤ 180 (3 min)", met: others.median <= 180 });
      rows.push({ figure: "limits flood: 429s / lost / twice / out of order", summary: of(floods, (r) => r.tooMany + r.lost + r.duplicated + (r.inOrder ? 0 : 1)), unit: "", target: "0", met: floodOk, digits: 0 });
      results.limitsFlood = {
        flood: s.limitsFlood,
        others: s.limitsFloodOthers,
        othersEach: 2,
        othersSeconds: others,
        floodSeconds: of(floods, (r) => r.seconds),
        comments: floods.at(-1)!.comments,
        tooMany: of(floods, (r) => r.tooMany),
        lost: floods.reduce((a, r) => a + r.lost, 0),
        duplicated: floods.reduce((a, r) => a + r.duplicated, 0),
        inOrder: floods.every((r) => r.inOrder),
        byMethodLastRun: floods.at(-1)!.byMethod,
        target: "the others' last <= 3 min, 0 × 429, nothing lost, in order",
        met: floodOk && others.median <= 180,
      };
    }
  }

  if (s.parts.has("store")) {
    const dir = await mkdtemp(join(tmpdir(), "clientes-bench-stores-"));
    const store: Record<string, unknown> = { linksPerConversation: s.linksPerConversation, days: 30 };
    try {
      say(`store: a delivery's journal write with ${BACKLOG.jobs.toLocaleString("en-US")} jobs queued and ${BACKLOG.links.toLocaleString("en-US")} links in the conversation`);
      const backlog = await repeat("run", s.runs, () => backlogBytesPerDelivery(BACKLOG), (b: number) => `${Math.round(b)} bytes per delivery`);
      const bytes = of(backlog, (b) => b);
      rows.push({ figure: `store: journal bytes per delivery (${BACKLOG.jobs} queued, ${BACKLOG.links} links)`, summary: bytes, unit: "B", target: "≤ 1,024", met: bytes.median <= 1024, digits: 0 });
      store.backlog = { ...BACKLOG, journalBytesPerDelivery: bytes, target: "<= 1024 bytes", met: bytes.median <= 1024 };
      say(`store: empty store (the baseline)`);
      const empty = await repeat("run", s.runs, () => storeScaleRun(undefined, baseOptions(s, 0), cpus), (r: StoreScaleRun) => `start-up ${Math.round(r.startupMs)} ms, ${Math.round(r.rssMiB)} MiB`);
      rows.push({ figure: "store empty: daemon start-up", summary: of(empty, (r) => r.startupMs), unit: "ms", target: "", met: undefined, digits: 0 });
      rows.push({ figure: "store empty: daemon memory (VmRSS)", summary: of(empty, (r) => r.rssMiB), unit: "MiB", target: "", met: undefined, digits: 0 });
      store.empty = { startupMs: of(empty, (r) => r.startupMs), rssMiB: of(empty, (r) => r.rssMiB), peakRssMiB: of(empty, (r) => r.peakRssMiB) };
      for (const size of s.storeSizes) {
        const opts = baseOptions(s, size);
        const { path, shape } = await prepareStore(dir, opts);
        const live = await liveHeapMiB(path);
        say(`store: ${size.toLocaleString("en-US")} conversations, ${shape.links.toLocaleString("en-US")} links, ${shape.sizeMB.toFixed(1)} MB on disk, ${live.toFixed(0)} MiB of heap once loaded`);
        const runs = await repeat(
          "run",
          s.runs,
          () => storeScaleRun(path, opts, cpus),
          (r: StoreScaleRun) =>
            `write p50 ${r.writeP50.toFixed(2)} ms p99 ${r.writeP99.toFixed(2)} ms, whole file ${Math.round(r.fullWriteMs)} ms, start-up ${Math.round(r.startupMs)} ms, ${Math.round(r.rssMiB)} MiB (peak ${Math.round(r.peakRssMiB)})`,
        );
        const label = `store ${size >= 1000 ? `${size / 1000}k` : size}`;
        const big = size >= 100_000;
        const write = of(runs, (r) => r.writeP50);
        const rss = of(runs, (r) => r.rssMiB);
        rows.push({ figure: `${label}: size on disk (${shape.links.toLocaleString("en-US")} links)`, summary: summarize([shape.sizeMB]), unit: "MB", target: "", met: undefined });
        rows.push({ figure: `${label}: one write, p50`, summary: write, unit: "ms", target: big ? "≤ 50" : "", met: big ? write.median <= 50 : undefined, digits: 2 });
        rows.push({ figure: `${label}: one write, p99`, summary: of(runs, (r) => r.writeP99), unit: "ms", target: big ? "≤ 50" : "", met: big ? of(runs, (r) => r.writeP99).median <= 50 : undefined, digits: 2 });
        rows.push({ figure: `${label}: whole-file write (journal fold)`, summary: of(runs, (r) => r.fullWriteMs), unit: "ms", target: "", met: undefined, digits: 0 });
        rows.push({ figure: `${label}: daemon start-up`, summary: of(runs, (r) => r.startupMs), unit: "ms", target: "", met: undefined, digits: 0 });
        rows.push({ figure: `${label}: daemon memory (VmRSS)`, summary: rss, unit: "MiB", target: big ? "≤ 250 MB" : "", met: big ? rss.median * 1.048576 <= 250 : undefined, digits: 0 });
        rows.push({ figure: `${label}:   of which the state (heap)`, summary: summarize([live]), unit: "MiB", target: "", met: undefined, digits: 0 });
        store[String(size)] = {
          shape: shape satisfies StoreShape,
          stateHeapMiB: live,
          writeP50Ms: write,
          writeP99Ms: of(runs, (r) => r.writeP99),
          writeMaxMs: of(runs, (r) => r.writeMax),
          writeBytes: runs[0]!.writeBytes,
          fullWriteMs: of(runs, (r) => r.fullWriteMs),
          fullWriteBlockingMs: of(runs, (r) => r.fullWriteBlockingMs),
          startupMs: of(runs, (r) => r.startupMs),
          rssMiB: rss,
          peakRssMiB: of(runs, (r) => r.peakRssMiB),
          ...(big ? { target: "<= 50 ms per write, <= 250 MB", met: { write: write.median <= 50, memory: rss.median * 1.048576 <= 250 } } : {}),
        };
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    results.store = store;
  }

  results.durationSeconds = (Date.now() - started.getTime()) / 1000;
  process.stdout.write(`\n${table(rows)}\n`);
  if (s.markdown) process.stdout.write(`\n${markdownTable(rows)}\n`);
  if (s.out !== "-") {
    await writeJson(s.out, results);
    say(`\nwritten to ${s.out} (${Math.round((Date.now() - started.getTime()) / 1000)} s)`);
  }
  return 0;
}

function baseOptions(s: Settings, conversations: number) {
  return { conversations, linksPerConversation: s.linksPerConversation, writes: s.storeWrites, nowMs: Date.now() };
}

async function printProfile(dir: string): Promise<void> {
  const files = await Promise.all((await readdir(dir)).filter((f) => f.endsWith(".cpuprofile")).map(async (f) => ({ f, size: (await stat(join(dir, f))).size })));
  const main = files.sort((a, b) => b.size - a.size)[0];
  if (!main) return say(`no profile in ${dir}`);
  const p = await summarizeProfile(join(dir, main.f), 25, ["runLane", "pollLoop", "handleUpdate", "planJob", "call", "post", "write"]);
  say(`\nprofile ${main.f} (${p.totalMs} ms of samples, start-up and warm-up included)`);
  say("by file:");
  for (const h of p.files) say(`  ${h.percent.toFixed(1).padStart(5)}%  ${h.name}`);
  say("by function (self):");
  for (const h of p.functions) say(`  ${h.percent.toFixed(1).padStart(5)}%  ${h.name}`);
  say("inclusive:");
  for (const h of p.inclusive) say(`  ${h.percent.toFixed(1).padStart(5)}%  ${h.name}`);
}

process.exitCode = await main(process.argv.slice(2));
