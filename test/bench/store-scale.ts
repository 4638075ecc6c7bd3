/**
 * Store scale: with many conversations and 30 days of links, how big is the store, how
 * long does a delivery's write take, how long does the daemon take to start, and how
 * much memory does it hold?
 */
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { enqueue } from "../../src/core/queue.ts";
import { emptyState, link, markDirty, STATE_VERSION, worldOf, type Conversation, type State } from "../../src/core/state.ts";
import { openStateStore } from "../../src/daemon/daemon.ts";
import { openStore } from "../../src/store/index.ts";
import { startBench } from "./lib/daemon.ts";
import { rssMiB } from "./lib/machine.ts";
import { percentile } from "./lib/stats.ts";
import { syntheticState, writeSnapshot } from "./synthetic.ts";

export interface StoreScaleOptions {
  conversations: number;
  linksPerConversation: number;
  /** Typical delivery writes timed per run. */
  writes: number;
  nowMs: number;
}

/** Figures of one prepared store (measured once: they do not vary between runs). */
export interface StoreShape {
  conversations: number;
  links: number;
  /** Snapshot file size, MB (10^6 bytes). */
  sizeMB: number;
}

/** One run's figures. */
export interface StoreScaleRun {
  /** A typical delivery's write (one conversation and one link changed): journal append + fsync, ms. */
  writeP50: number;
  writeP99: number;
  writeMax: number;
  /** Bytes appended to the journal per typical write. */
  writeBytes: number;
  /** The whole file rewritten (lowdb's write: what every write cost before the journal; now the fold, once per 16 MiB of journal), ms. */
  fullWriteMs: number;
  /** Of that, the part that blocks the event loop (serializing), ms. */
  fullWriteBlockingMs: number;
  /** Spawn to the `relaying` log line, ms. */
  startupMs: number;
  /** VmRSS of the daemon once relaying and idle for a second, MiB. */
  rssMiB: number;
  /** VmHWM: its peak resident memory during start-up, MiB. */
  peakRssMiB: number;
}

/** Builds the store file for a size once; runs copy it. */
export async function prepareStore(dir: string, opts: StoreScaleOptions): Promise<{ path: string; shape: StoreShape }> {
  const state = syntheticState({ conversations: opts.conversations, linksPerConversation: opts.linksPerConversation, days: 30, openShare: 0.2, nowMs: opts.nowMs });
  const path = join(dir, `store-${opts.conversations}.json`);
  const bytes = await writeSnapshot(path, state);
  const links = Object.values(state.links).reduce((n, l) => n + l.length / 3, 0);
  return { path, shape: { conversations: opts.conversations, links, sizeMB: bytes / 1e6 } };
}

/** Times typical writes on a copy of the store, in this process (the same code the daemon runs). */
async function timeWrites(source: string, opts: StoreScaleOptions): Promise<Pick<StoreScaleRun, "writeP50" | "writeP99" | "writeMax" | "writeBytes">> {
  const dir = await mkdtemp(join(tmpdir(), "clientes-bench-store-"));
  try {
    const path = join(dir, "clientes.json");
    await copyFile(source, path);
    const store = await openStateStore(path, { pid: process.pid, isPidAlive: () => false });
    try {
      const state = store.data;
      const ids = Object.keys(state.conversations);
      let g = 1_000_000_000; // above every synthetic group message id
      const times: number[] = [];
      for (let i = 0; i < opts.writes; i++) {
        // What a delivered copy changes: the conversation (its queue shrinks) and one new link.
        const id = ids[(i * 7919) % ids.length]!;
        const conv = state.conversations[id]!;
        conv.waitingSince = opts.nowMs + i;
        (state.links[id] ??= []).push(g, 1_000_000 + i, Math.floor((opts.nowMs + i) / 1000));
        store.dirty.conversations.add(id);
        store.dirty.links.add(id);
        g += 1;
        state.offset += 1;
        const t = performance.now();
        await store.write();
        times.push(performance.now() - t);
      }
      const writeBytes = store.journalBytes() / opts.writes;
      return { writeP50: percentile(times, 50), writeP99: percentile(times, 99), writeMax: Math.max(...times), writeBytes };
    } finally {
      await store.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The whole-file write (lowdb through the plain store): the fold's cost, and every write's cost without the journal. */
async function timeFullWrite(source: string): Promise<Pick<StoreScaleRun, "fullWriteMs" | "fullWriteBlockingMs">> {
  const dir = await mkdtemp(join(tmpdir(), "clientes-bench-store-"));
  try {
    const path = join(dir, "clientes.json");
    await copyFile(source, path);
    const store = await openStore<State>({ path, defaults: emptyState, version: STATE_VERSION, lock: { pid: process.pid, isPidAlive: () => false } });
    try {
      store.data.offset += 1;
      const s = performance.now();
      JSON.stringify({ version: STATE_VERSION, data: store.data });
      const blocking = performance.now() - s;
      const t = performance.now();
      await store.write();
      return { fullWriteMs: performance.now() - t, fullWriteBlockingMs: blocking };
    } finally {
      await store.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The heap the daemon's state holds once loaded (the store's data plus the indexes built
 * from it), measured in this process between full garbage collections: what the store
 * costs in memory, apart from the runtime and V8's slack.
 */
export async function liveHeapMiB(source: string): Promise<number> {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const heap = (): number => {
    gc();
    gc();
    return process.memoryUsage().heapUsed / 2 ** 20;
  };
  const before = heap();
  const store = await openStateStore(source); // read-only: the same data, no lock, nothing written
  const world = worldOf(store.data, store.dirty);
  const after = heap();
  void world;
  await store.close();
  return after - before;
}

/** Starts the daemon on a copy of the store: start-up time and memory. */
async function timeStartup(source: string | undefined, cpus: string | undefined): Promise<Pick<StoreScaleRun, "startupMs" | "rssMiB" | "peakRssMiB">> {
  const bench = await startBench({
    logLevel: "info",
    sandbox: { logRequests: false },
    ...(cpus !== undefined ? { cpus } : {}),
    ...(source ? { prepareStore: (path: string) => copyFile(source, path) } : {}),
  });
  try {
    await new Promise((r) => setTimeout(r, 1000));
    return { startupMs: bench.startupMs, rssMiB: rssMiB(bench.daemon.pid), peakRssMiB: rssMiB(bench.daemon.pid, "VmHWM") };
  } finally {
    await bench.close();
  }
}

export async function storeScaleRun(source: string | undefined, opts: StoreScaleOptions, cpus?: string): Promise<StoreScaleRun> {
  if (source === undefined) {
    const s = await timeStartup(undefined, cpus);
    return { writeP50: Number.NaN, writeP99: Number.NaN, writeMax: Number.NaN, writeBytes: Number.NaN, fullWriteMs: Number.NaN, fullWriteBlockingMs: Number.NaN, ...s };
  }
  const writes = await timeWrites(source, opts);
  const full = await timeFullWrite(source);
  const startup = await timeStartup(source, cpus);
  return { ...writes, ...full, ...startup };
}

/** The backlog of {@link backlogBytesPerDelivery}: one conversation's queue and history. */
export const BACKLOG = { jobs: 1000, links: 1000, deliveries: 200 };

/**
 * A delivery's journal write in a conversation with a long backlog and history: what one
 * delivered copy changes (its job gone, one link added), journaled; bytes per delivery.
 */
export async function backlogBytesPerDelivery(opts: typeof BACKLOG): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), "clientes-bench-backlog-"));
  try {
    const store = await openStateStore(join(dir, "clientes.json"), { pid: process.pid, isPidAlive: () => false });
    try {
      const world = worldOf(store.data, store.dirty);
      const now = Date.now();
      const id = 4242;
      const conv: Conversation = {
        customer: { id, first_name: "Backlog" },
        status: "open",
        banned: false,
        blocked: false,
        priority: 3,
        failures: 0,
        createdAt: now,
        firstMessageAt: now,
        card: 10,
        root: 11,
        queues: { team: [], customer: [], card: [], staff: [] },
      };
      world.state.conversations[id] = conv;
      for (let i = 0; i < opts.links; i++) link(world, 1_000 + i, id, 100_000 + i, now);
      for (let i = 0; i < opts.jobs + opts.deliveries; i++) enqueue(world.state, conv, "team", { kind: "in", p: 200_000 + i }, now);
      markDirty(world, "conversations", id);
      await store.write();
      const before = store.journalBytes();
      for (let i = 0; i < opts.deliveries; i++) {
        const job = conv.queues.team.shift()!;
        link(world, 500_000 + i, id, job.kind === "in" ? job.p : 0, now + i);
        conv.waitingSince = now + i;
        world.state.offset += 1;
        markDirty(world, "conversations", id);
        await store.write();
      }
      return (store.journalBytes() - before) / opts.deliveries;
    } finally {
      await store.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
