import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, stat, writeFile, mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openStore, StoreError, type OpenStoreOptions } from "../../src/store/store.ts";

interface Data {
  n: number;
  items: string[];
}
const defaults = (): Data => ({ n: 0, items: [] });

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "clientes-store-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const alive = (pids: number[]) => ({ isPidAlive: (pid: number) => pids.includes(pid) });

function opts(path: string, extra: Partial<OpenStoreOptions<Data>> = {}): OpenStoreOptions<Data> {
  return { path, defaults, version: 1, lock: { pid: 1001, ...alive([]) }, ...extra };
}

test("data written by the daemon is there after a restart, stored compactly", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "data", "clientes.json");
  const store = await openStore(opts(path));
  store.data.n = 7;
  store.data.items.push("olá", 'quote " and \n newline');
  await store.write();
  await store.close();

  const text = await readFile(path, "utf8");
  assert.deepEqual(JSON.parse(text), { version: 1, data: { n: 7, items: ["olá", 'quote " and \n newline'] } });
  assert.ok(!text.includes("\n"), "no indentation: the file stays small at 100,000 conversations");

  const again = await openStore(opts(path));
  t.after(() => again.close());
  assert.deepEqual(again.data, { n: 7, items: ["olá", 'quote " and \n newline'] });
});

test("a new store creates its folders and a private file with the defaults", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "a", "b", "clientes.json");
  const store = await openStore(opts(path));
  t.after(() => store.close());
  assert.deepEqual(JSON.parse(await readFile(path, "utf8")), { version: 1, data: { n: 0, items: [] } });
  assert.equal((await stat(path)).mode & 0o777, 0o600, "customer data is readable by its owner only");
});

test("a burst of 100 writes costs a few file writes, and each resolves with its data on disk", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "clientes.json");
  let fileWrites = 0;
  const store = await openStore(opts(path, { onWrite: () => (fileWrites += 1) }));
  t.after(() => store.close());
  fileWrites = 0;

  const done: Array<Promise<number>> = [];
  for (let i = 1; i <= 100; i++) {
    store.data.n = i;
    // When a write resolves, the value it was asked to save must be on disk.
    done.push(store.write().then(async () => JSON.parse(await readFile(path, "utf8")).data.n as number));
  }
  const seen = await Promise.all(done);
  seen.forEach((onDisk, i) => assert.ok(onDisk >= i + 1, `write #${i + 1} resolved with n=${onDisk} on disk`));
  assert.ok(fileWrites <= 3, `expected at most 3 file writes, got ${fileWrites}`);
  assert.equal(JSON.parse(await readFile(path, "utf8")).data.n, 100);
});

test("sequential writes each reach the disk; the previous version is kept as .bak", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "clientes.json");
  const store = await openStore(opts(path));
  t.after(() => store.close());
  store.data.n = 1;
  await store.write();
  store.data.n = 2;
  await store.write();
  assert.equal(JSON.parse(await readFile(path, "utf8")).data.n, 2);
  assert.equal(JSON.parse(await readFile(`${path}.bak`, "utf8")).data.n, 1);
  assert.deepEqual(
    (await readdir(dir)).sort(),
    ["clientes.json", "clientes.json.bak", "clientes.json.lock"],
    "no temp files are left behind",
  );
});

test("a daemon killed mid-write leaves the old or the new file, and the next start cleans up", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "clientes.json");
  const storeModule = fileURLToPath(new URL("../../src/store/store.ts", import.meta.url));
  // The child writes as fast as it can, with a big payload so a kill lands mid-write.
  const script = `
    import { openStore } from ${JSON.stringify(storeModule)};
    const store = await openStore({
      path: ${JSON.stringify(path)}, version: 1, defaults: () => ({ n: 0, items: [] }),
      lock: { pid: process.pid, isPidAlive: () => true },
    });
    for (;;) {
      store.data.n += 1;
      store.data.items = [String(store.data.n).repeat(200000 + (store.data.n % 7) * 10000)];
      await store.write();
      process.stdout.write(store.data.n + "\\n");
    }`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: fileURLToPath(new URL("../..", import.meta.url)),
    stdio: ["ignore", "pipe", "pipe"],
  });
  t.after(() => child.kill("SIGKILL"));
  let stderr = "";
  child.stderr.on("data", (b: Buffer) => (stderr += b));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));

  let lastReported = 0;
  await new Promise<void>((resolve, reject) => {
    let buf = "";
    child.stdout.on("data", (b: Buffer) => {
      buf += b;
      const lines = buf.split("\n");
      buf = lines.pop() ?? "";
      for (const line of lines) lastReported = Number(line);
      if (lastReported >= 20) resolve();
    });
    child.on("exit", () => reject(new Error(`writer exited early: ${stderr}`)));
  });
  child.kill("SIGKILL");
  await exited; // reaped: its pid is really gone

  const text = await readFile(path, "utf8");
  const onDisk = JSON.parse(text).data as Data; // never a partial file
  assert.ok(onDisk.n >= lastReported && onDisk.n <= lastReported + 1, `n=${onDisk.n}, last reported ${lastReported}`);
  assert.equal(onDisk.items[0], String(onDisk.n).repeat(200000 + (onDisk.n % 7) * 10000));

  const store = await openStore(opts(path, { lock: { pid: 1001, isPidAlive: (pid) => pid !== child.pid } }));
  t.after(() => store.close());
  assert.equal(store.data.n, onDisk.n);
  const leftovers = (await readdir(dir)).filter((n) => n.endsWith(".tmp"));
  assert.deepEqual(leftovers, [], "temp files of the interrupted write are removed");
});

test("a second daemon on the same store is refused, naming the running one's pid", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "clientes.json");
  const first = await openStore(opts(path, { lock: { pid: 4242, ...alive([4242]) } }));
  await assert.rejects(
    openStore(opts(path, { label: "data/clientes.json", lock: { pid: 5353, ...alive([4242, 5353]) } })),
    (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.equal(err.message, "store data/clientes.json is in use by another clientes daemon (pid 4242)");
      assert.match(err.hint, /kill 4242/);
      assert.match(err.hint, /rm data\/clientes\.json\.lock/);
      return true;
    },
  );
  await first.close();
  assert.ok(!existsSync(`${path}.lock`), "closing releases the lock");
  const second = await openStore(opts(path, { lock: { pid: 5353, ...alive([4242, 5353]) } }));
  await second.close();
});

test("a lock left by a dead daemon is taken over", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "clientes.json");
  await writeFile(`${path}.lock`, JSON.stringify({ pid: 999999, startedAt: "2020-01-01T00:00:00.000Z" }));
  const store = await openStore(opts(path, { lock: { pid: 1001, ...alive([1001]) } }));
  t.after(() => store.close());
  assert.equal(JSON.parse(await readFile(`${path}.lock`, "utf8")).pid, 1001);
});

test("a damaged store is refused and left byte-for-byte untouched, with the line and a recovery command", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "clientes.json");
  const damaged = '{"version":1,"data":{\n  "n": 3,\n  "items": ["a",]\n}}';
  await writeFile(path, damaged);
  await assert.rejects(openStore(opts(path, { label: "data/clientes.json" })), (err: unknown) => {
    assert.ok(err instanceof StoreError);
    assert.match(err.message, /^store data\/clientes\.json cannot be used: invalid JSON at line 3, column 17/);
    assert.match(err.hint, /mv data\/clientes\.json data\/clientes\.json\.broken/);
    return true;
  });
  assert.equal(await readFile(path, "utf8"), damaged);
  assert.ok(!existsSync(`${path}.lock`), "a refused open releases the lock");

  // With a good backup, the hint restores it.
  await writeFile(`${path}.bak`, JSON.stringify({ version: 1, data: { n: 2, items: [] } }));
  await assert.rejects(openStore(opts(path, { label: "data/clientes.json" })), (err: unknown) => {
    assert.ok(err instanceof StoreError);
    assert.match(err.hint, /mv data\/clientes\.json data\/clientes\.json\.broken && cp data\/clientes\.json\.bak data\/clientes\.json/);
    return true;
  });
  assert.equal(await readFile(path, "utf8"), damaged);
});

test("empty, foreign and newer-version files are refused without being touched", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "clientes.json");
  const cases: Array<[string, RegExp]> = [
    ["", /the file is empty/],
    ['{"conversations": []}', /not a clientes store/],
    ['{"version": "1", "data": {}}', /not a clientes store/],
    ['{"version": 9, "data": {}}', /newer clientes \(data version 9; this one reads up to 1\)/],
  ];
  for (const [content, expected] of cases) {
    await writeFile(path, content);
    await assert.rejects(openStore(opts(path)), (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.match(err.message, expected);
      return true;
    });
    assert.equal(await readFile(path, "utf8"), content);
    await assert.rejects(openStore(opts(path, { lock: undefined })), StoreError, "read-only open refuses it too");
  }
});

test("status can read the store while the daemon holds it, and sees its latest write", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "clientes.json");
  const daemon = await openStore(opts(path));
  t.after(() => daemon.close());
  daemon.data.n = 5;
  await daemon.write();

  const status = await openStore(opts(path, { lock: undefined }));
  assert.equal(status.data.n, 5);
  await assert.rejects(status.write(), /opened read-only/);
  await status.close();
  assert.ok(existsSync(`${path}.lock`), "closing the read-only view leaves the daemon's lock alone");
});

test("read-only open of a missing store gives the defaults and creates nothing", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "data", "clientes.json");
  const status = await openStore(opts(path, { lock: undefined }));
  assert.deepEqual(status.data, { n: 0, items: [] });
  assert.ok(!existsSync(join(dir, "data")));
});

test("older data is migrated, written back, and the original kept aside", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "clientes.json");
  const v1 = JSON.stringify({ version: 1, data: { count: 4 } });
  await writeFile(path, v1);
  const calls: Array<[unknown, number]> = [];
  const migrate = (data: unknown, from: number): Data => {
    calls.push([data, from]);
    return { n: (data as { count: number }).count, items: [] };
  };

  const status = await openStore(opts(path, { version: 2, migrate, lock: undefined }));
  assert.equal(status.data.n, 4);
  assert.equal(await readFile(path, "utf8"), v1, "a read-only open migrates in memory only");

  const store = await openStore(opts(path, { version: 2, migrate }));
  t.after(() => store.close());
  assert.deepEqual(calls, [[{ count: 4 }, 1], [{ count: 4 }, 1]]);
  assert.equal(store.data.n, 4);
  assert.deepEqual(JSON.parse(await readFile(path, "utf8")), { version: 2, data: { n: 4, items: [] } });
  assert.equal(await readFile(`${path}.v1.bak`, "utf8"), v1);
});

test("older data without a migration, or a failing migration, is refused untouched", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "clientes.json");
  const v1 = JSON.stringify({ version: 1, data: {} });
  await writeFile(path, v1);
  await assert.rejects(openStore(opts(path, { version: 2 })), /older than this clientes reads \(2\)/);
  const migrate = (): Data => {
    throw new Error("boom");
  };
  await assert.rejects(openStore(opts(path, { version: 2, migrate })), /from version 1 to 2 failed: boom/);
  assert.equal(await readFile(path, "utf8"), v1);
});

test("a failed write is reported, and the next write saves everything", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "clientes.json");
  const store = await openStore(opts(path));
  t.after(() => store.close());
  // Block the target: a rename cannot replace a non-empty folder.
  await rm(path);
  await mkdir(join(path, "blocker"), { recursive: true });
  store.data.n = 1;
  await assert.rejects(store.write(), (err: unknown) => {
    assert.ok(err instanceof StoreError);
    assert.match(err.message, /^cannot write store /);
    return true;
  });
  await rm(path, { recursive: true });
  store.data.n = 2;
  await store.write();
  assert.equal(JSON.parse(await readFile(path, "utf8")).data.n, 2);
  assert.deepEqual((await readdir(dir)).filter((n) => n.endsWith(".tmp")), []);
});

test("close flushes a pending write and later writes are refused", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "clientes.json");
  const store = await openStore(opts(path));
  store.data.n = 1;
  const first = store.write();
  store.data.n = 2;
  const second = store.write(); // queued behind the first
  await store.close();
  await Promise.all([first, second]);
  assert.equal(JSON.parse(await readFile(path, "utf8")).data.n, 2);
  await assert.rejects(store.write(), /is closed/);
  assert.ok(!existsSync(`${path}.lock`));
});
