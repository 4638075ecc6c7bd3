import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { checkWritable } from "../../src/setup/files.ts";

describe("checkWritable", () => {
  let dir = "";
  before(async () => (dir = await mkdtemp(join(tmpdir(), "clientes-files-"))));
  after(() => rm(dir, { recursive: true, force: true }));

  test("an existing file, a new file, and a new file in folders still to be made are writable", async () => {
    await writeFile(join(dir, "there.yaml"), "x");
    assert.deepEqual(await checkWritable(join(dir, "there.yaml")), { ok: true, exists: true });
    assert.deepEqual(await checkWritable(join(dir, "new.yaml")), { ok: true, exists: false });
    assert.deepEqual(await checkWritable(join(dir, "a", "b", "c.json")), { ok: true, exists: false });
  });

  test("a folder in the way, or a file where a folder should be, is refused with the reason", async () => {
    await mkdir(join(dir, "folder"));
    const isDir = await checkWritable(join(dir, "folder"));
    assert.ok(!isDir.ok && /is a folder, not a file/.test(isDir.reason));
    await writeFile(join(dir, "plain"), "x");
    const under = await checkWritable(join(dir, "plain", "config.yaml"));
    assert.ok(!under.ok && under.reason === `${join(dir, "plain")} is a file, not a folder`, JSON.stringify(under));
    const deeper = await checkWritable(join(dir, "plain", "x", "config.yaml"));
    assert.ok(!deeper.ok && /plain is a file, not a folder/.test(deeper.reason), JSON.stringify(deeper));
  });
});
