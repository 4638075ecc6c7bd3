/**
 * The deliverer's own duties: a conversation never stays without its card, a lane that fails
 * unexpectedly (a store write, a bug) is retried, never fatal (both against the sandbox), and
 * a card has one edit in flight at a time (R21 card), a check included (R15 recreate-thread).
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
import { markOverdue } from "../../src/core/sla.ts";
import type { TelegramPort } from "../../src/telegram/port.ts";
import { autoForward as coreAutoForward, context as coreContext, CUSTOMER, privateMsg as corePrivateMsg } from "../core/helpers.ts";
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

/**
 * A port that holds each editMessageText until the test lets it go, and answers the rest at
 * once; it counts the card edits in flight together.
 */
function holdingPort() {
  const calls: { method: string; params: Record<string, unknown> }[] = [];
  const held: (() => void)[] = [];
  let editing = 0;
  let peakEditing = 0;
  const port: TelegramPort = {
    async call(method: string, params: unknown) {
      calls.push({ method, params: params as Record<string, unknown> });
      if (method === "editMessageText") {
        editing++;
        peakEditing = Math.max(peakEditing, editing);
        await new Promise<void>((r) => held.push(r));
        editing--;
        return true;
      }
      return { message_id: 500 + calls.length };
    },
  } as TelegramPort;
  return { port, calls, held, peak: () => peakEditing, edits: () => calls.filter((c) => c.method === "editMessageText") };
}

/** A customer waiting since `t0` whose card (post 10) and thread (root 100) exist, nothing queued; a deliverer that never saw the card. */
function waitingDesk(t0: number, clock: { t: number }) {
  const ctx = coreContext({ sla: { firstResponseMinutes: 30 } });
  const world = worldOf(emptyState());
  handleUpdate(world, ctx, corePrivateMsg(1, { text: "help" }), t0);
  const conv = world.state.conversations[CUSTOMER]!;
  conv.card = 10;
  world.index.cards.set(10, CUSTOMER);
  handleUpdate(world, ctx, coreAutoForward(100, 10), t0);
  for (const lane of ["team", "customer", "card", "staff"] as const) conv.queues[lane] = [];
  const p = holdingPort();
  const deliverer = new Deliverer({ world, ctx: () => ctx, port: p.port, log: createLogger(new PassThrough(), { level: "debug" }), persist: async () => {}, now: () => clock.t });
  return { ctx, world, conv, deliverer, ...p };
}

test("a customer's message waits for the card edit in flight instead of checking the card with a second edit", async () => {
  const t0 = Date.parse("2026-03-09T10:00:00-03:00");
  const clock = { t: t0 + 31 * 60_000 };
  const desk = waitingDesk(t0, clock);
  const { world, ctx, conv, deliverer } = desk;
  try {
    markOverdue(world, ctx.sla!, undefined, clock.t);
    deliverer.kick(CUSTOMER);
    await eventually(() => desk.edits().length === 1, "the ⏰ edit on its way");
    // The card has not been seen by this deliverer: its copy would first check the card.
    handleUpdate(world, ctx, corePrivateMsg(2, { text: "hello?" }), clock.t);
    deliverer.kick(CUSTOMER);
    await new Promise((r) => setImmediate(r)); // the lanes' work up to their next call (microtasks), no timed wait
    assert.equal(desk.edits().length, 1, "no check while the edit is on its way");
    desk.held.shift()!();
    await eventually(() => desk.calls.some((c) => c.method === "copyMessage"), "the message copied into the thread");
    assert.equal(desk.edits().length, 1, "the edit's answer told that the card is there: one edit in all");
    assert.match(String(desk.edits()[0]!.params.text), /⏰ overdue/);
    assert.deepEqual(conv.queues.team, []);
  } finally {
    for (const go of desk.held) go();
    await deliverer.stop();
  }
});

test("an update of the card waits for the check in flight, then goes out if the card changed meanwhile", async () => {
  const t0 = Date.parse("2026-03-09T10:00:00-03:00");
  const clock = { t: t0 + 5 * 60_000 };
  const desk = waitingDesk(t0, clock);
  const { world, ctx, deliverer } = desk;
  try {
    handleUpdate(world, ctx, corePrivateMsg(2, { text: "hello?" }), clock.t);
    deliverer.kick(CUSTOMER);
    await eventually(() => desk.edits().length === 1, "the card check on its way");
    assert.doesNotMatch(String(desk.edits()[0]!.params.text), /⏰/);
    clock.t = t0 + 31 * 60_000;
    markOverdue(world, ctx.sla!, undefined, clock.t);
    deliverer.kick(CUSTOMER);
    desk.held.shift()!();
    await eventually(() => desk.edits().length === 2, "the ⏰ edit after the check");
    desk.held.shift()!();
    await eventually(() => desk.calls.some((c) => c.method === "copyMessage"), "the message copied");
    assert.match(String(desk.edits()[1]!.params.text), /⏰ overdue/);
    assert.equal(desk.peak(), 1, "never two edits of the card in flight at once");
  } finally {
    for (const go of desk.held) go();
    await deliverer.stop();
  }
});
