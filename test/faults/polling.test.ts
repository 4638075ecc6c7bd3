/**
 * Faults of the getUpdates loop (issue 11): update ids that start again, another program
 * polling with the same token. The real daemon against the sandbox over HTTP, judged by
 * what the customer and the team see.
 */
import { afterEach, beforeEach, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { run } from "../cli/helpers.ts";
import { eventually, openConversation, startDesk, threadTexts, writeConfig, type Desk } from "../daemon/harness.ts";

// A desk per test: a daemon that a fault broke must not fail the next test.
let desk: Desk;
beforeEach(async () => {
  desk = await startDesk();
});
afterEach(async () => {
  await desk.close();
});

/** getUpdates requests the sandbox answered between two times (ms). */
function pollsBetween(d: Desk, from: number, to: number): number {
  return d.sb.requests.filter((r) => r.method === "getUpdates" && r.at >= from && r.at < to).length;
}

/** Waits until the daemon has confirmed everything (its next poll dropped what it handled). */
function confirmed(d: Desk): Promise<true> {
  return d.sb.waitFor((s) => s.pendingUpdates().length === 0 || undefined, 5000, "every update confirmed");
}

test("update ids that start again below the offset are relayed, once each, and the offset follows them", async (t: TestContext) => {
  const { sb } = desk;
  const c = await openConversation(desk, "Quiet week");
  await confirmed(desk);
  const oldOffset = sb.requests.filter((r) => r.method === "getUpdates").at(-1)!.params["offset"] as number;
  assert.ok(oldOffset > 100_000_000, "the daemon polls with an offset in the first sequence");

  // A week without updates: Telegram picks a new, lower first id.
  sb.restartUpdateIds(5000);
  const t0 = Date.now();
  const texts = ["back after a week", "are you there?", "hello?"];
  for (const text of texts) sb.sendPrivate(c.id, { text });
  const arrived = await sb
    .waitFor(() => texts.every((x) => threadTexts(desk, c.root).includes(x)), 5000, "the three messages in the thread")
    .then(() => true, () => false);
  const recoveredS = (Date.now() - t0) / 1000;
  if (!arrived) t.diagnostic(`after the restart: ${(pollsBetween(desk, t0, Date.now()) / recoveredS).toFixed(1)} getUpdates/s for ${recoveredS.toFixed(2)} s, nothing relayed`);
  assert.ok(arrived, `the messages reach the thread (the thread shows ${JSON.stringify(threadTexts(desk, c.root))})`);
  assert.deepEqual(threadTexts(desk, c.root), ["hi from Quiet week", ...texts], "each exactly once, in order");

  // The offset moved onto the new sequence: nothing stays pending, and the daemon long-polls
  // again (two more polls take at least a poll timeout each) instead of spinning.
  // (The request log holds a long poll once it is answered.)
  await confirmed(desk);
  const offsets = () => sb.requests.filter((r) => r.method === "getUpdates" && r.at >= t0).map((r) => r.params["offset"]);
  await eventually(() => offsets().includes(5003), "a poll with offset 5003", 5000).catch(() => assert.fail(`the daemon polls with offset 5003 (sent: ${offsets().join(", ")})`));
  const seen = sb.requests.length;
  const idleStart = Date.now();
  await eventually(() => sb.requests.slice(seen).filter((r) => r.method === "getUpdates").length >= 2, "two more long polls", 10_000);
  const idleS = (Date.now() - idleStart) / 1000;
  assert.ok(idleS >= 0.9, `idle long polling, not a busy loop (2 polls in ${idleS} s)`);

  const warnings = desk.logs.filter((l) => /update ids started again/.test(l));
  assert.equal(warnings.length, 1, `one warning:\n${desk.logs.join("\n")}`);
  assert.match(warnings[0]!, /warn/);

  // Later messages still flow.
  sb.sendPrivate(c.id, { text: "still here" });
  await sb.waitFor(() => threadTexts(desk, c.root).includes("still here"), 5000, "a later message");
  const elapsedS = (Date.now() - t0) / 1000;
  t.diagnostic(
    `restart: 4 sent, 4 arrived, 0 duplicated; relayed ${recoveredS.toFixed(2)} s after the restart; ` +
      `${(pollsBetween(desk, t0, Date.now()) / elapsedS).toFixed(2)} getUpdates/s over the ${elapsedS.toFixed(1)} s after it`,
  );
});

/** Another program's getUpdates, made while the daemon's long poll waits: that poll gets 409. */
async function strayPoll(d: Desk): Promise<void> {
  await d.sb.waitFor((s) => s.isPolling(), 10_000, "the daemon's long poll waiting");
  const res = await fetch(`${d.sb.apiRoot}/bot${d.sb.token}/getUpdates`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"timeout":0}' });
  // Repeated, its offset makes it wait (anti busy-loop), so the daemon's next poll may end it with 409 in turn.
  assert.ok(res.status === 200 || res.status === 409, `getUpdates answered ${res.status}`);
}

test("another program polling with the same token: the daemon keeps polling, says so loudly once, and `clientes check` shows it", async (t: TestContext) => {
  const { sb } = desk;
  const c = await openConversation(desk, "Shared token");
  const t0 = Date.now();
  for (let i = 0; i < 3; i++) await strayPoll(desk);
  // The daemon polls again after each conflict (strayPoll waits for that), and relays.
  await strayPoll(desk).catch(() => assert.fail(`the daemon stopped polling after 409s:\n${desk.logs.join("\n")}`));
  const backoffS = (Date.now() - t0) / 1000;
  sb.sendPrivate(c.id, { text: "sent while another program polled" });
  await sb.waitFor(() => threadTexts(desk, c.root).includes("sent while another program polled"), 10_000, "the message in the thread");
  assert.deepEqual(threadTexts(desk, c.root), ["hi from Shared token", "sent while another program polled"], "once");

  const loud = desk.logs.filter((l) => /another program is polling Telegram with this bot token/.test(l));
  assert.equal(loud.length, 1, "said once, not once per 409");
  assert.match(loud[0]!, / error /);
  assert.match(loud[0]!, /terminated by other getUpdates request/);

  const conflicts = desk.port.calls.filter((x) => x.method === "getUpdates" && x.settled && !x.ok && /terminated by other getUpdates/.test(String(x.error))).length;
  assert.ok(conflicts >= 2, `the daemon's polls were ended by 409 (${conflicts})`);
  const health = await eventually(async () => {
    const h = JSON.parse(await readFile(`${desk.config.store}.health`, "utf8"));
    return h.conflict?.count === conflicts && h;
  }, "the conflicts in the health file", 5000);
  assert.equal(health.state, "polling");

  const config = await writeConfig(desk.dir, sb, [desk.ana.id]);
  const r = await run(["--config", config, "check"], { cwd: desk.dir, env: { CLIENTES_BOT_TOKEN: sb.token } });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /✗ no other program polls with this bot token.*another program polling with this bot token: \d+ conflicts \(409\)/);
  assert.match(r.stdout, /hint: stop the other program that uses this token/);
  t.diagnostic(`another poller: ${conflicts} conflicts (409) over ${backoffS.toFixed(2)} s, daemon kept polling; 1 sent, 1 arrived, 0 duplicated`);
});

test("an outage while polling: one line when it starts, one when Telegram answers again, and what customers sent meanwhile arrives once", async (t: TestContext) => {
  const { sb } = desk;
  const c = await openConversation(desk, "Outage");
  await sb.waitFor((s) => s.isPolling(), 5000, "the daemon's long poll waiting");
  // Telegram (or a proxy in front of it) fails the next three getUpdates.
  sb.failNext({ method: "getUpdates", code: 502, description: "Bad Gateway", count: 3 });
  const failed = (x: { method: string; settled: boolean; ok: boolean }) => x.method === "getUpdates" && x.settled && !x.ok;
  await eventually(() => desk.port.calls.some(failed), "the first failed getUpdates", 5000);
  const sent = ["during the outage 1", "during the outage 2"];
  for (const text of sent) sb.sendPrivate(c.id, { text });
  const back = await eventually(() => desk.logs.find((l) => /Telegram reachable again/.test(l)), "the recovery line", 20_000);
  await sb.waitFor(() => sent.every((x) => threadTexts(desk, c.root).includes(x)), 10_000, "both messages in the thread");
  assert.deepEqual(threadTexts(desk, c.root), ["hi from Outage", ...sent], "once each, in order");

  const down = desk.logs.filter((l) => /Telegram unavailable/.test(l));
  assert.equal(down.length, 1, `one line when it starts:\n${desk.logs.join("\n")}`);
  assert.match(down[0]!, /warn .*Telegram unavailable \(getUpdates\): Telegram refused getUpdates: Bad Gateway/);
  assert.match(back, /info .*Telegram reachable again after \d+ s \(3 failed attempts\)/);
  assert.equal(desk.logs.filter((l) => /reachable again/.test(l)).length, 1);
  assert.equal(desk.logs.filter((l) => / (warn|error) /.test(l)).length, 1, "nothing else warned about");
  const calls = desk.port.calls;
  const first = calls.findIndex(failed);
  const answered = calls.find((x, i) => i > first && x.method === "getUpdates" && x.ok)!;
  t.diagnostic(`outage: 3 failed getUpdates; polling again ${((answered.at - calls[first]!.at) / 1000).toFixed(2)} s after the first failure; 2 sent during it, 2 arrived, 0 duplicated`);
});
