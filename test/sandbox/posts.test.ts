// The channel's posts as the team sees them: pins (the app's pinned bar shows the latest), and a
// deleted post whose discussion copy and thread stay (no source settles this; modelled so).
import assert from "node:assert/strict";
import { test } from "node:test";
import { card, customer, drain, fails, ok, useSandbox } from "./helpers.ts";

const ctx = useSandbox();

test("pinning posts in the channel: the latest pin is the pinned message, unpinning goes back", async () => {
  const sb = ctx.sb;
  const a = await card(sb, "card A");
  const b = await card(sb, "card B");
  assert.equal(sb.pinnedMessage(sb.channelId), undefined);
  await ok(sb, "pinChatMessage", { chat_id: sb.channelId, message_id: a.postId, disable_notification: true });
  await ok(sb, "pinChatMessage", { chat_id: sb.channelId, message_id: b.postId, disable_notification: true });
  assert.equal(sb.pinnedMessage(sb.channelId)!.text, "card B");
  assert.equal((await ok(sb, "getChat", { chat_id: sb.channelId })).pinned_message.message_id, b.postId);
  const viaControl = await (await fetch(`${sb.apiRoot}/sandbox/chats/${sb.channelId}/pinnedMessage`)).json();
  assert.equal(viaControl.message_id, b.postId, "the control API shows the latest pin");
  // Without message_id, unpinChatMessage unpins the most recent pin.
  await ok(sb, "unpinChatMessage", { chat_id: sb.channelId });
  assert.equal(sb.pinnedMessage(sb.channelId)!.message_id, a.postId);
  await ok(sb, "pinChatMessage", { chat_id: sb.channelId, message_id: b.postId });
  await ok(sb, "unpinChatMessage", { chat_id: sb.channelId, message_id: a.postId });
  assert.deepEqual(sb.pinned(sb.channelId), [b.postId]);
  await ok(sb, "unpinAllChatMessages", { chat_id: sb.channelId });
  assert.equal(sb.pinnedMessage(sb.channelId), undefined);
  assert.equal(await (await fetch(`${sb.apiRoot}/sandbox/chats/${sb.channelId}/pinnedMessage`)).json(), null);
  // Deleting a pinned post unpins it.
  await ok(sb, "pinChatMessage", { chat_id: sb.channelId, message_id: a.postId });
  await ok(sb, "deleteMessage", { chat_id: sb.channelId, message_id: a.postId });
  assert.equal(sb.pinnedMessage(sb.channelId), undefined);
});

test("the bot gets the service message of its own pin in the group and in a private chat", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const g = await ok(sb, "sendMessage", { chat_id: sb.groupId, text: "rules" });
  const p = await ok(sb, "sendMessage", { chat_id: ana.id, text: "your ticket" });
  await drain(sb);
  await ok(sb, "pinChatMessage", { chat_id: sb.groupId, message_id: g.message_id });
  await ok(sb, "pinChatMessage", { chat_id: ana.id, message_id: p.message_id });
  const pins = sb.pendingUpdates().map((u) => [u.message!.chat.id, u.message!.from!.id, u.message!.pinned_message!.message_id]);
  assert.deepEqual(pins, [
    [sb.groupId, sb.bot.id, g.message_id],
    [ana.id, sb.bot.id, p.message_id],
  ]);
});

test("a post the bot deletes keeps its discussion copy and thread; editing it is 'message to edit not found'", async () => {
  const sb = ctx.sb;
  const staff = sb.addUser({ first_name: "Staff" });
  const { postId, rootId } = await card(sb, "card");
  const comment = sb.comment(staff.id, rootId, { text: "on it" });
  assert.equal(await ok(sb, "deleteMessage", { chat_id: sb.channelId, message_id: postId }), true);
  assert.equal(sb.message(sb.channelId, postId), undefined);
  assert.equal(sb.rootFor(postId), rootId);
  assert.deepEqual(sb.thread(rootId).map((m) => m.message_id), [rootId, comment.message_id]);
  assert.deepEqual(await fails(sb, "editMessageText", { chat_id: sb.channelId, message_id: postId, text: "edited" }), {
    code: 400,
    description: "Bad Request: message to edit not found",
  });
  // The thread still works: the bot replies in it, staff comment in it.
  const reply = await ok(sb, "sendMessage", { chat_id: sb.groupId, text: "still here", reply_parameters: { message_id: rootId } });
  assert.equal(reply.message_thread_id, rootId);
  assert.equal(sb.comment(staff.id, reply.message_id, { text: "ok" }).message_thread_id, rootId);
});

test("staff deleting the post (POST /sandbox/deleteAs) keeps the copy and thread too", async () => {
  const sb = ctx.sb;
  const { postId, rootId } = await card(sb, "card");
  const res = await fetch(`${sb.apiRoot}/sandbox/deleteAs`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ chatId: sb.channelId, messageId: postId }) });
  assert.equal(res.status, 200);
  assert.equal(sb.message(sb.channelId, postId), undefined);
  assert.equal(sb.message(sb.groupId, rootId)!.forward_origin!.type, "channel");
  assert.equal((await fails(sb, "editMessageReplyMarkup", { chat_id: sb.channelId, message_id: postId })).description, "Bad Request: message to edit not found");
  assert.equal((await fails(sb, "deleteMessage", { chat_id: sb.channelId, message_id: postId })).description, "Bad Request: message to delete not found");
});
