import assert from "node:assert/strict";
import { test } from "node:test";
import { card, customer, fails, ok, useSandbox } from "./helpers.ts";

const ctx = useSandbox();
const HOUR = 3600_000;

test("editMessageText changes the bot's message and returns it with edit_date", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const m = await ok(sb, "sendMessage", { chat_id: ana.id, text: "v1" });
  const edited = await ok(sb, "editMessageText", { chat_id: ana.id, message_id: m.message_id, text: "<b>v2</b>", parse_mode: "HTML" });
  assert.equal(edited.text, "v2");
  assert.deepEqual(edited.entities, [{ offset: 0, length: 2, type: "bold" }]);
  assert.equal(typeof edited.edit_date, "number");
  assert.equal(sb.message(ana.id, m.message_id)!.text, "v2");
});

test("only the bot's own messages can be edited", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  assert.deepEqual(await fails(sb, "editMessageText", { chat_id: ana.id, message_id: ana.firstMessageId, text: "hacked" }), {
    code: 400,
    description: "Bad Request: message can't be edited",
  });
  const { rootId } = await card(sb);
  assert.equal((await fails(sb, "editMessageText", { chat_id: sb.groupId, message_id: rootId, text: "x" })).description, "Bad Request: message can't be edited");
});

test("in private chats and groups the bot may edit for 48 hours; channel posts always", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const m = await ok(sb, "sendMessage", { chat_id: ana.id, text: "old" });
  const g = await ok(sb, "sendMessage", { chat_id: sb.groupId, text: "old" });
  const { postId } = await card(sb, "old card");
  sb.advanceClock(47 * HOUR);
  assert.equal((await ok(sb, "editMessageText", { chat_id: ana.id, message_id: m.message_id, text: "47h" })).text, "47h");
  sb.advanceClock(2 * HOUR);
  assert.equal((await fails(sb, "editMessageText", { chat_id: ana.id, message_id: m.message_id, text: "49h" })).description, "Bad Request: message can't be edited");
  assert.equal((await fails(sb, "editMessageText", { chat_id: sb.groupId, message_id: g.message_id, text: "49h" })).description, "Bad Request: message can't be edited");
  sb.advanceClock(1000 * HOUR);
  assert.equal((await ok(sb, "editMessageText", { chat_id: sb.channelId, message_id: postId, text: "months later" })).text, "months later");
});

test("editing others' channel posts needs can_edit_messages", async () => {
  const sb = ctx.sb;
  const post = sb.postInChannel({ text: "by a human" });
  assert.equal((await ok(sb, "editMessageText", { chat_id: sb.channelId, message_id: post.message_id, text: "by the bot" })).text, "by the bot");
  sb.setBotRights("channel", { can_edit_messages: false });
  assert.equal((await fails(sb, "editMessageText", { chat_id: sb.channelId, message_id: post.message_id, text: "again" })).description, "Bad Request: message can't be edited");
  const own = await ok(sb, "sendMessage", { chat_id: sb.channelId, text: "bot card" });
  assert.equal((await ok(sb, "editMessageText", { chat_id: sb.channelId, message_id: own.message_id, text: "own post" })).text, "own post");
});

test("the same content and markup again: message is not modified", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const keyboard = { inline_keyboard: [[{ text: "ok", callback_data: "ok" }]] };
  const m = await ok(sb, "sendMessage", { chat_id: ana.id, text: "same", reply_markup: keyboard });
  assert.deepEqual(m.reply_markup, keyboard);
  assert.deepEqual(await fails(sb, "editMessageText", { chat_id: ana.id, message_id: m.message_id, text: "same", reply_markup: keyboard }), {
    code: 400,
    description:
      "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
  });
  // Without reply_markup the keyboard goes away, so that is a change.
  const bare = await ok(sb, "editMessageText", { chat_id: ana.id, message_id: m.message_id, text: "same" });
  assert.equal(bare.reply_markup, undefined);
  assert.match((await fails(sb, "editMessageReplyMarkup", { chat_id: ana.id, message_id: m.message_id })).description, /message is not modified/);
  assert.deepEqual((await ok(sb, "editMessageReplyMarkup", { chat_id: ana.id, message_id: m.message_id, reply_markup: keyboard })).reply_markup, keyboard);
});

test("editMessageText on a media message: there is no text in the message to edit", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const photo = sb.sendPrivate(ana.id, { photo: "x.jpg" }).photo!.at(-1)!.file_id;
  const m = await ok(sb, "sendPhoto", { chat_id: ana.id, photo, caption: "c" });
  assert.equal((await fails(sb, "editMessageText", { chat_id: ana.id, message_id: m.message_id, text: "t" })).description, "Bad Request: there is no text in the message to edit");
  const text = await ok(sb, "sendMessage", { chat_id: ana.id, text: "plain" });
  assert.equal((await fails(sb, "editMessageCaption", { chat_id: ana.id, message_id: text.message_id, caption: "c" })).description, "Bad Request: there is no caption in the message to edit");
  assert.equal((await fails(sb, "editMessageMedia", { chat_id: ana.id, message_id: text.message_id, media: { type: "photo", media: photo } })).description, "Bad Request: there is no media in the message to edit");
});

test("editMessageCaption and editMessageMedia", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const photo = sb.sendPrivate(ana.id, { photo: "x.jpg" }).photo!.at(-1)!.file_id;
  const doc = sb.sendPrivate(ana.id, { document: "y.pdf" }).document!.file_id;
  const m = await ok(sb, "sendPhoto", { chat_id: ana.id, photo, caption: "before" });
  assert.equal((await ok(sb, "editMessageCaption", { chat_id: ana.id, message_id: m.message_id, caption: "after" })).caption, "after");
  assert.equal((await fails(sb, "editMessageCaption", { chat_id: ana.id, message_id: m.message_id, caption: "x".repeat(1025) })).description, "Bad Request: message caption is too long");
  const removed = await ok(sb, "editMessageCaption", { chat_id: ana.id, message_id: m.message_id });
  assert.equal(removed.caption, undefined);
  const swapped = await ok(sb, "editMessageMedia", { chat_id: ana.id, message_id: m.message_id, media: { type: "document", media: doc, caption: "now a pdf" } });
  assert.equal(swapped.photo, undefined);
  assert.equal(swapped.document.file_id, doc);
  assert.equal(swapped.caption, "now a pdf");
  assert.equal((await fails(sb, "editMessageMedia", { chat_id: ana.id, message_id: m.message_id, media: { type: "photo", media: doc } })).description, "Bad Request: can't use file of type Document as Photo");
});

test("editing a message that does not exist: message to edit not found", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  assert.equal((await fails(sb, "editMessageText", { chat_id: ana.id, message_id: 404, text: "x" })).description, "Bad Request: message to edit not found");
  const m = await ok(sb, "sendMessage", { chat_id: ana.id, text: "soon gone" });
  sb.deleteAs(ana.id, m.message_id);
  assert.equal((await fails(sb, "editMessageText", { chat_id: ana.id, message_id: m.message_id, text: "x" })).description, "Bad Request: message to edit not found");
});

test("deleteMessage: own messages, incoming private ones, any group message with can_delete_messages", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  assert.equal(await ok(sb, "deleteMessage", { chat_id: ana.id, message_id: ana.firstMessageId }), true);
  assert.equal(sb.message(ana.id, ana.firstMessageId), undefined);
  assert.equal((await fails(sb, "deleteMessage", { chat_id: ana.id, message_id: ana.firstMessageId })).description, "Bad Request: message to delete not found");
  const staff = sb.addUser({ first_name: "S" });
  const g = sb.postInGroup(staff.id, { text: "spam" });
  sb.setBotRights("group", { can_delete_messages: false });
  assert.equal((await fails(sb, "deleteMessage", { chat_id: sb.groupId, message_id: g.message_id })).description, "Bad Request: message can't be deleted");
  sb.setBotRights("group", {});
  assert.equal(await ok(sb, "deleteMessage", { chat_id: sb.groupId, message_id: g.message_id }), true);
});
