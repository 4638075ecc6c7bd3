// Callback queries: a press on an inline button reaches the bot, which answers it once, in time
// (Bot API docs: answerCallbackQuery; Client.cpp maps QUERY_ID_INVALID to its text).
import assert from "node:assert/strict";
import { test } from "node:test";
import { startSandbox } from "../../src/sandbox/index.ts";
import { call, card, customer, drain, fails, ok, useSandbox } from "./helpers.ts";

const ctx = useSandbox();
const QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid";

const keyboard = (...rows: unknown[][]) => ({ inline_keyboard: rows });

test("pressing a button gives the bot a callback_query: id, from (with language_code), message, chat_instance, data", async () => {
  const sb = ctx.sb;
  const staff = sb.addUser({ first_name: "Ana", username: "ana_staff", language_code: "pt-BR" });
  const { postId } = await card(sb, "card");
  await ok(sb, "editMessageReplyMarkup", { chat_id: sb.channelId, message_id: postId, reply_markup: keyboard([{ text: "Take", callback_data: "take:1" }]) });
  await drain(sb);
  const press = sb.pressButton(staff.id, sb.channelId, postId, "take:1");
  const [update] = sb.pendingUpdates();
  const q = update!.callback_query as any;
  assert.deepEqual(Object.keys(q), ["id", "from", "message", "chat_instance", "data"]);
  assert.equal(q.id, press.id);
  assert.deepEqual(q.from, { id: staff.id, is_bot: false, first_name: "Ana", username: "ana_staff", language_code: "pt-BR" });
  assert.equal(q.message.message_id, postId);
  assert.deepEqual(q.message.reply_markup, keyboard([{ text: "Take", callback_data: "take:1" }]));
  assert.equal(q.data, "take:1");
  assert.match(q.chat_instance, /^-?\d+$/);
  // chat_instance names the chat: the same for the same chat, another for another chat.
  const ana = customer(sb, "Bia");
  const dm = await ok(sb, "sendMessage", { chat_id: ana.id, text: "rate us", reply_markup: keyboard([{ text: "5", callback_data: "csat:5" }]) });
  assert.equal(sb.pressButton(staff.id, sb.channelId, postId, "take:1").chat_instance, q.chat_instance);
  assert.notEqual(sb.pressButton(ana.id, ana.id, dm.message_id, "csat:5").chat_instance, q.chat_instance);
});

test("answerCallbackQuery is recorded once; a second answer or an unknown id is QUERY_ID_INVALID", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const m = await ok(sb, "sendMessage", { chat_id: ana.id, text: "rate us", reply_markup: keyboard([{ text: "5", callback_data: "csat:5" }]) });
  const press = sb.pressButton(ana.id, ana.id, m.message_id, "csat:5");
  assert.equal(await ok(sb, "answerCallbackQuery", { callback_query_id: press.id, text: "Thanks!", show_alert: true, cache_time: 5 }), true);
  const answer = sb.callbackAnswer(press.id)!;
  assert.deepEqual({ ...answer, at: 0 }, { text: "Thanks!", show_alert: true, cache_time: 5, at: 0 });
  assert.deepEqual(await fails(sb, "answerCallbackQuery", { callback_query_id: press.id }), { code: 400, description: QUERY_INVALID });
  assert.deepEqual(await fails(sb, "answerCallbackQuery", { callback_query_id: "123" }), { code: 400, description: QUERY_INVALID });
  // Text is at most 200 characters; a refused answer leaves the query open.
  const again = sb.pressButton(ana.id, ana.id, m.message_id, "csat:5");
  assert.equal((await fails(sb, "answerCallbackQuery", { callback_query_id: again.id, text: "x".repeat(201) })).description, "Bad Request: MESSAGE_TOO_LONG");
  assert.equal(await ok(sb, "answerCallbackQuery", { callback_query_id: again.id, text: "x".repeat(200) }), true);
  assert.deepEqual(sb.callbackAnswer(again.id)?.show_alert, false);
});

test("an answer after the query expired fails (callbackAnswerTimeoutMs, on the sandbox clock)", async () => {
  const sb = await startSandbox({ pollGuards: false, now: () => 1_700_000_000_000, callbackAnswerTimeoutMs: 15_000 });
  try {
    const ana = customer(sb);
    const m = await ok(sb, "sendMessage", { chat_id: ana.id, text: "?", reply_markup: keyboard([{ text: "ok", callback_data: "ok" }]) });
    const late = sb.pressButton(ana.id, ana.id, m.message_id, "ok");
    const inTime = sb.pressButton(ana.id, ana.id, m.message_id, "ok");
    sb.advanceClock(14_000);
    assert.equal(await ok(sb, "answerCallbackQuery", { callback_query_id: inTime.id }), true);
    sb.advanceClock(2_000);
    assert.deepEqual(await fails(sb, "answerCallbackQuery", { callback_query_id: late.id }), { code: 400, description: QUERY_INVALID });
    assert.equal(sb.callbackAnswer(late.id), undefined);
  } finally {
    await sb.close();
  }
});

test("a press on a keyboard the message no longer has is delivered as given", async () => {
  const sb = ctx.sb;
  const post = await ok(sb, "sendMessage", { chat_id: sb.channelId, text: "card", reply_markup: keyboard([{ text: "Take", callback_data: "take" }]) });
  await ok(sb, "editMessageReplyMarkup", { chat_id: sb.channelId, message_id: post.message_id });
  await drain(sb);
  const staff = sb.addUser({ first_name: "Staff" });
  sb.pressButton(staff.id, sb.channelId, post.message_id, "take");
  const q = sb.pendingUpdates()[0]!.callback_query!;
  assert.equal(q.data, "take");
  assert.equal((q.message as any).reply_markup, undefined, "the message as it is now");
});

test("presses over the control API, and what it refuses", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const m = await ok(sb, "sendMessage", { chat_id: ana.id, text: "?", reply_markup: keyboard([{ text: "ok", callback_data: "ok" }]) });
  const post = (body: unknown) => fetch(`${sb.apiRoot}/sandbox/pressButton`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const res = await post({ userId: ana.id, chatId: ana.id, messageId: m.message_id, data: "ok" });
  const q = await res.json();
  assert.equal(q.data, "ok");
  await call(sb, "answerCallbackQuery", { callback_query_id: q.id, text: "done" });
  const recorded = await (await fetch(`${sb.apiRoot}/sandbox/callbacks/${q.id}`)).json();
  assert.equal(recorded.answer.text, "done");
  assert.equal((await (await fetch(`${sb.apiRoot}/sandbox/callbacks`)).json()).length, 1);
  // The customer's own message carries no bot buttons; another user cannot press in Ana's chat.
  const other = sb.addUser({ first_name: "Zé" });
  assert.equal((await post({ userId: ana.id, chatId: ana.id, messageId: ana.firstMessageId, data: "ok" })).status, 400);
  assert.equal((await post({ userId: other.id, chatId: ana.id, messageId: m.message_id, data: "ok" })).status, 400);
  assert.equal((await post({ userId: ana.id, chatId: ana.id, messageId: 999, data: "ok" })).status, 404);
});
