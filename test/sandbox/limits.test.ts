import assert from "node:assert/strict";
import { test } from "node:test";
import { RateLimiter } from "../../src/sandbox/limits.ts";
import { call, customer, fails, ok, useSandbox } from "./helpers.ts";

// A frozen clock: only advanceClock moves time, so the limits are exact however slow the machine is.
const frozen = Date.now();
const ctx = useSandbox({ rateLimits: true, now: () => frozen });

test("per chat: a short burst passes, then 429 with retry_after; again before N is 429 again", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  for (let i = 0; i < 3; i++) await ok(sb, "sendMessage", { chat_id: ana.id, text: `burst ${i}` });
  const over = await call(sb, "sendMessage", { chat_id: ana.id, text: "too fast" });
  assert.equal(over.status, 429);
  assert.deepEqual(over.body, { ok: false, error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } });
  assert.equal(sb.messages(ana.id).some((m) => m.text === "too fast"), false);
  sb.advanceClock(500);
  assert.equal((await fails(sb, "sendMessage", { chat_id: ana.id, text: "still too fast" })).code, 429);
  sb.advanceClock(600);
  assert.equal((await ok(sb, "sendMessage", { chat_id: ana.id, text: "after waiting" })).text, "after waiting");
  // Other chats are not held back by this one.
  assert.ok(await ok(sb, "sendMessage", { chat_id: sb.groupId, text: "group" }));
});

test("per group: 20 messages per sliding minute", async () => {
  const sb = ctx.sb;
  for (let i = 0; i < 20; i++) {
    await ok(sb, "sendMessage", { chat_id: sb.groupId, text: `m${i}` });
    sb.advanceClock(1000);
  }
  // The first message was sent 20 s ago: 40 s until it leaves the window.
  const r = await fails(sb, "sendMessage", { chat_id: sb.groupId, text: "21st" });
  assert.deepEqual(r, { code: 429, description: "Too Many Requests: retry after 40", parameters: { retry_after: 40 } });
  sb.advanceClock(39_000);
  assert.equal((await fails(sb, "sendMessage", { chat_id: sb.groupId, text: "21st" })).code, 429);
  sb.advanceClock(1000);
  assert.ok(await ok(sb, "sendMessage", { chat_id: sb.groupId, text: "21st" }));
});

test("copies, forwards and edits count; reads and chat actions do not", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const m = await ok(sb, "sendMessage", { chat_id: ana.id, text: "1" });
  await ok(sb, "copyMessage", { chat_id: ana.id, from_chat_id: ana.id, message_id: m.message_id });
  await ok(sb, "editMessageText", { chat_id: ana.id, message_id: m.message_id, text: "edited" });
  assert.equal((await fails(sb, "forwardMessage", { chat_id: ana.id, from_chat_id: ana.id, message_id: m.message_id })).code, 429);
  for (let i = 0; i < 5; i++) {
    await ok(sb, "getChat", { chat_id: ana.id });
    await ok(sb, "sendChatAction", { chat_id: ana.id, action: "typing" });
  }
});

test("rate limits can be switched off", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  sb.setRateLimits(false);
  for (let i = 0; i < 10; i++) await ok(sb, "sendMessage", { chat_id: ana.id, text: `m${i}` });
});

test("overall: about 30 messages per second across chats", () => {
  let now = 0;
  const limiter = new RateLimiter(() => now);
  for (let chat = 1; chat <= 30; chat++) {
    assert.equal(limiter.check(chat, false), 0);
    limiter.record(chat, false);
    now += 10;
  }
  assert.equal(limiter.check(31, false), 1, "the 31st message within a second waits");
  now += 1000;
  assert.equal(limiter.check(32, false), 0);
});
