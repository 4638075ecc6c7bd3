import assert from "node:assert/strict";
import { test } from "node:test";
import { CONFLICT_DESCRIPTION, startSandbox } from "../../src/sandbox/index.ts";
import { call, customer, ok, useSandbox } from "./helpers.ts";

const ctx = useSandbox();

test("getUpdates returns updates with update_id as the first key, and offset confirms them", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  sb.sendPrivate(ana.id, { text: "hello" });
  const raw = await call(sb, "getUpdates", { timeout: 0 });
  const updates = raw.body.result as Array<Record<string, any>>;
  assert.equal(updates.length, 2);
  for (const u of updates) assert.equal(Object.keys(u)[0], "update_id");
  assert.match(raw.text, /^\{"ok":true,"result":\[\{"update_id":\d+,"message":\{"message_id":1,/);
  assert.equal(updates[1]!.update_id, updates[0]!.update_id + 1);
  assert.equal(updates[1]!.message.text, "hello");

  // Asking again without an offset returns the same, unconfirmed updates.
  assert.equal((await ok(sb, "getUpdates", { timeout: 0 })).length, 2);
  // offset = last + 1 confirms everything before it.
  assert.deepEqual(await ok(sb, "getUpdates", { offset: updates[1]!.update_id + 1, timeout: 0 }), []);
  assert.deepEqual(await ok(sb, "getUpdates", { timeout: 0 }), []);
});

test("offset in the middle drops only older updates; a negative offset keeps the last N", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  for (const t of ["a", "b", "c", "d"]) sb.sendPrivate(ana.id, { text: t });
  const all = await ok(sb, "getUpdates", { timeout: 0 });
  assert.equal(all.length, 5);
  const fromThird = await ok(sb, "getUpdates", { offset: all[2].update_id, timeout: 0 });
  assert.deepEqual(fromThird.map((u: any) => u.message.text), ["b", "c", "d"]);
  const lastTwo = await ok(sb, "getUpdates", { offset: -2, timeout: 0 });
  assert.deepEqual(lastTwo.map((u: any) => u.message.text), ["c", "d"]);
  // The others were dropped for good.
  assert.deepEqual((await ok(sb, "getUpdates", { timeout: 0 })).map((u: any) => u.message.text), ["c", "d"]);
});

test("limit caps the batch (values outside 1-100 are clamped)", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  for (let i = 0; i < 4; i++) sb.sendPrivate(ana.id, { text: `m${i}` });
  assert.equal((await ok(sb, "getUpdates", { limit: 2, timeout: 0 })).length, 2);
  assert.equal((await ok(sb, "getUpdates", { limit: 0, timeout: 0 })).length, 1);
  assert.equal((await ok(sb, "getUpdates", { limit: 1000, timeout: 0 })).length, 5);
});

test("a long poll waits and wakes up as soon as an update arrives", async () => {
  const sb = ctx.sb;
  const ana = sb.addUser({ first_name: "Ana" });
  const started = performance.now();
  const poll = ok(sb, "getUpdates", { timeout: 10 });
  await sb.waitFor((s) => s.isPolling(), 2000, "the long poll is waiting");
  sb.sendPrivate(ana.id, { text: "wake up" });
  const updates = await poll;
  assert.equal(updates.length, 1);
  assert.equal(updates[0].message.text, "wake up");
  assert.ok(performance.now() - started < 5000, "answered long before the 10 s timeout");
});

test("a long poll with no updates answers [] after its timeout", async () => {
  const sb = ctx.sb;
  const started = performance.now();
  assert.deepEqual(await ok(sb, "getUpdates", { timeout: 1 }), []);
  assert.ok(performance.now() - started >= 900);
});

test("a second long poll terminates the pending one with 409", async () => {
  const sb = ctx.sb;
  const ana = sb.addUser({ first_name: "Ana" });
  const first = call(sb, "getUpdates", { timeout: 10 });
  await sb.waitFor((s) => s.isPolling(), 2000, "the first poll is waiting");
  const second = ok(sb, "getUpdates", { timeout: 10 });
  const conflict = await first;
  assert.equal(conflict.status, 409);
  assert.deepEqual(conflict.body, { ok: false, error_code: 409, description: CONFLICT_DESCRIPTION });
  assert.equal(
    CONFLICT_DESCRIPTION,
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
  );
  sb.sendPrivate(ana.id, { text: "for the survivor" });
  assert.equal((await second)[0].message.text, "for the survivor");
});

test("allowed_updates filters updates when they are created and persists between calls", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  await ok(sb, "getUpdates", { offset: -1, allowed_updates: ["channel_post"], timeout: 0 });
  await ok(sb, "getUpdates", { offset: sb.pendingUpdates()[0]!.update_id + 1, timeout: 0 });
  sb.sendPrivate(ana.id, { text: "filtered out" });
  sb.postInChannel({ text: "kept" });
  // A call without allowed_updates keeps the filter.
  const got = await ok(sb, "getUpdates", { timeout: 0 });
  assert.deepEqual(got.map((u: any) => Object.keys(u)[1]), ["channel_post"]);
  // Widening the filter does not bring back what was filtered when it was created.
  await ok(sb, "getUpdates", { allowed_updates: [], offset: got[0].update_id + 1, timeout: 0 });
  assert.equal(sb.pendingUpdates().some((u) => u.message?.text === "filtered out"), false);
  sb.sendPrivate(ana.id, { text: "now delivered" });
  const after = await ok(sb, "getUpdates", { timeout: 0 });
  assert.ok(after.some((u: any) => u.message?.text === "now delivered"));
});

test("allowed_updates is also read from a JSON-encoded string (form and query requests)", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const res = await fetch(`${sb.apiRoot}/bot${sb.token}/getUpdates?offset=-1&timeout=0&allowed_updates=${encodeURIComponent('["edited_message"]')}`);
  assert.equal(res.status, 200);
  await ok(sb, "getUpdates", { offset: sb.pendingUpdates().at(-1)!.update_id + 1, timeout: 0 });
  sb.sendPrivate(ana.id, { text: "new" });
  sb.editPrivate(ana.id, ana.firstMessageId, { text: "/start edited" });
  const got = await ok(sb, "getUpdates", { timeout: 0 });
  assert.deepEqual(got.map((u: any) => Object.keys(u)[1]), ["edited_message"]);
});

test("anti busy-loop: the same offset again soon waits, and within the short window returns at most one update", async () => {
  const sb = await startSandbox({ pollGuards: { sameOffsetMinWaitMs: 1000, sameOffsetLimitOneMs: 1000 } });
  try {
    const ana = customer(sb);
    sb.sendPrivate(ana.id, { text: "two" });
    sb.sendPrivate(ana.id, { text: "three" });
    assert.equal((await ok(sb, "getUpdates", { timeout: 0 })).length, 3);
    assert.equal((await ok(sb, "getUpdates", { timeout: 0 })).length, 1, "same offset within the window: one update");
    const last = sb.pendingUpdates().at(-1)!.update_id;
    await ok(sb, "getUpdates", { offset: last + 1, timeout: 0 });
    const started = performance.now();
    assert.deepEqual(await ok(sb, "getUpdates", { offset: last + 1, timeout: 0 }), []);
    assert.ok(performance.now() - started >= 900, "same offset again soon: waited instead of answering at once");
  } finally {
    await sb.close();
  }
});

test("deleteWebhook answers true with Telegram's description and can drop pending updates", async () => {
  const sb = ctx.sb;
  customer(sb);
  const a = await call(sb, "deleteWebhook", {});
  assert.deepEqual(a.body, { ok: true, result: true, description: "Webhook is already deleted" });
  assert.equal(sb.pendingUpdates().length, 1);
  await ok(sb, "deleteWebhook", { drop_pending_updates: true });
  assert.equal(sb.pendingUpdates().length, 0);
});

test("close() ends a pending long poll", async () => {
  const sb = await startSandbox({ pollGuards: false });
  const poll = call(sb, "getUpdates", { timeout: 30 }).catch((e: unknown) => e);
  await sb.waitFor((s) => s.isPolling(), 2000, "the poll is waiting");
  const started = performance.now();
  await sb.close();
  await poll;
  assert.ok(performance.now() - started < 2000);
});

test("an offset more than 10 past the tail, or 2,000,000 behind it, is answered from the head, dropping nothing", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  sb.sendPrivate(ana.id, { text: "two" });
  const pending = sb.pendingUpdates();
  const tail = pending.at(-1)!.update_id + 1;
  const ids = (updates: Array<{ update_id: number }>) => updates.map((u) => u.update_id);
  // "in the future" and "in the past" (TQueue refuses them): the head, nothing dropped.
  assert.deepEqual(ids(await ok(sb, "getUpdates", { offset: tail + 11, timeout: 0 })), ids(pending));
  assert.deepEqual(ids(await ok(sb, "getUpdates", { offset: tail - 2_000_001, timeout: 0 })), ids(pending));
  assert.equal(sb.pendingUpdates().length, 2);
  // Within 10 past the tail the offset is accepted: everything below it is confirmed.
  assert.deepEqual(await ok(sb, "getUpdates", { offset: tail + 10, timeout: 0 }), []);
  assert.equal(sb.pendingUpdates().length, 0);
});

test("restartUpdateIds: new ids below the offset come back for the old offset, and stay until a new-range offset confirms them", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const old = sb.pendingUpdates()[0]!.update_id;
  await ok(sb, "getUpdates", { offset: old + 1, timeout: 0 });
  assert.equal(sb.restartUpdateIds(5000), 5000);
  sb.sendPrivate(ana.id, { text: "after a quiet week" });
  sb.sendPrivate(ana.id, { text: "and another" });
  const got = await ok(sb, "getUpdates", { offset: old + 1, timeout: 0 });
  assert.deepEqual(got.map((u: any) => [u.update_id, u.message.text]), [
    [5000, "after a quiet week"],
    [5001, "and another"],
  ]);
  // The old offset confirms nothing: asked again, the same two come back.
  assert.equal((await ok(sb, "getUpdates", { offset: old + 1, timeout: 0 })).length, 2);
  assert.deepEqual(await ok(sb, "getUpdates", { offset: 5002, timeout: 0 }), []);
  assert.equal(sb.pendingUpdates().length, 0);
});

test("restartUpdateIds also reaches a long poll already waiting with the old offset", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const old = sb.pendingUpdates()[0]!.update_id;
  await ok(sb, "getUpdates", { offset: old + 1, timeout: 0 });
  const poll = ok(sb, "getUpdates", { offset: old + 1, timeout: 10 });
  await sb.waitFor((s) => s.isPolling(), 2000, "the long poll is waiting");
  sb.restartUpdateIds(77);
  sb.sendPrivate(ana.id, { text: "wake up" });
  assert.deepEqual((await poll).map((u: any) => u.update_id), [77]);
});

test("restartUpdateIds refuses while updates are pending, and ids that are not positive int32", async () => {
  const sb = ctx.sb;
  customer(sb);
  assert.throws(() => sb.restartUpdateIds(10), /1 updates are still pending/);
  await ok(sb, "getUpdates", { offset: sb.pendingUpdates()[0]!.update_id + 1, timeout: 0 });
  for (const bad of [0, -5, 2 ** 31, 1.5]) assert.throws(() => sb.restartUpdateIds(bad), /positive 32-bit integers/);
  const random = sb.restartUpdateIds();
  assert.ok(Number.isInteger(random) && random >= 1 && random < 2 ** 31);
});
