/**
 * The journal's pipeline: a line is appended while the line before it is being synced, and
 * a line lost before its sync (an EIO, a torn append, a stop that gives up) takes every line
 * after it, which is written again whole: the reopened store is what memory holds, records
 * journaled relative to lost lines included (a codec's jobs, `appendOnly` items).
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { enqueue } from "../../src/core/queue.ts";
import { link, linkOf, markDirty, worldOf, type Conversation } from "../../src/core/state.ts";
import { openStateStore } from "../../src/daemon/daemon.ts";
import { faultyFs, type FaultyFs } from "../../src/store/faults.ts";
import type { StoreFs } from "../../src/store/fs.ts";
import { openJournaledStore, StoreError, type JournaledStore } from "../../src/store/index.ts";
import type { RecordCodec } from "../../src/store/journal.ts";
import type { RetryOptions } from "../../src/store/retry.ts";

/** A conversation in miniature: its jobs are journaled one by one by {@link jobsCodec}. */
interface Bag {
  name: string;
  jobs: number[];
}

interface Data {
  offset: number;
  bags: Record<string, Bag>;
  /** appendOnly: a line journals only the new items. */
  logs: Record<string, number[]>;
}

const lock = { pid: 4242, isPidAlive: () => false };
const FAST: RetryOptions = { firstMs: 2, maxMs: 10, remindMs: 60_000, stopGraceMs: 100 };
const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Journals a bag's jobs as `put` and `gone` against what earlier lines wrote (like the conversations' codec). */
function jobsCodec(): RecordCodec {
  const saved = new WeakMap<number[], Set<number>>();
  type Extra = { all: number[] } | { put: number[]; gone: number[] };
  return {
    saved(value) {
      const bag = value as Bag;
      saved.set(bag.jobs, new Set(bag.jobs));
    },
    encode(value) {
      const { jobs, ...record } = value as Bag;
      const known = saved.get(jobs);
      const now = [...jobs];
      if (known === undefined) return { record, extra: { all: now }, commit: () => saved.set(jobs, new Set(now)) };
      const put = now.filter((j) => !known.has(j));
      const gone = [...known].filter((j) => !now.includes(j));
      return {
        record,
        extra: { put, gone },
        commit: () => {
          for (const j of gone) known.delete(j);
          for (const j of put) known.add(j);
        },
      };
    },
    forget(value) {
      saved.delete((value as Bag).jobs);
    },
    decode(current, record, extra) {
      const change = extra as Extra;
      if ("all" in change) return { ...(record as object), jobs: change.all };
      const had = (current as Bag | undefined)?.jobs ?? [];
      return { ...(record as object), jobs: [...had.filter((j) => !change.gone.includes(j)), ...change.put] };
    },
  };
}

interface Opened {
  store: JournaledStore<Data>;
  faulty: FaultyFs;
  logs: string[];
  /** fdatasyncs started on the journal so far. */
  syncs: () => number;
}

async function storePath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "clientes-journal-pipeline-"));
  dirs.push(dir);
  return join(dir, "s.json");
}

async function open(path: string, extra: { shutdown?: AbortSignal; readOnly?: boolean } = {}): Promise<Opened> {
  const faulty = faultyFs();
  let syncs = 0;
  const counting: StoreFs = {
    ...faulty.fs,
    async open(p, flags, mode) {
      const fh = await faulty.fs.open(p, flags, mode);
      return {
        ...fh,
        datasync: () => {
          if (p.endsWith(".journal")) syncs += 1;
          return fh.datasync();
        },
      };
    },
  };
  const logs: string[] = [];
  const log = { info: (m: string) => logs.push(`info ${m}`), warn: (m: string) => logs.push(`warn ${m}`), error: (m: string) => logs.push(`error ${m}`) };
  const store = await openJournaledStore<Data>({
    path,
    version: 1,
    defaults: () => ({ offset: 0, bags: {}, logs: {} }),
    collections: ["bags", "logs"],
    appendOnly: ["logs"],
    codecs: { bags: jobsCodec() },
    fs: counting,
    log,
    retry: FAST,
    ...(extra.readOnly ? {} : { lock }),
    ...(extra.shutdown ? { shutdown: extra.shutdown } : {}),
  });
  return { store, faulty, logs, syncs: () => syncs };
}

/** What a fresh open of the files finds (as after a crash of the process: read-only, no lock, no fold). */
async function onDisk(path: string): Promise<Data> {
  const { store } = await open(path, { readOnly: true });
  return structuredClone(store.data);
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Tracks whether a promise has settled. */
function watch(p: Promise<unknown>): { readonly done: boolean } {
  const w = { done: false };
  p.then(
    () => (w.done = true),
    () => (w.done = true),
  );
  return w;
}

const journalLines = async (path: string): Promise<Array<Record<string, unknown>>> =>
  (await readFile(`${path}.journal`, "utf8"))
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** A store holding bag c (jobs 1, 2) and log c ([1]), durable. */
async function withBaseline(path: string, extra: { shutdown?: AbortSignal } = {}): Promise<Opened> {
  const o = await open(path, extra);
  o.store.data.bags.c = { name: "c", jobs: [1, 2] };
  o.store.data.logs.c = [1];
  o.store.dirty.bags.add("c");
  o.store.dirty.logs.add("c");
  await o.store.write();
  return o;
}

/** Line 1 (job 3 put in bag c, and what `more` changes) appended, its sync held. */
async function firstLineHeld(o: Opened, more: (data: Data) => void = () => undefined) {
  const hold = o.faulty.holdSyncs({ match: (p) => p.endsWith(".journal") });
  o.store.data.bags.c!.jobs.push(3);
  o.store.dirty.bags.add("c");
  more(o.store.data);
  o.store.dirty.logs.add("c");
  const first = o.store.stage();
  await first.appended;
  await until(() => hold.waiting === 1, "the first sync held");
  return { hold, first };
}

test("a second line is appended while the first one's sync is held; it is durable only after a later sync", async () => {
  const path = await storePath();
  const opened = await withBaseline(path);
  const { store, syncs } = opened;
  try {
    const before = syncs();
    const { hold, first } = await firstLineHeld(opened);
    const firstDurable = watch(first.durable);

    // A delivery's outcome: the job it sent is gone, a log item added.
    store.data.bags.c!.jobs.shift();
    store.data.logs.c!.push(2);
    store.data.offset = 5;
    store.dirty.bags.add("c");
    store.dirty.logs.add("c");
    const second = store.stage();
    const secondDurable = watch(second.durable);
    await second.appended;
    assert.equal(hold.waiting, 1, "appended while the first sync is still held");
    assert.equal(syncs() - before, 1, "no second sync yet: it waits for the one in flight");
    assert.deepEqual(await onDisk(path), store.data, "both lines are in the file (a crash of the process keeps them)");
    assert.equal(firstDurable.done || secondDurable.done, false, "neither is durable while the sync is held");

    hold.release();
    await first.durable;
    assert.equal(secondDurable.done, false, "the first sync started before the second line: it does not cover it");
    await second.durable;
    assert.equal(syncs() - before, 2, "the second line has a sync of its own, started after it was appended");
    const lines = await journalLines(path);
    assert.deepEqual(lines.slice(-2).map((l) => (l.x as Record<string, Record<string, unknown>> | undefined)?.bags?.c), [{ put: [3], gone: [] }, { put: [], gone: [1] }], "each line says only what changed");
  } finally {
    await store.close();
  }
  const again = await open(path);
  assert.deepEqual(again.store.data, { offset: 5, bags: { c: { name: "c", jobs: [2, 3] } }, logs: { c: [1, 2] } });
  await again.store.close();
});

test("an EIO on a sync with a second line in flight: both lines are written again, whole, and the reopened store is what memory holds", async () => {
  const path = await storePath();
  const opened = await withBaseline(path);
  const { store, logs } = opened;
  try {
    // Line 1: job 3 put, log item 2.
    const { hold, first } = await firstLineHeld(opened, (data) => data.logs.c!.push(2));
    // Line 2, relative to line 1: job 3 gone again, job 4 put, log item 3; bag d new and its log.
    store.data.bags.c!.jobs = store.data.bags.c!.jobs.filter((j) => j !== 3);
    store.data.bags.c!.jobs.push(4);
    store.data.logs.c!.push(3);
    store.data.bags.d = { name: "d", jobs: [9] };
    store.data.logs.d = [7];
    store.data.offset = 9;
    for (const k of ["c", "d"]) (store.dirty.bags.add(k), store.dirty.logs.add(k));
    const second = store.stage();
    await second.appended;

    hold.release("EIO");
    await first.durable;
    await second.durable;
    assert.ok(logs.some((l) => /^error cannot write store journal .*EIO/.test(l)), logs.join("\n"));
    assert.ok(logs.some((l) => /^info store .* written again after/.test(l)), "and told when it works again");
    const expected: Data = { offset: 9, bags: { c: { name: "c", jobs: [1, 2, 4] }, d: { name: "d", jobs: [9] } }, logs: { c: [1, 2, 3], d: [7] } };
    assert.deepEqual(store.data, expected);
    assert.deepEqual(await onDisk(path), expected, "nothing lost, job 3 not back, no log item twice");
    const last = (await journalLines(path)).at(-1)!;
    assert.deepEqual((last.x as Record<string, Record<string, unknown>>).bags!.c, { all: [1, 2, 4] }, "the lost lines' records journaled whole");
    assert.deepEqual((last.c as Record<string, Record<string, unknown>>).logs!.c, [1, 2, 3]);

    // Lines after the retry are relative again.
    store.data.bags.c!.jobs.shift();
    store.data.logs.c!.push(4);
    store.dirty.bags.add("c");
    store.dirty.logs.add("c");
    await store.write();
    const next = (await journalLines(path)).at(-1)!;
    assert.deepEqual((next.x as Record<string, Record<string, unknown>>).bags!.c, { put: [], gone: [1] });
    assert.deepEqual((next.a as Record<string, Record<string, unknown>>).logs!.c, [3, 4]);
  } finally {
    await store.close();
  }
  const again = await open(path);
  assert.deepEqual(again.store.data, { offset: 9, bags: { c: { name: "c", jobs: [2, 4] }, d: { name: "d", jobs: [9] } }, logs: { c: [1, 2, 3, 4], d: [7] } });
  await again.store.close();
});

test("a torn append while a sync is in flight: the synced line stays durable, the refused one is not appended until there is room", async () => {
  const path = await storePath();
  const opened = await withBaseline(path);
  const { store, faulty } = opened;
  try {
    const { hold, first } = await firstLineHeld(opened);

    faulty.fill({ torn: true });
    store.data.bags.c!.jobs.shift();
    store.data.logs.c!.push(2);
    store.dirty.bags.add("c");
    store.dirty.logs.add("c");
    const second = store.stage();
    const appended = watch(second.appended);
    await until(() => faulty.failures >= 1, "the torn append");
    hold.release();
    await first.durable;
    await until(() => faulty.failures >= 3, "retries on the full disk");
    assert.equal(appended.done, false, "a line the disk refuses starts no delivery");
    const synced = await onDisk(path);
    assert.deepEqual(synced.bags.c!.jobs, [1, 2, 3], "the first line, whole; the torn half is no line");

    faulty.free();
    await second.appended;
    await second.durable;
    assert.deepEqual(await onDisk(path), store.data);
    await journalLines(path); // every line whole: the torn half was cut off
  } finally {
    await store.close();
  }
  const again = await open(path);
  assert.deepEqual(again.store.data.bags.c!.jobs, [2, 3]);
  assert.deepEqual(again.store.data.logs.c, [1, 2]);
  await again.store.close();
});

test("a stop while two lines wait for a failing sync: both callers get the store's hint after the grace, close fails with it, what was durable stays", async () => {
  const path = await storePath();
  const shutdown = new AbortController();
  const opened = await withBaseline(path, { shutdown: shutdown.signal });
  const { store, faulty } = opened;
  const { hold, first } = await firstLineHeld(opened);
  store.data.logs.c!.push(2);
  store.dirty.logs.add("c");
  const second = store.stage();
  await second.appended;
  faulty.failNext("sync", "EIO", { count: 1_000_000, match: (p) => p.endsWith(".journal") });
  hold.release("EIO");
  await until(() => faulty.failures >= 3, "several failed syncs");
  const gaveUp = (err: unknown): boolean => err instanceof StoreError && /the daemon stopped before it could store its last changes/.test(err.hint);
  shutdown.abort();
  await assert.rejects(first.durable, gaveUp);
  await assert.rejects(second.durable, gaveUp);
  await assert.rejects(store.close(), gaveUp);
  const after = await open(path); // the lock is released
  try {
    assert.deepEqual(after.store.data.bags.c!.jobs.slice(0, 2), [1, 2], "what was durable before is kept");
    assert.deepEqual(after.store.data.logs.c!.slice(0, 1), [1]);
  } finally {
    await after.store.close();
  }
});

test("the daemon's store: a job queued in one line, the job before it delivered in the next, the first sync failing: the restart finds the new job, not the delivered one, and its link", async () => {
  const path = await storePath();
  const faulty = faultyFs();
  const store = await openStateStore(path, lock, undefined, { fs: faulty.fs, retry: FAST });
  let memory: unknown;
  try {
    const world = worldOf(store.data, store.dirty);
    const conv: Conversation = {
      customer: { id: 7, first_name: "C7" },
      status: "open",
      banned: false,
      blocked: false,
      priority: 3,
      failures: 0,
      createdAt: 0,
      firstMessageAt: 0,
      queues: { team: [], customer: [], card: [], staff: [] },
    };
    world.state.conversations[7] = conv;
    enqueue(world.state, conv, "team", { kind: "in", p: 100 }, 0);
    markDirty(world, "conversations", 7);
    await store.write();

    const hold = faulty.holdSyncs({ match: (p) => p.endsWith(".journal") });
    enqueue(world.state, conv, "team", { kind: "in", p: 101 }, 0); // line 1: an update's job
    markDirty(world, "conversations", 7);
    const first = store.stage();
    await first.appended;
    await until(() => hold.waiting === 1, "the first sync held");
    // Line 2: the first job delivered (gone), its link added.
    conv.queues.team.shift();
    link(world, 5100, 7, 100, 0);
    markDirty(world, "conversations", 7);
    const second = store.stage();
    await second.appended;
    hold.release("EIO");
    await second.durable;
    await first.durable;
    memory = JSON.parse(JSON.stringify(store.data));
  } finally {
    await store.close();
  }
  const again = await openStateStore(path);
  try {
    const team = again.data.conversations[7]!.queues.team;
    assert.deepEqual(team.map((j) => (j.kind === "in" ? j.p : 0)), [101], "the delivered job does not come back (no second copy), the new one is kept");
    assert.deepEqual(JSON.parse(JSON.stringify(again.data)), memory, "the restart finds what memory held, links once each");
    assert.deepEqual(linkOf(worldOf(again.data), 5100), { customer: 7, p: 100 });
  } finally {
    await again.close();
  }
});
