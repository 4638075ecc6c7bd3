/**
 * `clientes start` from the command line: what an operator sees when something is wrong,
 * and a clean stop on the shutdown signal.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { main } from "../../../src/cli/main.ts";
import { startSandbox, type Sandbox } from "../../../src/sandbox/index.ts";
import { eventually, writeConfig } from "../../daemon/harness.ts";
import { fakeRuntime, run, tempDir } from "../helpers.ts";

let sb: Sandbox;
before(async () => {
  sb = await startSandbox();
});
after(async () => {
  await sb.close();
});

test("no config: exit 2, and the hint says to run clientes init or pass --config", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const r = await run(["start"], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /config\.yaml/);
    assert.match(r.stderr, /hint: .*clientes init/);
  } finally {
    await cleanup();
  }
});

test("a token Telegram refuses: exit 2 at once, the cause and the fix, and the token never printed", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const config = await writeConfig(dir, sb, [1]);
    const bad = "999999:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawX";
    const r = await run(["--config", config, "start"], { cwd: dir, env: { CLIENTES_BOT_TOKEN: bad } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /error: cannot reach the bot: Telegram refused getMe: Unauthorized/);
    assert.match(r.stderr, /hint: .*check bot\.token/);
    assert.doesNotMatch(r.stderr, /retrying|unavailable/, "a refused token is not waited for");
    assert.doesNotMatch(r.stderr + r.stdout, /AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawX/);
  } finally {
    await cleanup();
  }
});

test("an api_root nobody answers on: the daemon waits for it, saying why, and stops cleanly on the shutdown signal", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const config = await writeConfig(dir, sb, [1]);
    const { rt, stderr } = fakeRuntime(["--config", config, "start"], { cwd: dir, env: { CLIENTES_BOT_TOKEN: sb.token, CLIENTES_API_ROOT: "http://127.0.0.1:1" } });
    const stop = new AbortController();
    const running = main({ ...rt, shutdown: stop.signal });
    await eventually(() => /warn .*Telegram unavailable \(getMe\): Could not reach Telegram at http:\/\/127\.0\.0\.1:1/.test(stderr()), "the wait logged");
    stop.abort();
    assert.equal(await running, 0);
    assert.match(stderr(), /store saved; stopped/);
  } finally {
    await cleanup();
  }
});

test("a store that cannot be parsed: exit 1, the file untouched, and how to recover", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const config = await writeConfig(dir, sb, [1]);
    await mkdir(join(dir, "data"));
    const store = join(dir, "data", "clientes.json");
    await writeFile(store, '{"version": 1, "data": {"offset": 3,');
    const r = await run(["--config", config, "start"], { cwd: dir, env: { CLIENTES_BOT_TOKEN: sb.token } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error: store .*clientes\.json cannot be used: invalid JSON/);
    assert.match(r.stderr, /hint: .*mv /);
    assert.equal(await readFile(store, "utf8"), '{"version": 1, "data": {"offset": 3,');
  } finally {
    await cleanup();
  }
});

test("runs until the shutdown signal, then saves the store and exits 0", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const config = await writeConfig(dir, sb, [1]);
    const { rt, stderr } = fakeRuntime(["--config", config, "start", "--no-pacing"], { cwd: dir, env: { CLIENTES_BOT_TOKEN: sb.token } });
    const stop = new AbortController();
    const running = main({ ...rt, shutdown: stop.signal });
    await eventually(() => /relaying/.test(stderr()), "the daemon to start");
    stop.abort();
    assert.equal(await running, 0);
    assert.match(stderr(), /store saved; stopped/);
    assert.doesNotMatch(stderr(), new RegExp(sb.token.split(":")[1]!));
  } finally {
    await cleanup();
  }
});
