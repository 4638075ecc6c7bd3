// Fidelity checks: places where the sandbox was seen to answer differently from Telegram.
// Each test names the source of the Telegram behaviour it expects.
import assert from "node:assert/strict";
import { test } from "node:test";
import { customer, fails, ok, useSandbox } from "./helpers.ts";

const ctx = useSandbox();
const HOUR = 3600_000;

test("a message the bot forwarded cannot be edited", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const own = await ok(sb, "sendMessage", { chat_id: ana.id, text: "original" });
  const fwd = await ok(sb, "forwardMessage", { chat_id: sb.groupId, from_chat_id: ana.id, message_id: own.message_id });
  assert.ok(fwd.forward_origin, "the forward carries forward_origin");
  assert.deepEqual(await fails(sb, "editMessageText", { chat_id: sb.groupId, message_id: fwd.message_id, text: "changed" }), {
    code: 400,
    description: "Bad Request: message can't be edited",
  });
});

// Bot API docs, "Getting updates": "Incoming updates are stored on the server until the bot
// receives them either way, but they will not be kept longer than 24 hours." (Client.cpp adds
// message updates to the TQueue with a timeout and reads it with `tqueue->get(…, now, …)`.)
test("updates not fetched within 24 hours are dropped", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  sb.sendPrivate(ana.id, { text: "anyone there?" });
  sb.advanceClock(25 * HOUR);
  const updates = await ok(sb, "getUpdates", { timeout: 0 });
  assert.deepEqual(updates, [], "a day-old update is no longer delivered");
});

// telegram-bot-api Client::get_allowed_update_types: a list naming no known update type gives
// `result == 0` and falls back to DEFAULT_ALLOWED_UPDATE_TYPES, so updates keep coming.
test("allowed_updates naming only unknown types means the default set", async () => {
  const sb = ctx.sb;
  await ok(sb, "getUpdates", { timeout: 0, allowed_updates: ["mesage"] });
  const ana = customer(sb);
  sb.sendPrivate(ana.id, { text: "hello" });
  const updates = await ok(sb, "getUpdates", { timeout: 0 });
  assert.ok(
    updates.some((u: any) => u.message?.text === "hello"),
    `the customer's message is delivered; got ${JSON.stringify(updates.map((u: any) => Object.keys(u)))}`,
  );
});
