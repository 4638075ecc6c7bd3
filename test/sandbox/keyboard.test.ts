// Inline keyboards as the Bot API server and tdlib read them (Client.cpp get_reply_markup,
// td ReplyMarkup.cpp, LinkManager::check_link).
import assert from "node:assert/strict";
import { test } from "node:test";
import { customer, fails, ok, useSandbox } from "./helpers.ts";

const ctx = useSandbox();

const keyboard = (...rows: unknown[][]) => ({ inline_keyboard: rows });

test("an inline keyboard is stored on the message, normalized as Telegram shows it", async () => {
  const sb = ctx.sb;
  const post = await ok(sb, "sendMessage", {
    chat_id: sb.channelId,
    text: "card",
    reply_markup: keyboard(
      [{ text: "Take", callback_data: "take:7" }, { text: "Close", callback_data: "close:7", style: "Danger" }],
      [{ text: "Open chat", url: "https://t.me/c/1000000001/7" }, { text: "Site", url: "Example.COM" }, { text: "", callback_data: "skipped" }],
    ),
  });
  const expected = keyboard(
    [{ text: "Take", callback_data: "take:7" }, { text: "Close", style: "danger", callback_data: "close:7" }],
    [{ text: "Open chat", url: "https://t.me/c/1000000001/7" }, { text: "Site", url: "http://example.com/" }],
  );
  assert.deepEqual(post.reply_markup, expected);
  assert.deepEqual(sb.message(sb.channelId, post.message_id)!.reply_markup, expected);
  const viaControl = await (await fetch(`${sb.apiRoot}/sandbox/chats/${sb.channelId}/messages/${post.message_id}`)).json();
  assert.deepEqual(viaControl.reply_markup, expected, "the demo sees the buttons");
});

test("bad buttons get Telegram's errors", async () => {
  const sb = ctx.sb;
  const send = async (reply_markup: unknown) => (await fails(sb, "sendMessage", { chat_id: sb.groupId, text: "x", reply_markup })).description;
  assert.equal(await send(keyboard([{ text: "long", callback_data: "x".repeat(65) }])), "Bad Request: BUTTON_DATA_INVALID");
  assert.equal(await send(keyboard([{ callback_data: "a" }])), `Bad Request: can't parse inline keyboard button: Can't find field "text"`);
  assert.equal(await send(keyboard([{ text: "plain" }])), "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  assert.equal(await send(keyboard(["Take"])), "Bad Request: can't parse inline keyboard button: InlineKeyboardButton must be an Object");
  assert.equal(await send({ inline_keyboard: {} }), `Bad Request: field "inline_keyboard" must be of type Array`);
  assert.equal(await send({ inline_keyboard: [{ text: "a", callback_data: "a" }] }), `Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays`);
  assert.equal(await send(keyboard([{ text: "a", url: "http://localhost/x" }])), "Bad Request: inline keyboard button URL 'http://localhost/x' is invalid: Wrong HTTP URL");
  assert.equal(await send(keyboard([{ text: "a", url: "ftp://example.com" }])), "Bad Request: inline keyboard button URL 'ftp://example.com' is invalid: Unsupported URL protocol");
  assert.equal(await send("[not json"), "Bad Request: can't parse reply keyboard markup JSON object");
  // 64 bytes is the limit, counted in UTF-8.
  const sent = await ok(sb, "sendMessage", { chat_id: sb.groupId, text: "x", reply_markup: keyboard([{ text: "é", callback_data: "é".repeat(32) }]) });
  assert.equal(sent.reply_markup.inline_keyboard[0][0].callback_data, "é".repeat(32));
  assert.equal(await send(keyboard([{ text: "é", callback_data: "é".repeat(32) + "x" }])), "Bad Request: BUTTON_DATA_INVALID");
});

test("a row keeps at most 12 buttons; a reply keyboard is accepted but not shown", async () => {
  const sb = ctx.sb;
  const row = Array.from({ length: 13 }, (_, i) => ({ text: String(i), callback_data: String(i) }));
  const m = await ok(sb, "sendMessage", { chat_id: sb.groupId, text: "x", reply_markup: keyboard(row) });
  assert.equal(m.reply_markup.inline_keyboard[0].length, 12);
  const ana = customer(sb);
  const r = await ok(sb, "sendMessage", { chat_id: ana.id, text: "x", reply_markup: { keyboard: [[{ text: "Yes" }]] } });
  assert.equal(r.reply_markup, undefined);
});

test("copyMessage, editMessageText and editMessageReplyMarkup take reply_markup", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const kb = keyboard([{ text: "Take", callback_data: "take" }]);
  const copy = await ok(sb, "copyMessage", { chat_id: sb.channelId, from_chat_id: ana.id, message_id: ana.firstMessageId, reply_markup: kb });
  assert.deepEqual(sb.message(sb.channelId, copy.message_id)!.reply_markup, kb);
  const post = await ok(sb, "sendMessage", { chat_id: sb.channelId, text: "card" });
  const release = keyboard([{ text: "Release", callback_data: "release" }]);
  const edited = await ok(sb, "editMessageText", { chat_id: sb.channelId, message_id: post.message_id, text: "card (taken)", reply_markup: release });
  assert.deepEqual(edited.reply_markup, release);
  const same = await fails(sb, "editMessageReplyMarkup", { chat_id: sb.channelId, message_id: post.message_id, reply_markup: release });
  assert.match(same.description, /^Bad Request: message is not modified/);
  assert.equal(
    (await fails(sb, "editMessageReplyMarkup", { chat_id: sb.channelId, message_id: post.message_id, reply_markup: { keyboard: [["a"]] } })).description,
    "Bad Request: inline keyboard expected",
  );
  assert.equal(
    (await fails(sb, "editMessageReplyMarkup", { chat_id: sb.channelId, message_id: post.message_id, reply_markup: keyboard([{ text: "x", callback_data: "y".repeat(65) }]) })).description,
    "Bad Request: BUTTON_DATA_INVALID",
  );
  const cleared = await ok(sb, "editMessageReplyMarkup", { chat_id: sb.channelId, message_id: post.message_id });
  assert.equal(cleared.reply_markup, undefined);
});
