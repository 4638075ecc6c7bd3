import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { acquireLock } from "../../src/store/lock.ts";
import { StoreError } from "../../src/store/errors.ts";

async function lockPath(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "clientes-lock-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return join(dir, "clientes.json.lock");
}

const owner = (pid: number, alive: number[] = []) => ({ pid, isPidAlive: (p: number) => alive.includes(p) });

test("the lock file records who holds it and since when", async (t) => {
  const path = await lockPath(t);
  const lock = await acquireLock(path, "clientes.json", owner(77), new Date("2025-01-02T03:04:05.000Z"));
  assert.deepEqual(JSON.parse(await readFile(path, "utf8")), { pid: 77, startedAt: "2025-01-02T03:04:05.000Z" });
  assert.equal((await readdir(join(path, ".."))).length, 1, "no temp file is left next to the lock");
  await lock.release();
  assert.ok(!existsSync(path));
});

test("a lock file with garbage or an empty body is stale and taken over", async (t) => {
  const path = await lockPath(t);
  for (const garbage of ["", "not json", "{}", '{"pid": -3}', "[1,2]"]) {
    await writeFile(path, garbage);
    const lock = await acquireLock(path, "clientes.json", owner(77, [77]));
    assert.equal(JSON.parse(await readFile(path, "utf8")).pid, 77, `after ${JSON.stringify(garbage)}`);
    await lock.release();
  }
});

test("a lock with our own pid from an earlier run is stale (containers reuse pids), but not one we hold", async (t) => {
  const path = await lockPath(t);
  await writeFile(path, JSON.stringify({ pid: 1, startedAt: "2020-01-01T00:00:00.000Z" }));
  const lock = await acquireLock(path, "clientes.json", owner(1, [1]));
  await assert.rejects(acquireLock(path, "clientes.json", owner(1, [1])), (err: unknown) => {
    assert.ok(err instanceof StoreError);
    assert.match(err.message, /in use by another clientes daemon \(pid 1\)/);
    return true;
  });
  await lock.release();
});

test("releasing never removes a lock that another daemon has taken over", async (t) => {
  const path = await lockPath(t);
  const lock = await acquireLock(path, "clientes.json", owner(77, [77]));
  const other = JSON.stringify({ pid: 88, startedAt: "2025-01-01T00:00:00.000Z" });
  await writeFile(path, other);
  await lock.release();
  await lock.release(); // twice is harmless
  assert.equal(await readFile(path, "utf8"), other);
});
