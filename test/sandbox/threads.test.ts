import assert from "node:assert/strict";
import { test } from "node:test";
import { startSandbox } from "../../src/sandbox/index.ts";
import { card, customer, drain, ok, useSandbox } from "./helpers.ts";

const ctx = useSandbox();

test("a channel post is automatically forwarded into the group, as Telegram shapes it", async () => {
  const sb = ctx.sb;
  const { postId, rootId } = await card(sb, "Ana Souza — open");
  const post = sb.message(sb.channelId, postId)!;
  const root = sb.message(sb.groupId, rootId) as any;
  const channel = { id: sb.channelId, title: "Support cards", type: "channel" };
  assert.equal(root.is_automatic_forward, true);
  assert.deepEqual(root.from, { id: 777000, is_bot: false, first_name: "Telegram" });
  assert.deepEqual(root.sender_chat, channel);
  assert.deepEqual(root.forward_origin, { type: "channel", chat: channel, message_id: postId, date: post.date });
  assert.deepEqual(root.forward_from_chat, channel);
  assert.equal(root.forward_from_message_id, postId);
  assert.equal(root.forward_date, post.date);
  assert.equal(root.text, "Ana Souza — open");
  assert.equal(root.message_thread_id, undefined);
  // The bot gets a message update for it.
  const update = sb.pendingUpdates().find((u) => u.message?.message_id === rootId && u.message.chat.id === sb.groupId);
  assert.ok(update, "message update for the automatic forward");
});

test("the automatic forward arrives after autoForwardDelayMs", async () => {
  const sb = ctx.sb;
  sb.setAutoForwardDelay(150);
  const started = performance.now();
  const post = sb.postInChannel({ text: "delayed" });
  assert.equal(sb.rootFor(post.message_id), undefined, "not there right after the post");
  await sb.waitFor((s) => s.rootFor(post.message_id), 3000);
  assert.ok(performance.now() - started >= 140);
});

test("automatic forwards keep the posts' order", async () => {
  const sb = ctx.sb;
  sb.setAutoForwardDelay(30);
  const posts: number[] = [];
  for (const text of ["one", "two", "three"]) posts.push((await ok(sb, "sendMessage", { chat_id: sb.channelId, text })).message_id);
  sb.setAutoForwardDelay(0);
  posts.push(sb.postInChannel({ text: "four" }).message_id);
  await sb.waitFor((s) => s.rootFor(posts[3]!), 3000);
  const roots = posts.map((p) => sb.rootFor(p)!);
  assert.deepEqual([...roots].sort((a, b) => a - b), roots, "FIFO: group ids follow the post order");
  const texts = sb.pendingUpdates().filter((u) => u.message?.is_automatic_forward).map((u) => u.message!.text);
  assert.deepEqual(texts, ["one", "two", "three", "four"]);
});

test("even with no delay the forward is asynchronous", async () => {
  const sb = ctx.sb;
  const post = sb.postInChannel({ text: "async" });
  assert.equal(sb.rootFor(post.message_id), undefined);
  assert.ok(await sb.waitFor((s) => s.rootFor(post.message_id)));
});

test("an admin's channel post gives the bot a channel_post, then the forward a message", async () => {
  const sb = ctx.sb;
  const post = sb.postInChannel({ text: "from a human admin" });
  const root = await sb.waitFor((s) => s.rootFor(post.message_id));
  const kinds = sb.pendingUpdates().map((u) => Object.keys(u)[1]);
  assert.deepEqual(kinds, ["channel_post", "message"]);
  assert.equal(sb.pendingUpdates()[1]!.message!.message_id, root);
});

test("replies to the root or to any message under it join the thread; others do not", async () => {
  const sb = ctx.sb;
  const { rootId } = await card(sb);
  const staff = sb.addUser({ first_name: "Staff" });
  const c1 = sb.comment(staff.id, rootId, { text: "first comment" });
  const c2 = sb.comment(staff.id, c1.message_id, { text: "reply to the comment" });
  const general = sb.postInGroup(staff.id, { text: "general chat" });
  assert.equal(c1.message_thread_id, rootId);
  assert.equal(c2.message_thread_id, rootId);
  assert.equal(general.message_thread_id, undefined);
  assert.equal(c2.reply_to_message!.message_id, c1.message_id);
  assert.equal(c2.reply_to_message!.reply_to_message, undefined, "no nested reply");
  assert.deepEqual(
    sb.thread(rootId).map((m) => m.message_id),
    [rootId, c1.message_id, c2.message_id],
  );
});

test("the bot's replies in the group land in the thread; message_thread_id alone is ignored", async () => {
  const sb = ctx.sb;
  const { rootId } = await card(sb);
  const inThread = await ok(sb, "sendMessage", { chat_id: sb.groupId, text: "copy", reply_parameters: { message_id: rootId } });
  assert.equal(inThread.message_thread_id, rootId);
  assert.equal(inThread.reply_to_message.message_id, rootId);
  const ignored = await ok(sb, "sendMessage", { chat_id: sb.groupId, text: "not in thread", message_thread_id: rootId });
  assert.equal(ignored.message_thread_id, undefined);
  assert.equal(sb.thread(rootId).some((m) => m.message_id === ignored.message_id), false);
  // Replying to a thread message (not the root) also lands in the thread.
  const deeper = await ok(sb, "sendMessage", { chat_id: sb.groupId, text: "deeper", reply_parameters: { message_id: inThread.message_id } });
  assert.equal(deeper.message_thread_id, rootId);
});

test("a comment posted as the channel: sender_chat is the channel, from is Channel_Bot", async () => {
  const sb = ctx.sb;
  const { rootId } = await card(sb);
  const c = sb.comment("channel", rootId, { text: "anonymous staff" }) as any;
  assert.deepEqual(c.from, { id: 136817688, is_bot: true, first_name: "Channel", username: "Channel_Bot" });
  assert.deepEqual(c.sender_chat, { id: sb.channelId, title: "Support cards", type: "channel" });
  assert.equal(c.message_thread_id, rootId);
  const anon = sb.postInGroup("anonymous_admin", { text: "anon admin" }) as any;
  assert.equal(anon.from.id, 1087968824);
  assert.equal(anon.sender_chat.id, sb.groupId);
});

test("editing a channel post edits its discussion copy, and the bot gets edited_message for the copy", async () => {
  const sb = ctx.sb;
  const { postId, rootId } = await card(sb, "status: open");
  await drain(sb);
  const edited = await ok(sb, "editMessageText", { chat_id: sb.channelId, message_id: postId, text: "status: closed" });
  assert.equal(edited.text, "status: closed");
  assert.equal(typeof edited.edit_date, "number");
  assert.equal(sb.message(sb.groupId, rootId)!.text, "status: closed");
  const updates = sb.pendingUpdates();
  assert.deepEqual(updates.map((u) => Object.keys(u)[1]), ["edited_message"], "no update for the bot's own edit, one for the copy");
  assert.equal(updates[0]!.edited_message!.message_id, rootId);
  // An admin's edit of a post also reaches the bot as edited_channel_post.
  sb.editInChat(sb.channelId, "channel", postId, { text: "status: reopened" });
  assert.deepEqual(sb.pendingUpdates().slice(1).map((u) => Object.keys(u)[1]), ["edited_channel_post", "edited_message"]);
});

test("deleting a channel post keeps its copy (and the thread)", async () => {
  const sb = ctx.sb;
  const { postId, rootId } = await card(sb);
  await ok(sb, "deleteMessage", { chat_id: sb.channelId, message_id: postId });
  assert.equal(sb.message(sb.channelId, postId), undefined);
  assert.ok(sb.message(sb.groupId, rootId));
  // No update is sent for deletions.
  sb.deleteAs(sb.groupId, rootId);
  assert.equal(sb.pendingUpdates().some((u) => JSON.stringify(u).includes("delete")), false);
});

test("people's messages in the group reach the bot; with privacy mode and no admin rights only commands and replies do", async () => {
  const sb = await startSandbox({ pollGuards: false, botRights: { group: null } });
  try {
    const staff = sb.addUser({ first_name: "Staff" });
    sb.postInGroup(staff.id, { text: "chit-chat" });
    sb.postInGroup(staff.id, { text: "/help" });
    const mine = await ok(sb, "sendMessage", { chat_id: sb.groupId, text: "bot says" });
    sb.postInGroup(staff.id, { text: "answering the bot" }, { replyTo: mine.message_id });
    assert.deepEqual(sb.pendingUpdates().map((u) => u.message!.text), ["/help", "answering the bot"]);
  } finally {
    await sb.close();
  }
});

test("an album posted in the channel is forwarded as an album", async () => {
  const sb = ctx.sb;
  const photos = [sb.postInChannel({ photo: "a.jpg" }), sb.postInChannel({ photo: "b.jpg" })];
  const customerFiles = photos.map((p) => p.photo!.at(-1)!.file_id);
  const sent = await ok(sb, "sendMediaGroup", {
    chat_id: sb.channelId,
    media: customerFiles.map((id) => ({ type: "photo", media: id })),
  });
  const roots = await sb.waitFor((s) => {
    const r = sent.map((m: any) => s.rootFor(m.message_id));
    return r.every((x: number | undefined) => x !== undefined) ? (r as number[]) : undefined;
  });
  const groupIds = roots.map((id) => sb.message(sb.groupId, id)!.media_group_id);
  assert.ok(groupIds[0]);
  assert.equal(groupIds[0], groupIds[1]);
  assert.notEqual(groupIds[0], sent[0].media_group_id);
});

test("customer messages: /start, edits and albums give the bot message, edited_message and one update per album item", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  sb.editPrivate(ana.id, ana.firstMessageId, { text: "/start again" });
  const album = sb.sendAlbum(ana.id, [{ photo: "1.jpg", caption: "two photos" }, { photo: "2.jpg" }]);
  assert.equal(album[0]!.media_group_id, album[1]!.media_group_id);
  const kinds = sb.pendingUpdates().map((u) => Object.keys(u)[1]);
  assert.deepEqual(kinds, ["message", "edited_message", "message", "message"]);
  const edited = sb.pendingUpdates()[1]!.edited_message!;
  assert.equal(edited.text, "/start again");
  assert.equal(typeof edited.edit_date, "number");
});

test("a customer editing a caption keeps the photo (same sample name or file id)", () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const m = sb.sendPrivate(ana.id, { photo: "receipt.jpg", caption: "old" });
  const byName = sb.editPrivate(ana.id, m.message_id, { photo: "receipt.jpg", caption: "new" });
  assert.deepEqual(byName.photo, m.photo);
  assert.equal(byName.caption, "new");
  const other = sb.editPrivate(ana.id, m.message_id, { photo: "another.jpg" });
  assert.notDeepEqual(other.photo, m.photo);
});
