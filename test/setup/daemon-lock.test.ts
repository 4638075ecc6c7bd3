import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { runningDaemonPid } from "../../src/setup/daemon-lock.ts";

let dir = "";
before(async () => (dir = await mkdtemp(join(tmpdir(), "clientes-lock-"))));
after(() => rm(dir, { recursive: true, force: true }));

test("runningDaemonPid: only a lock held by another live process counts", async () => {
  const store = join(dir, "clientes.json");
  const alive = (pid: number) => pid === 777;
  assert.equal(await runningDaemonPid(store, alive, 1), undefined, "no lock file");
  await writeFile(`${store}.lock`, JSON.stringify({ pid: 777, startedAt: "2025-01-01T00:00:00Z" }));
  assert.equal(await runningDaemonPid(store, alive, 1), 777);
  assert.equal(await runningDaemonPid(store, alive, 777), undefined, "our own pid is never a daemon");
  await writeFile(`${store}.lock`, JSON.stringify({ pid: 778 }));
  assert.equal(await runningDaemonPid(store, alive, 1), undefined, "a dead process's lock is stale");
  await writeFile(`${store}.lock`, "garbage");
  assert.equal(await runningDaemonPid(store, alive, 1), undefined);
});
