import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../src/config/errors.ts";
import { updateConfigFile } from "../../src/config/update.ts";

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "clientes-update-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const SOURCE = `# Support bot config
channel: -1001234567890 # the channel
staff:
  # the day shift
  - id: 111111111
    name: "Ana"
texts:
  welcome: "A long welcome text that goes well past eighty characters so a naive writer would fold it"
`;

test("an edit keeps comments and layout, and the file stays private", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "config.yaml");
  await writeFile(path, SOURCE, { mode: 0o644 });
  await updateConfigFile(path, (doc) => {
    doc.addIn(["staff"], doc.createNode({ id: 222222222, name: "Bia" }));
  });
  const text = await readFile(path, "utf8");
  assert.equal(
    text,
    SOURCE.replace('    name: "Ana"\n', '    name: "Ana"\n  - id: 222222222\n    name: Bia\n'),
  );
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.deepEqual(await readdir(dir), ["config.yaml"], "no temp file left");

  await updateConfigFile(path, (doc) => {
    doc.deleteIn(["staff", 0]);
  });
  const after = await readFile(path, "utf8");
  assert.ok(!after.includes("111111111"));
  assert.match(after, /^# Support bot config\nchannel: -1001234567890 # the channel\n/);
});

test("a file with broken YAML is refused and left untouched", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "config.yaml");
  const broken = "staff:\n  - id: 1\n   name: x\n";
  await writeFile(path, broken);
  let called = false;
  await assert.rejects(
    updateConfigFile(path, () => {
      called = true;
    }),
    (err: unknown) => err instanceof ConfigError && /^.*config\.yaml: line 3, column \d+: invalid YAML/.test(err.message),
  );
  assert.equal(called, false);
  assert.equal(await readFile(path, "utf8"), broken);
});

test("a missing file says to run init", async (t) => {
  const dir = await tempDir(t);
  await assert.rejects(updateConfigFile(join(dir, "nope.yaml"), () => {}), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /config file not found/);
    assert.match(err.hint ?? "", /clientes init/);
    return true;
  });
});

test("a symlinked config is edited at its target, and the link stays", async (t) => {
  const dir = await tempDir(t);
  const target = join(dir, "real.yaml");
  const link = join(dir, "config.yaml");
  await writeFile(target, "locale: en\n");
  await symlink(target, link);
  await updateConfigFile(link, (doc) => {
    doc.set("locale", "pt-BR");
  });
  assert.equal(await readFile(target, "utf8"), "locale: pt-BR\n");
  assert.ok((await import("node:fs")).lstatSync(link).isSymbolicLink());
});
