/**
 * Exit codes on bad files (issue 11, item 11): a config, replies file or store that is
 * malformed on purpose (an alias bomb) or by accident (a record of the wrong shape) is a
 * clear error naming the file and the fix, never "this is unexpected".
 */
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { renderConfig } from "../../src/setup/config-text.ts";
import { run, tempDir } from "./helpers.ts";

const TOKEN = "123456:TEST-sandbox-token-0123456789abcdef";

/** Five lines that expand to 9^5 strings ("billion laughs"), as `key: value` pairs under `prefix`. */
function laughs(prefix: string): string {
  const lines = [`${prefix}a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]`];
  for (const [name, prev] of [["b", "a"], ["c", "b"], ["d", "c"], ["e", "d"]]) lines.push(`${prefix}${name}: &${name} [${Array(9).fill(`*${prev}`).join(",")}]`);
  return lines.join("\n") + "\n";
}

describe("bad files", () => {
  let dir = "";
  let cleanup = async () => {};
  const config = () => renderConfig({ token: TOKEN, channel: -1001, group: -1002, staff: [], locale: "en" });
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    await writeFile(join(dir, "config.yaml"), config());
  });
  afterEach(() => cleanup());

  test("an alias bomb in config.yaml: exit 2, the line and the fix", async () => {
    await writeFile(join(dir, "config.yaml"), config() + laughs(""));
    for (const cmd of [["status"], ["start"], ["check"]]) {
      const r = await run(cmd, { cwd: dir });
      assert.equal(r.code, 2, `${cmd.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, /^error: config\.yaml: line \d+, column \d+: invalid YAML: its aliases \(\*name\) expand to too much data/m);
      assert.match(r.stderr, /^hint: write the values out instead of repeating them with &anchors and \*aliases$/m);
      assert.doesNotMatch(r.stderr, /unexpected/);
    }
  });

  test("an alias bomb in the replies file: the replies error, naming the file, the line and the fix", async () => {
    const bomb = ["- id: a", "  title: t", "  text: &a lol", `  tags: &b [${Array(10).fill("*a").join(",")}]`];
    for (const [n, prev] of [["c", "b"], ["d", "c"], ["e", "d"], ["f", "e"]]) bomb.push(`- id: ${n}`, "  title: t", "  text: x", `  tags: &${n} [${Array(10).fill(`*${prev}`).join(",")}]`);
    await writeFile(join(dir, "replies.yaml"), bomb.join("\n") + "\n");
    const r = await run(["replies", "list"], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^error: replies\.yaml: line 4, column \d+: invalid YAML: its aliases/m);
    assert.match(r.stderr, /^hint: write the values out/m);
    assert.doesNotMatch(r.stderr, /unexpected/);
  });

  test("a store record of the wrong shape: the store's error, naming the record, the file and the fix", async () => {
    await mkdir(join(dir, "data"));
    const state = { offset: 0, nextJobId: 1, conversations: { "5": 7 }, pendingRoots: {}, links: {} };
    await writeFile(join(dir, "data", "clientes.json"), JSON.stringify({ version: 2, data: state }));
    for (const cmd of [["status"], ["start"]]) {
      const r = await run(cmd, { cwd: dir });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^error: store .*data\/clientes\.json cannot be used: conversations\["5"\] is the number 7, expected a conversation/m);
      assert.match(r.stderr, /^hint: the store was not changed; .*Fix that record in .*clientes\.json by hand, or move it aside .*: mv /m);
      assert.doesNotMatch(r.stderr, /unexpected/);
    }
  });

  test("a journal line with a record of the wrong shape names the journal", async () => {
    await mkdir(join(dir, "data"));
    await writeFile(join(dir, "data", "clientes.json"), JSON.stringify({ version: 2, data: { offset: 0, nextJobId: 1, conversations: {}, pendingRoots: {}, links: {} } }));
    await writeFile(join(dir, "data", "clientes.json.journal"), JSON.stringify({ s: { offset: 3 }, c: { links: { "7": [1, 2] } } }) + "\n");
    const r = await run(["status"], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /cannot be used: links\["7"\] is a list of 2, expected a flat list of numbers, three per link \(written by its journal .*clientes\.json\.journal\)/);
    assert.match(r.stderr, /^hint: .*move the journal aside .*: mv .*clientes\.json\.journal .*clientes\.json\.journal\.broken$/m);
  });
});
