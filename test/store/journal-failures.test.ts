/**
 * The journaled store on a disk that fails: full, torn appends, EIO, renames refused,
 * snapshots that cannot be written, a lock that cannot be removed (issue 11, items 4, 5
 * and 11). Faults are injected at the store's file layer (src/store/faults.ts); every
 * test ends by reopening the store from disk and checking every record.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { faultyFs, type FaultyFs } from "../../src/store/faults.ts";
import { openJournaledStore, StoreError, type JournaledStore } from "../../src/store/index.ts";
import type { RetryOptions } from "../../src/store/retry.ts";

interface Data {
  offset: number;
  items: Record<string, { n: number }>;
}

const lock = { pid: 4242, isPidAlive: () => false };
const FAST: RetryOptions = { firstMs: 2, maxMs: 10, remindMs: 60_000, stopGraceMs: 100 };
const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function storePath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "clientes-journal-faults-"));
  dirs.push(dir);
  return join(dir, "s.json");
}

interface Opened {
  store: JournaledStore<Data>;
  faulty: FaultyFs;
  logs: string[];
}

async function open(path: string, extra: { compactBytes?: number; retry?: RetryOptions; shutdown?: AbortSignal; readOnly?: boolean } = {}): Promise<Opened> {
  const faulty = faultyFs();
  const logs: string[] = [];
  const log = { info: (m: string) => logs.push(`info ${m}`), warn: (m: string) => logs.push(`warn ${m}`), error: (m: string) => logs.push(`error ${m}`) };
  const store = await openJournaledStore<Data>({
    path,
    version: 1,
    defaults: () => ({ offset: 0, items: {} }),
    collections: ["items"],
    fs: faulty.fs,
    log,
    retry: extra.retry ?? FAST,
    ...(extra.readOnly ? {} : { lock }),
    ...(extra.compactBytes ? { compactBytes: extra.compactBytes } : {}),
    ...(extra.shutdown ? { shutdown: extra.shutdown } : {}),
  });
  return { store, faulty, logs };
}

function put(s: JournaledStore<Data>, key: string, n: number): void {
  s.data.items[key] = { n };
  s.dirty.items.add(key);
}

/** Waits (re-checking every 2 ms) until `check` holds; bounded. */
async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** What a fresh open of the files finds (as after a crash: read-only, no lock, no fold). */
async function onDisk(path: string): Promise<Data> {
  const { store } = await open(path, { readOnly: true });
  return structuredClone(store.data);
}

const settled = (p: Promise<unknown>): Promise<boolean> => Promise.race([p.then(() => true, () => true), new Promise<boolean>((r) => setImmediate(() => r(false)))]);

test("a write on a full disk waits, tells the operator once what to free, and completes when there is room", async () => {
  const path = await storePath();
  const { store, faulty, logs } = await open(path);
  put(store, "a", 1);
  await store.write();
  faulty.fill();
  store.data.offset = 7;
  put(store, "b", 2);
  const pending = store.write();
  await until(() => faulty.failures >= 5, "five failed attempts");
  assert.equal(await settled(pending), false, "the caller waits: the write is not done, and it did not fail");
  const told = logs.filter((l) => l.startsWith("error"));
  assert.equal(told.length, 1, "told once, not at every attempt");
  assert.match(told[0]!, /cannot write store journal .*s\.json\.journal: ENOSPC/);
  assert.match(told[0]!, /hint: free disk space where the store lives \(df -h .*clientes-journal-faults-/);
  assert.match(told[0]!, /this write needs \d+ bytes/);
  assert.match(told[0]!, /no update is confirmed to Telegram .* retries by itself/);

  faulty.free();
  await pending;
  assert.ok(logs.some((l) => /^info store .* written again after [\d.]+ s: the desk carries on/.test(l)), "and told when it works again");
  assert.deepEqual(await onDisk(path), { offset: 7, items: { a: { n: 1 }, b: { n: 2 } } });
  await store.close();
  const again = await open(path);
  assert.deepEqual(again.store.data, { offset: 7, items: { a: { n: 1 }, b: { n: 2 } } });
  await again.store.close();
});

test("while the disk stays full, the operator is reminded periodically, not at every attempt", async () => {
  const path = await storePath();
  const { store, faulty, logs } = await open(path, { retry: { ...FAST, remindMs: 40 } });
  faulty.fill();
  put(store, "a", 1);
  const pending = store.write();
  await until(() => logs.filter((l) => l.startsWith("error")).length >= 3, "two reminders");
  const errors = logs.filter((l) => l.startsWith("error"));
  assert.match(errors[1]!, /^error still failing for \d+ s \(\d+ attempts\): cannot write store journal/);
  assert.ok(faulty.failures > errors.length, `${faulty.failures} attempts, ${errors.length} messages`);
  faulty.free();
  await pending;
  await store.close();
  assert.deepEqual((await onDisk(path)).items, { a: { n: 1 } });
});

test("a line torn by a full disk is cut off: the writes after it and the reopened store are whole", async () => {
  const path = await storePath();
  const { store, faulty } = await open(path);
  put(store, "a", 1);
  faulty.fill({ torn: true });
  const pending = store.write();
  await until(() => faulty.failures >= 3, "three torn appends");
  faulty.free();
  await pending;
  for (const k of ["b", "c"]) {
    put(store, k, 2);
    await store.write();
  }
  const journal = await readFile(`${path}.journal`, "utf8");
  assert.ok(journal.split("\n").slice(0, -1).every((l) => JSON.parse(l)), "every line of the journal parses");
  assert.deepEqual((await onDisk(path)).items, { a: { n: 1 }, b: { n: 2 }, c: { n: 2 } });
  await store.close();
});

test("an EIO on fsync is retried: nothing is lost, and a record changed meanwhile is saved too", async () => {
  const path = await storePath();
  const { store, faulty } = await open(path);
  faulty.failNext("sync", "EIO", { count: 3 });
  put(store, "a", 1);
  const first = store.write();
  put(store, "b", 2); // changed while the first write is failing
  const second = store.write();
  await Promise.all([first, second]);
  assert.equal(faulty.failures, 3);
  await store.close();
  const again = await open(path);
  assert.deepEqual(again.store.data.items, { a: { n: 1 }, b: { n: 2 } });
  await again.store.close();
});

test("a fold whose rename fails leaves the store writable, and the next fold succeeds", async () => {
  const path = await storePath();
  const { store, faulty, logs } = await open(path, { compactBytes: 200 });
  faulty.failNext("rename", "EBUSY", { match: (p) => p.endsWith(".journal") });
  const expected: Record<string, { n: number }> = {};
  for (let i = 0; i < 40; i++) {
    put(store, `k${i}`, i);
    expected[`k${i}`] = { n: i };
    store.data.offset = i;
    await store.write(); // resolves every time: no "file closed" after the failed fold
  }
  assert.equal(faulty.failures, 1);
  assert.ok(logs.some((l) => /^warn cannot fold store journal .*EBUSY.*hint: .*nothing is lost/.test(l)), logs.join("\n"));
  await until(() => !existsSync(`${path}.journal.old`), "a later fold to finish");
  assert.ok(logs.some((l) => /^info store .*journal was folded into the snapshot again/.test(l)));
  assert.deepEqual(await onDisk(path), { offset: 39, items: expected });
  await store.close();
  const again = await open(path);
  assert.deepEqual(again.store.data, { offset: 39, items: expected });
  await again.store.close();
});

test("a fold whose snapshot cannot be written keeps .journal.old, and no later fold renames the journal over it", async () => {
  const path = await storePath();
  const { store, faulty, logs } = await open(path, { compactBytes: 200 });
  // Every snapshot write fails (its temp file cannot be filled) until the test allows it.
  faulty.failNext("writeFile", "ENOSPC", { count: 1000, match: (p) => p.endsWith(".tmp") });
  const expected: Record<string, { n: number }> = {};
  const fill = async (from: number, to: number): Promise<void> => {
    for (let i = from; i < to; i++) {
      put(store, `k${i}`, i);
      expected[`k${i}`] = { n: i };
      store.data.offset = i;
      await store.write();
    }
  };
  await fill(0, 10); // past compactBytes: rotated, the snapshot fails
  await until(() => logs.some((l) => l.startsWith("warn")), "the failed fold to be told");
  assert.ok(existsSync(`${path}.journal.old`), ".journal.old is kept");
  const firstWindow = await readFile(`${path}.journal.old`, "utf8");
  await fill(10, 60); // many times compactBytes more: folds are retried, none rotates
  assert.equal(await readFile(`${path}.journal.old`, "utf8"), firstWindow, "the first window's records are still on disk");
  assert.match(logs.find((l) => l.startsWith("warn"))!, /cannot write store .*ENOSPC.*hint: free disk space .*nothing is lost: every change is in the journal/);
  assert.deepEqual(await onDisk(path), { offset: 59, items: expected }, "a crash now loses nothing");

  faulty.heal();
  for (let i = 60; existsSync(`${path}.journal.old`); i++) {
    // A failed fold is retried (after a backoff) on a later write.
    assert.ok(i < 5000, "the fold succeeds once the disk works");
    await fill(i, i + 1);
    await new Promise((r) => setTimeout(r, 2));
  }
  await store.close();
  const again = await open(path);
  assert.equal(again.store.data.offset, store.data.offset);
  assert.deepEqual(again.store.data.items, expected);
  await again.store.close();
});

test("close on a full disk: waits a grace, then fails with the hint, releases the lock, loses nothing stored", async () => {
  const path = await storePath();
  const { store, faulty } = await open(path);
  put(store, "a", 1);
  await store.write();
  faulty.fill();
  put(store, "b", 2);
  const pending = store.write();
  await until(() => faulty.failures >= 2, "failed attempts");
  const started = Date.now();
  await assert.rejects(store.close(), (err: unknown) => {
    assert.ok(err instanceof StoreError);
    assert.match(err.message, /the last changes could not be saved: cannot write store journal .*ENOSPC/);
    assert.match(err.hint, /free disk space where the store lives \(df -h /);
    assert.match(err.hint, /the next start fetches the updates that were not stored from Telegram again/);
    return true;
  });
  assert.ok(Date.now() - started < 2000, "the stop does not hang on the disk");
  await assert.rejects(pending, StoreError, "the waiting caller is told too");
  assert.ok(!existsSync(`${path}.lock`), "the lock is released");
  faulty.free();
  const again = await open(path);
  assert.deepEqual(again.store.data.items, { a: { n: 1 } }, "what was stored is there; what was not is not claimed");
  await again.store.close();
});

test("a write still failing when the daemon stops is given up after the grace, so the stop cannot hang", async () => {
  const path = await storePath();
  const stop = new AbortController();
  const { store, faulty } = await open(path, { shutdown: stop.signal });
  faulty.fill();
  put(store, "a", 1);
  const pending = store.write();
  await until(() => faulty.failures >= 2, "failed attempts");
  stop.abort();
  await assert.rejects(pending, (err: unknown) => err instanceof StoreError && /the daemon stopped before it could store/.test(err.hint));
  faulty.free();
  await store.close(); // the disk has room again: close saves what was left
  assert.deepEqual((await onDisk(path)).items, { a: { n: 1 } });
});

test("a lock that cannot be removed at close is a warning, not a failure", async () => {
  const path = await storePath();
  const { store, faulty, logs } = await open(path);
  put(store, "a", 1);
  await store.write();
  faulty.failNext("unlink", "EACCES", { match: (p) => p.endsWith(".lock") });
  await store.close();
  assert.ok(logs.some((l) => /^warn could not remove the lock .*s\.json\.lock: EACCES.*hint: nothing is lost; the next start takes it over/.test(l)), logs.join("\n"));
  const again = await open(path); // a lock whose process is gone is taken over
  assert.deepEqual(again.store.data.items, { a: { n: 1 } });
  await again.store.close();
});

test("stage(): appended once the line is in the file, durable once synced; a change made after it goes into a later line", async () => {
  const path = await storePath();
  const { store, faulty } = await open(path);
  try {
    const hold = faulty.holdSyncs({ match: (p) => p.endsWith(".journal") });
    put(store, "job", 1);
    let durable = false;
    const staged = store.stage();
    void staged.durable.then(() => (durable = true));
    await staged.appended;
    await until(() => hold.waiting === 1, "the sync held");
    assert.equal(durable, false, "not durable while the sync is held");
    assert.deepEqual((await onDisk(path)).items, { job: { n: 1 } }, "the line is in the file before its sync (a crash of the process keeps it)");
    // What a delivery does once its job's line is appended: its outcome waits for a later line.
    put(store, "job", 2);
    const later = store.write();
    hold.release();
    await staged.durable;
    await later;
    assert.deepEqual((await onDisk(path)).items, { job: { n: 2 } });
    const lines = (await readFile(`${path}.journal`, "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { c: { items?: Record<string, { n: number }> } });
    assert.deepEqual(lines.map((l) => l.c.items?.job?.n), [1, 2], "the outcome in its own line, after the line that created it");
  } finally {
    await store.close();
  }
});

test("stage() on a full disk: appended waits until a line gets in; a stop that gives up rejects both", async () => {
  const path = await storePath();
  const shutdown = new AbortController();
  const { store, faulty } = await open(path, { shutdown: shutdown.signal });
  faulty.fill();
  put(store, "job", 1);
  const staged = store.stage();
  let appended = false;
  void staged.appended.then(() => (appended = true), () => undefined);
  await until(() => faulty.failures >= 3, "several refused appends");
  assert.equal(appended, false, "nothing may go out while the line is not in the file");
  shutdown.abort();
  await assert.rejects(staged.appended, StoreError);
  await assert.rejects(staged.durable, StoreError);
  assert.equal(appended, false);
  await store.close().catch(() => undefined);
  assert.deepEqual((await onDisk(path)).items, {}, "nothing stored");
});

test("stage() after a refused append: appended once the retry gets the line in", async () => {
  const path = await storePath();
  const { store, faulty } = await open(path);
  try {
    faulty.failNext("append", "ENOSPC", { count: 2 });
    put(store, "job", 1);
    const staged = store.stage();
    await staged.appended;
    assert.equal(faulty.failures, 2);
    await staged.durable;
    assert.deepEqual((await onDisk(path)).items, { job: { n: 1 } });
  } finally {
    await store.close();
  }
});
