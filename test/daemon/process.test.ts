/**
 * The daemon as a real process: signals, crashes, the store lock. `bin/clientes start`
 * against the sandbox over HTTP.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { spawnDaemon, writeConfig } from "./harness.ts";

let sb: Sandbox;
let dir: string;
let config: string;
let ana: { id: number };

before(async () => {
  sb = await startSandbox({ autoForwardDelayMs: 5 });
  dir = await mkdtemp(join(tmpdir(), "clientes-proc-"));
  ana = sb.addUser({ first_name: "Ana" });
  config = await writeConfig(dir, sb, [ana.id]);
});
after(async () => {
  await sb.close();
  await rm(dir, { recursive: true, force: true });
});

function threadOfCustomer(id: number): number | undefined {
  const card = sb.messages(sb.channelId).find((m) => m.text?.includes(String(id)));
  return card ? sb.rootFor(card.message_id) : undefined;
}

function copiesOf(id: number): string[] {
  const root = threadOfCustomer(id);
  return root === undefined ? [] : sb.thread(root).slice(1).map((m) => m.text ?? "");
}

test("a second daemon on the same store is refused with a clear message", async () => {
  const first = spawnDaemon(config, sb.token);
  try {
    await first.waitForLog(/relaying/);
    const second = spawnDaemon(config, sb.token);
    const code = await second.exited;
    assert.equal(code, 1);
    const out = second.log.join("\n");
    assert.match(out, /in use by another clientes daemon/);
    assert.match(out, new RegExp(`pid ${first.child.pid}`));
    assert.doesNotMatch(out, new RegExp(sb.token.split(":")[1]!), "the token is never printed");
  } finally {
    first.child.kill("SIGTERM");
    assert.equal(await first.exited, 0);
  }
});

test("SIGTERM with work pending exits 0 quickly; a restart delivers the rest, nothing twice", async () => {
  // Paced by Telegram's limits (1 message/s to the group), so work is still queued at SIGTERM.
  const d = spawnDaemon(config, sb.token, []);
  await d.waitForLog(/relaying/);
  const u = sb.addUser({ first_name: "Paced" });
  const texts = Array.from({ length: 5 }, (_, i) => `paced ${i + 1}`);
  for (const text of texts) sb.sendPrivate(u.id, { text });
  await sb.waitFor(() => copiesOf(u.id).length >= 1, 8000, "a first copy");
  const t0 = Date.now();
  d.child.kill("SIGTERM");
  assert.equal(await d.exited, 0);
  assert.ok(Date.now() - t0 < 10_000, "stopped within 10 s");
  assert.ok(copiesOf(u.id).length < 5, "work was still pending at SIGTERM");
  assert.match(d.log.join("\n"), /deliveries kept for the next start/);

  const again = spawnDaemon(config, sb.token);
  try {
    await sb.waitFor(() => copiesOf(u.id).length >= 5, 10_000, "the rest after restart");
    assert.deepEqual(copiesOf(u.id), texts, "all five, in order, none twice");
  } finally {
    again.child.kill("SIGTERM");
    assert.equal(await again.exited, 0);
  }
});

test("SIGKILL during a burst, then restart: nothing lost, at most the in-flight message twice", async () => {
  const d = spawnDaemon(config, sb.token);
  await d.waitForLog(/relaying/);
  const customers = Array.from({ length: 4 }, (_, i) => sb.addUser({ first_name: `Burst${i}` }));
  const sent = new Map<number, string[]>();
  for (let n = 1; n <= 10; n++) {
    for (const u of customers) {
      const text = `burst ${u.id} #${n}`;
      sb.sendPrivate(u.id, { text });
      sent.set(u.id, [...(sent.get(u.id) ?? []), text]);
    }
  }
  await sb.waitFor(() => customers.reduce((n, u) => n + copiesOf(u.id).length, 0) >= 8, 8000, "part of the burst");
  d.child.kill("SIGKILL");
  await d.exited;

  const again = spawnDaemon(config, sb.token);
  try {
    await sb.waitFor(() => customers.every((u) => new Set(copiesOf(u.id)).size === 10), 15_000, "the whole burst");
    for (const u of customers) {
      const copies = copiesOf(u.id);
      const unique = [...new Set(copies)];
      assert.deepEqual(unique, sent.get(u.id), `customer ${u.id}: all ten, in order`);
      assert.ok(copies.length - unique.length <= 1, `customer ${u.id}: at most one repeated (${copies.length - unique.length})`);
    }
  } finally {
    again.child.kill("SIGTERM");
    assert.equal(await again.exited, 0);
  }
});
