/**
 * The deliverer's own duties, against the sandbox: a conversation never stays without its
 * card, and a lane that fails unexpectedly (a store write, a bug) is retried, never fatal.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { buildConfig } from "../../src/config/build.ts";
import type { CoreContext } from "../../src/core/context.ts";
import { emptyState, worldOf } from "../../src/core/state.ts";
import { handleUpdate } from "../../src/core/updates.ts";
import { Deliverer } from "../../src/daemon/deliverer.ts";
import { contextFromConfig } from "../../src/daemon/live.ts";
import { OperatorError } from "../../src/errors.ts";
import { createLogger } from "../../src/log.ts";
import { startSandbox } from "../../src/sandbox/index.ts";
import { createTelegram } from "../../src/telegram/client.ts";
import { openStateStore } from "../../src/daemon/daemon.ts";
import { eventually, startDesk } from "./harness.ts";

test("a stored conversation with neither card nor card job gets its card again at start, and its messages go there", async () => {
  const desk = await startDesk();
  try {
    const { sb } = desk;
    await desk.stop();
    // A store from before cards were kept across a stop: the card job is gone, a copy waits.
    const u = sb.addUser({ first_name: "Stranded" });
    const m = sb.sendPrivate(u.id, { text: "still there?" });
    sb.pendingUpdates(); // the update is confirmed below, as the old daemon had done
    const store = await openStateStore(desk.config.store, { pid: 4242, isPidAlive: () => false });
    const state = store.data;
    state.offset = Math.max(...sb.pendingUpdates().map((x) => x.update_id)) + 1;
    state.conversations[u.id] = {
      customer: { id: u.id, first_name: "Stranded" }, status: "open", banned: false, blocked: false, priority: 3, failures: 0,
      createdAt: Date.now(), firstMessageAt: Date.now(), queues: { team: [{ id: 900, at: Date.now(), kind: "in", p: m.message_id }], customer: [], card: [], staff: [] },
    };
    store.dirty.conversations.add(String(u.id));
    await store.write();
    await store.close();

    await desk.restart();
    const card = await sb.waitFor(() => sb.messages(sb.channelId).find((c) => c.text?.includes(`ID: ${u.id}`)), 5000, "the card posted again");
    const root = await sb.waitFor(() => sb.rootFor(card.message_id), 5000, "its thread");
    await sb.waitFor(() => sb.thread(root).some((x) => x.text === "still there?"), 5000, "the waiting message in the thread");
    await sb.waitFor(() => sb.pinned(sb.channelId).includes(card.message_id), 5000, "the open card pinned");
    assert.ok(desk.logs.some((l) => /warn .*customer \d+ had no card and none queued: posting it again/.test(l)));
  } finally {
    await desk.close();
  }
});

test("a lane whose store write fails is logged once with its context, retried, and the daemon keeps running", async () => {
  const sb = await startSandbox({ autoForwardDelayMs: 5 });
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  try {
    const config = buildConfig({ dir: "/nonexistent", token: sb.token, apiRoot: sb.apiRoot, channel: sb.channelId, group: sb.groupId }, { locale: "en" });
    const ctx: CoreContext = { channel: sb.channelId, group: sb.groupId, botId: sb.bot.id, botUsername: sb.bot.username!, ...contextFromConfig(config), albumSettleMs: 10 };
    const world = worldOf(emptyState());
    const lines: string[] = [];
    const out = new PassThrough();
    out.on("data", (b: Buffer) => lines.push(...b.toString().split("\n").filter(Boolean)));
    let failing = 3;
    const persist = async (): Promise<void> => {
      if (failing-- > 0) throw new OperatorError("ENOSPC: no space left on device, write", { hint: "free some disk space" });
    };
    const deliverer = new Deliverer({ world, ctx: () => ctx, port: createTelegram({ token: sb.token, apiRoot: sb.apiRoot }), log: createLogger(out, { level: "debug" }), persist });
    const u = sb.addUser({ first_name: "Disk" });
    const m = sb.sendPrivate(u.id, { text: "hello" });
    const fx = handleUpdate(world, ctx, { update_id: 1, message: m }, Date.now());
    for (const id of fx.wake) deliverer.kick(id);
    await sb.waitFor(() => sb.messages(u.id).some((x) => x.from?.id === sb.bot.id), 15_000, "the welcome, once the disk has room");
    // Card, pin and welcome are out; the copy waits for the thread root (no poll loop here).
    const conv = () => world.state.conversations[u.id]!;
    await eventually(() => conv().queues.customer.length === 0 && conv().queues.team.map((j) => j.kind).join() === "in", "card, pin and welcome delivered", 15_000);
    await deliverer.stop();
    const errors = lines.filter((l) => / error /.test(l) && /unexpected error/.test(l));
    assert.equal(errors.length, 1, `logged once, not once per lane or retry:\n${errors.join("\n")}`);
    assert.match(errors[0]!, /deliveries of customer \d+ \(next: \w+ job \d+\).*ENOSPC.*hint: free some disk space/);
    assert.deepEqual(unhandled, [], "no unhandled rejection");
    const cards = sb.messages(sb.channelId).filter((c) => c.text?.includes(`ID: ${u.id}`));
    assert.equal(cards.length, 1, "the card posted once");
  } finally {
    process.off("unhandledRejection", onUnhandled);
    await sb.close();
  }
});
