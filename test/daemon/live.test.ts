/**
 * The files the daemon follows while it runs (issue 17): a broken replies file is told
 * once, as one log entry with its line, column and fix, and the last good list stays.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LiveReplies } from "../../src/daemon/live.ts";
import type { Logger } from "../../src/log.ts";

function capture(): { log: Logger; entries: string[] } {
  const entries: string[] = [];
  const at = (level: string) => (m: string) => void entries.push(`${level} ${m}`);
  return { log: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") }, entries };
}

const GOOD = "# replies\n- id: horario\n  title: Horário\n  text: Abrimos às 9h.\n- id: pix\n  title: Pix\n  text: A chave é 123.\n";
/** A tab where an indent belongs: the parser reports a cascade of ~20 errors for it. */
const BROKEN = "# replies\n- id: horario\n\ttitle: Horário\n  text: Abrimos às 9h.\n- id: pix\n  title: Pix\n  text: A chave é 123.\n";

test("a broken replies file is reported once, in one entry with line, column and fix; the last good list stays", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "clientes-live-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, "replies.yaml");
  await writeFile(path, GOOD);
  const { log, entries } = capture();
  const live = await LiveReplies.open(path, log);
  t.after(() => live.close());
  assert.deepEqual(live.replies.map((r) => r.id), ["horario", "pix"]);

  await writeFile(path, BROKEN);
  await live.reload();
  await live.reload(); // the watcher fires more than once per save: the same problem is not told again
  const errors = entries.filter((e) => e.startsWith("error"));
  assert.equal(errors.length, 1, entries.join("\n"));
  assert.doesNotMatch(errors[0]!, /\n/, "one problem, not the parser's cascade of them");
  assert.match(errors[0]!, /^error canned replies not reloaded, keeping the last good list \(2\): .*replies\.yaml: line 3, column 1: invalid YAML: /);
  assert.match(errors[0]!, /\(and \d+ more after it, most likely caused by this one\) \(hint: fix the YAML syntax at that line/);
  assert.deepEqual(live.replies.map((r) => r.id), ["horario", "pix"], "the team keeps its replies");

  await writeFile(path, GOOD.replace("123", "456"));
  await live.reload();
  assert.match(entries.at(-1)!, /^info canned replies: 2 loaded/);
  await writeFile(path, BROKEN);
  await live.reload();
  assert.equal(entries.filter((e) => e.startsWith("error")).length, 2, "broken again after a fix: told again");
});
