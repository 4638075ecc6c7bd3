/** bin/clientes as a shell runs it. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";

const BIN = new URL("../../bin/clientes", import.meta.url).pathname;

test("`clientes --help | head -1` ends quietly, without an EPIPE stack trace", async () => {
  const child = spawn(BIN, ["--help"], { cwd: tmpdir(), stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  // Like `head` that has read enough: the pipe is closed before the help is written.
  child.stdout.destroy();
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  assert.equal(code, 0);
  assert.doesNotMatch(stderr, /EPIPE|Error/);
});

test("an unknown command exits 2 and says how to get help", async () => {
  const child = spawn(BIN, ["frobnicate"], { cwd: tmpdir(), stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  assert.equal(code, 2);
  assert.match(stderr, /unknown command 'frobnicate'/);
  assert.match(stderr, /--help/);
});
