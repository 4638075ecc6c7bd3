/**
 * Start-up faults (issue 11): Telegram unreachable when `clientes start` runs (a boot before
 * the network), and how `clientes status` shows it to a monitor (issue 17). A real
 * `bin/clientes start` process against the sandbox over HTTP.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main.ts";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { fakeRuntime } from "../cli/helpers.ts";
import { eventually, spawnDaemon, writeConfig } from "../daemon/harness.ts";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** `clientes status --json` as a monitor runs it (it sees real processes). */
async function status(config: string, cwd: string, token: string): Promise<any> {
  const { rt, stdout, stderr } = fakeRuntime(["--config", config, "status", "--json"], { cwd, env: { CLIENTES_BOT_TOKEN: token } });
  const code = await main({ ...rt, isPidAlive: alive });
  await new Promise((r) => setImmediate(r));
  assert.equal(code, 0, stderr());
  return JSON.parse(stdout()).daemon;
}

test("no network at start-up: the daemon waits and says so, relays once Telegram answers, and status tells a monitor", async (t: TestContext) => {
  // A sandbox to learn a free port and write the config, then closed: that port refuses connections.
  const first = await startSandbox();
  const port = Number(new URL(first.apiRoot).port);
  const dir = await mkdtemp(join(tmpdir(), "clientes-boot-"));
  const ana = first.addUser({ first_name: "Ana" });
  const config = await writeConfig(dir, first, [ana.id]);
  await first.close();

  const d = spawnDaemon(config, first.token);
  let sb: Sandbox | undefined;
  try {
    await d.waitForLog(/warn .*Telegram unavailable \(getMe\): Could not reach Telegram at http:\/\/127\.0\.0\.1:\d+/, 20_000);
    // (The health file is written every 2 s at most.)
    const waiting = await eventually(async () => {
      const now = await status(config, dir, first.token);
      return now.unreachable_since !== null && now;
    }, "status: Telegram unavailable", 10_000);
    assert.equal(waiting.running, true);
    assert.equal(waiting.pid, d.child.pid);
    assert.equal(waiting.polling, false);
    assert.equal(waiting.state, "starting");
    assert.match(waiting.last_error.message, /Telegram unavailable \(getMe\)/);
    assert.equal(d.child.exitCode, null, "still running, waiting");

    // The network comes up: Telegram listens on that port.
    const t0 = Date.now();
    sb = await startSandbox({ port, autoForwardDelayMs: 5 });
    sb.addUser({ first_name: "Ana" });
    await d.waitForLog(/info .*Telegram reachable again after \d+ s \(\d+ failed attempts?\)/, 40_000);
    await d.waitForLog(/relaying/, 10_000);
    const upS = (Date.now() - t0) / 1000;
    const failures = Number(/\((\d+) failed/.exec(d.log.find((l) => /reachable again/.test(l))!)![1]);

    const u = sb.addUser({ first_name: "Early bird" });
    sb.sendPrivate(u.id, { text: "anyone there this early?" });
    const card = await sb.waitFor((s) => s.messages(s.channelId).find((m) => m.text?.includes(String(u.id))), 10_000, "the card");
    const root = await sb.waitFor((s) => s.rootFor(card.message_id), 5000, "the thread");
    await sb.waitFor((s) => s.thread(root).length === 2, 5000, "the message in the thread");
    assert.deepEqual(sb.thread(root).slice(1).map((m) => m.text), ["anyone there this early?"], "once");

    assert.equal(d.log.filter((l) => /Telegram unavailable/.test(l)).length, 1, `the wait logged once (a minute has not passed):\n${d.log.join("\n")}`);
    assert.equal(d.log.filter((l) => /reachable again/.test(l)).length, 1);

    // status: polling, a recent getUpdates, nothing queued (once the card's pin and the
    // store write after the last delivery are done: under load they may trail the message).
    const polling = await eventually(async () => {
      const now = await status(config, dir, first.token);
      return now.polling && now.last_poll_at !== null && now.backlog === 0 && now;
    }, "status: polling, nothing queued", 10_000);
    assert.equal(polling.polling, true, JSON.stringify(polling));
    assert.equal(polling.state, "polling");
    assert.ok(polling.last_poll_seconds_ago <= 5);
    assert.equal(polling.backlog, 0);
    assert.equal(polling.unreachable_since, null);
    t.diagnostic(`boot without network: ${failures} failed getMe before the sandbox listened; relaying ${upS.toFixed(2)} s after it did; 1 sent, 1 arrived, 0 duplicated`);

    d.child.kill("SIGTERM");
    assert.equal(await d.exited, 0);
    const stopped = await status(config, dir, first.token);
    assert.deepEqual([stopped.running, stopped.polling, stopped.state], [false, false, "not running"]);
    assert.ok(stopped.last_poll_at, "the last getUpdates of the run is kept");
  } finally {
    d.child.kill("SIGTERM");
    await d.exited;
    await sb?.close();
    await rm(dir, { recursive: true, force: true });
  }
});
