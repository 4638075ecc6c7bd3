/**
 * Injected faults (failNext): errors exactly as told, and hanging requests, as over a
 * half-open connection: accepted, never answered.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { customer, ok, useSandbox } from "./helpers.ts";

const ctx = useSandbox();

/** POSTs a call that must get no answer: the client gives up after `ms`. */
async function unanswered(apiRoot: string, token: string, method: string, params: Record<string, unknown>, ms = 300): Promise<void> {
  await assert.rejects(
    fetch(`${apiRoot}/bot${token}/${method}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(params),
      signal: AbortSignal.timeout(ms),
    }),
    { name: "TimeoutError" },
  );
}

test('hang "before": the call is accepted and never answered, and not carried out', async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  sb.failNext({ method: "sendMessage", chatId: ana.id, hang: "before" });
  await unanswered(sb.apiRoot, sb.token, "sendMessage", { chat_id: ana.id, text: "into the void" });
  assert.equal(sb.messages(ana.id).some((m) => m.text === "into the void"), false, "nothing was sent");
  const logged = sb.requests.at(-1)!;
  assert.equal(logged.method, "sendMessage");
  assert.equal(logged.status, 0, "logged as never answered");
  assert.equal(logged.response, null);
  // The fault is used up: the next call is answered as usual.
  assert.equal((await ok(sb, "sendMessage", { chat_id: ana.id, text: "again" })).text, "again");
});

test('hang "after": the call is carried out, only its answer is lost', async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  sb.failNext({ method: "sendMessage", hang: "after", count: 2 });
  await unanswered(sb.apiRoot, sb.token, "sendMessage", { chat_id: ana.id, text: "sent, unconfirmed" });
  await unanswered(sb.apiRoot, sb.token, "sendMessage", { chat_id: ana.id, text: "sent twice?" });
  assert.deepEqual(sb.messages(ana.id).filter((m) => m.from?.id === sb.bot.id).map((m) => m.text), ["sent, unconfirmed", "sent twice?"]);
  assert.deepEqual(sb.requests.slice(-2).map((r) => r.status), [0, 0]);
  assert.equal((await ok(sb, "getMe")).is_bot, true, "other calls are answered");
});

test("a hanging getUpdates keeps its updates for the next call", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  sb.failNext({ method: "getUpdates", hang: "before" });
  await unanswered(sb.apiRoot, sb.token, "getUpdates", { timeout: 0 });
  const updates = await ok(sb, "getUpdates", { timeout: 0 });
  assert.equal(updates.at(-1).message.message_id, ana.firstMessageId);
});

test("failNext refuses a fault that says neither what error nor how to hang", () => {
  const sb = ctx.sb;
  assert.throws(() => sb.failNext({ method: "getMe" }), /code must be an HTTP error code/);
  assert.throws(() => sb.failNext({ code: 400 }), /description must be Telegram's error text/);
  assert.throws(() => sb.failNext({ hang: "never" as never }), /hang must be "before" or "after"/);
});

test("the control API injects a hang too", async () => {
  const sb = ctx.sb;
  const res = await fetch(`${sb.apiRoot}/sandbox/failNext`, { method: "POST", body: JSON.stringify({ method: "getMe", hang: "before" }) });
  assert.equal(res.status, 200);
  await unanswered(sb.apiRoot, sb.token, "getMe", {});
});
