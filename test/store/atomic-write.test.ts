import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, rm, stat, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../../src/store/atomic-write.ts";

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "clientes-atomic-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test("replaces the file, keeps the old one as backup, leaves no temp file", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "f.json");
  await writeFile(path, "old", { mode: 0o644 });
  await writeFileAtomic(path, "new", { backup: `${path}.bak` });
  assert.equal(await readFile(path, "utf8"), "new");
  assert.equal(await readFile(`${path}.bak`, "utf8"), "old");
  assert.equal((await stat(path)).mode & 0o777, 0o600, "private by default, whatever the old mode or umask");
  assert.deepEqual((await readdir(dir)).sort(), ["f.json", "f.json.bak"]);
});

test("the first write has no backup to keep and still succeeds", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "f.json");
  await writeFileAtomic(path, "x", { backup: `${path}.bak`, mode: 0o640 });
  assert.equal(await readFile(path, "utf8"), "x");
  assert.equal((await stat(path)).mode & 0o777, 0o640);
});

test("a failed write leaves the old file and no temp file", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "f.json");
  await mkdir(join(path, "x"), { recursive: true }); // a non-empty folder cannot be renamed over
  await assert.rejects(writeFileAtomic(path, "new"));
  assert.deepEqual((await readdir(dir)).sort(), ["f.json"]);
});
