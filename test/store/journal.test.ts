import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openJournaledStore, StoreError } from "../../src/store/index.ts";

interface Data {
  offset: number;
  items: Record<string, { n: number }>;
}

const lock = { pid: 4242, isPidAlive: () => false };

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "clientes-journal-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function open(path: string, extra: { compactBytes?: number; readOnly?: boolean } = {}) {
  return openJournaledStore<Data>({
    path,
    version: 1,
    defaults: () => ({ offset: 0, items: {} }),
    collections: ["items"],
    ...(extra.readOnly ? {} : { lock }),
    ...(extra.compactBytes ? { compactBytes: extra.compactBytes } : {}),
  });
}

test("changes survive a restart: scalars, upserts and deletions", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "s.json");
    const s = await open(path);
    s.data.offset = 7;
    s.data.items.a = { n: 1 };
    s.data.items.b = { n: 2 };
    s.dirty.items.add("a").add("b");
    await s.write();
    delete s.data.items.a;
    s.data.items.b = { n: 3 };
    s.dirty.items.add("a").add("b");
    await s.write();
    await s.close();
    const again = await open(path);
    assert.deepEqual(again.data, { offset: 7, items: { b: { n: 3 } } });
    await again.close();
  });
});

test("a write appends only what changed: the snapshot is not rewritten, whatever its size", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "s.json");
    const s = await open(path);
    for (let i = 0; i < 20_000; i++) {
      s.data.items[i] = { n: i };
      s.dirty.items.add(String(i));
    }
    await s.write();
    await s.close();
    const big = await open(path); // folds the journal into the snapshot
    const before = await stat(path);
    big.data.items["5"] = { n: -5 };
    big.dirty.items.add("5");
    big.data.offset = 99;
    await big.write();
    const after = await stat(path);
    assert.equal(after.mtimeMs, before.mtimeMs, "snapshot untouched");
    assert.ok(big.journalBytes() < 200, `one small line (${big.journalBytes()} bytes)`);
    await big.close();
    const reread = await open(path, { readOnly: true });
    assert.equal(reread.data.items["5"]!.n, -5);
    assert.equal(reread.data.offset, 99);
    assert.equal(Object.keys(reread.data.items).length, 20_000);
  });
});

test("the journal is folded into a new snapshot once it is big; nothing is lost", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "s.json");
    const s = await open(path, { compactBytes: 2000 });
    for (let i = 0; i < 200; i++) {
      s.data.items[i] = { n: i };
      s.dirty.items.add(String(i));
      s.data.offset = i;
      await s.write();
    }
    assert.ok(s.journalBytes() < 2100, "the journal was rotated");
    await s.close();
    assert.equal(existsSync(`${path}.journal.old`), false, "the old journal is gone once the snapshot holds it");
    const snapshot = JSON.parse(await readFile(path, "utf8")) as { data: Data };
    assert.ok(Object.keys(snapshot.data.items).length > 100, "the snapshot holds the folded records");
    const again = await open(path, { readOnly: true });
    assert.equal(Object.keys(again.data.items).length, 200);
    assert.equal(again.data.offset, 199);
  });
});

test("a line cut short by a crash is ignored; a damaged line in the middle is refused and left as is", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "s.json");
    const s = await open(path);
    s.data.items.a = { n: 1 };
    s.dirty.items.add("a");
    await s.write();
    await s.close();
    await (await open(path)).close(); // opening folds the journal into the snapshot
    const journal = `${path}.journal`;
    await writeFile(journal, JSON.stringify({ s: { offset: 5 }, c: { items: { b: { n: 2 } } } }) + "\n");
    await appendFile(journal, '{"s":{"offset":6},"c":{"ite');
    const torn = await open(path);
    assert.deepEqual(torn.data, { offset: 5, items: { a: { n: 1 }, b: { n: 2 } } });
    await torn.close();

    await writeFile(journal, 'garbage\n' + JSON.stringify({ s: { offset: 9 }, c: {} }) + "\n");
    const content = await readFile(journal, "utf8");
    await assert.rejects(open(path), (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.match(err.message, /damaged at line 1/);
      assert.match(err.hint, /mv .*\.journal.* .*\.broken/);
      return true;
    });
    assert.equal(await readFile(journal, "utf8"), content, "the journal is untouched");
  });
});

test("a power cut while lines were appended ahead of their sync: the unwritten blocks and the lines after them are not used, and the operator is told", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "s.json");
    await (await open(path)).close();
    const journal = `${path}.journal`;
    const synced = JSON.stringify({ n: 1, s: { offset: 5 }, c: { items: { a: { n: 1 } } } }) + "\n";
    // Line 2's blocks never reached the disk (zeros), line 3's did: only line 1 was ever confirmed.
    const lost = "\0".repeat(JSON.stringify({ n: 2, s: { offset: 6 }, c: { items: { a: null } } }).length + 1);
    await writeFile(journal, synced + lost + JSON.stringify({ n: 3, s: { offset: 7 }, c: { items: { c: { n: 3 } } } }) + "\n");
    const warnings: string[] = [];
    const s = await openJournaledStore<Data>({
      path,
      version: 1,
      defaults: () => ({ offset: 0, items: {} }),
      collections: ["items"],
      lock,
      log: { info: () => undefined, warn: (m) => warnings.push(m), error: () => undefined },
    });
    assert.deepEqual(s.data, { offset: 5, items: { a: { n: 1 } } }, "the state of the last line before the hole");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /unwritten \(from line 2\).*never confirmed/);
    (s.data.items as Data["items"])["d"] = { n: 4 };
    s.dirty.items.add("d");
    await s.write();
    await s.close();
    const again = await open(path);
    assert.deepEqual(again.data, { offset: 5, items: { a: { n: 1 }, d: { n: 4 } } }, "the desk went on from there");
    await again.close();
  });
});

test("a read-only open sees what the running daemon journaled", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "s.json");
    const s = await open(path);
    s.data.items.x = { n: 42 };
    s.dirty.items.add("x");
    await s.write();
    const reader = await open(path, { readOnly: true });
    assert.deepEqual(reader.data.items.x, { n: 42 });
    await s.close();
  });
});

test("a journal that holds only a line cut short is cleared, not continued by the next write", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "s.json");
    await (await open(path)).close();
    await writeFile(`${path}.journal`, '{"s":{"offset":1},"c":{"it');
    const s = await open(path);
    s.data.items.a = { n: 1 };
    s.dirty.items.add("a");
    await s.write();
    await s.close();
    const again = await open(path);
    assert.deepEqual(again.data.items, { a: { n: 1 } });
    await again.close();
  });
});

interface Lists {
  offset: number;
  lists: Record<string, number[]>;
}

function openLists(path: string) {
  return openJournaledStore<Lists>({ path, version: 1, defaults: () => ({ offset: 0, lists: {} }), collections: ["lists"], appendOnly: ["lists"], lock });
}

test("an append-only array journals only its new items; one replaced is journaled whole", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "s.json");
    const s = await openLists(path);
    s.data.lists.a = Array.from({ length: 3000 }, (_, i) => i);
    s.dirty.lists.add("a");
    await s.write();
    const whole = s.journalBytes();
    s.data.lists.a.push(-1, -2, -3);
    s.dirty.lists.add("a");
    await s.write();
    assert.ok(s.journalBytes() - whole < 100, `appending 3 numbers journaled ${s.journalBytes() - whole} bytes`);
    s.data.lists.a = s.data.lists.a.slice(1000);
    s.dirty.lists.add("a");
    await s.write();
    await s.close();
    const again = await openLists(path);
    assert.equal(again.data.lists.a!.length, 2003);
    assert.deepEqual(again.data.lists.a!.slice(-4), [2999, -1, -2, -3]);
    await again.close();
  });
});

test("a journal the snapshot already holds (a crash before the fold removed it) adds nothing twice", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "s.json");
    const s = await openLists(path);
    s.data.lists.a = [1, 2];
    s.dirty.lists.add("a");
    await s.write();
    s.data.lists.a.push(3);
    s.dirty.lists.add("a");
    await s.write();
    await s.close();
    const journal = await readFile(`${path}.journal`, "utf8");
    const folded = await openLists(path); // folds the journal into the snapshot and removes it
    await folded.close();
    assert.equal(await readFile(`${path}.journal`, "utf8"), "");
    await writeFile(`${path}.journal.old`, journal); // as if the crash came before .journal.old was removed
    const again = await openLists(path);
    assert.deepEqual(again.data.lists, { a: [1, 2, 3] });
    await again.close();
  });
});
