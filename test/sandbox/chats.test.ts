import assert from "node:assert/strict";
import { test } from "node:test";
import { startSandbox } from "../../src/sandbox/index.ts";
import { customer, drain, fails, ok, useSandbox } from "./helpers.ts";

const ctx = useSandbox();

test("getChat: the channel and the group name each other in linked_chat_id", async () => {
  const sb = ctx.sb;
  const channel = await ok(sb, "getChat", { chat_id: sb.channelId });
  const group = await ok(sb, "getChat", { chat_id: sb.groupId });
  assert.deepEqual([channel.id, channel.type, channel.title, channel.linked_chat_id], [sb.channelId, "channel", "Support cards", sb.groupId]);
  assert.deepEqual([group.id, group.type, group.title, group.linked_chat_id], [sb.groupId, "supergroup", "Support cards chat", sb.channelId]);
  const ana = customer(sb);
  const priv = await ok(sb, "getChat", { chat_id: ana.id });
  assert.deepEqual([priv.type, priv.first_name, priv.username], ["private", "Ana", "ana"]);
  assert.equal((await fails(sb, "getChat", { chat_id: -100123 })).description, "Bad Request: chat not found");
});

test("getChat by @username, and an unlinked group has no linked_chat_id", async () => {
  const sb = await startSandbox({ pollGuards: false, channel: { username: "acme_support" }, group: { linked: false } });
  try {
    const channel = await ok(sb, "getChat", { chat_id: "@acme_support" });
    assert.equal(channel.id, sb.channelId);
    assert.equal(channel.username, "acme_support");
    assert.equal(channel.linked_chat_id, undefined);
  } finally {
    await sb.close();
  }
});

test("getChatMember: creator, the bot as administrator with Bot API 10 rights, members and strangers", async () => {
  const sb = ctx.sb;
  const owner = await ok(sb, "getChatMember", { chat_id: sb.groupId, user_id: sb.creator.id });
  assert.equal(owner.status, "creator");
  const botInChannel = await ok(sb, "getChatMember", { chat_id: sb.channelId, user_id: sb.bot.id });
  assert.equal(botInChannel.status, "administrator");
  assert.equal(botInChannel.can_post_messages, true);
  assert.equal(botInChannel.can_edit_messages, true);
  assert.equal(botInChannel.can_pin_messages, undefined, "a channel admin has no can_pin_messages");
  const botInGroup = await ok(sb, "getChatMember", { chat_id: sb.groupId, user_id: sb.bot.id });
  assert.equal(botInGroup.can_pin_messages, true);
  const stranger = sb.addUser({ first_name: "Zé" });
  assert.equal((await ok(sb, "getChatMember", { chat_id: sb.groupId, user_id: stranger.id })).status, "left");
  sb.setBotRights("group", null);
  assert.equal((await ok(sb, "getChatMember", { chat_id: sb.groupId, user_id: sb.bot.id })).status, "member");
  assert.equal((await fails(sb, "getChatMember", { chat_id: sb.groupId, user_id: 0 })).description, "Bad Request: invalid user_id specified");
});

test("getChatAdministrators lists the bot itself but omits other bots", async () => {
  const sb = ctx.sb;
  const staff = sb.addUser({ first_name: "Staff" });
  const otherBot = sb.addUser({ first_name: "Other", username: "other_bot", is_bot: true });
  sb.makeAdmin("channel", staff.id);
  sb.makeAdmin("channel", otherBot.id);
  const admins = await ok(sb, "getChatAdministrators", { chat_id: sb.channelId });
  assert.deepEqual(admins.map((a: any) => [a.user.id, a.status]), [
    [sb.creator.id, "creator"],
    [staff.id, "administrator"],
    [sb.bot.id, "administrator"],
  ]);
});

test("getChatMemberCount counts the creator, the bot and other members", async () => {
  const sb = await startSandbox({ pollGuards: false, groupExtraMembers: 3 });
  try {
    assert.equal(await ok(sb, "getChatMemberCount", { chat_id: sb.groupId }), 5);
    assert.equal(await ok(sb, "getChatMemberCount", { chat_id: sb.channelId }), 2);
  } finally {
    await sb.close();
  }
});

test("pinning in the channel creates a pinned_message service post, which the bot gets as a channel_post", async () => {
  const sb = ctx.sb;
  const post = await ok(sb, "sendMessage", { chat_id: sb.channelId, text: "open conversation" });
  await sb.waitFor((s) => s.rootFor(post.message_id));
  await drain(sb);
  assert.equal(await ok(sb, "pinChatMessage", { chat_id: sb.channelId, message_id: post.message_id, disable_notification: true }), true);
  assert.deepEqual(sb.pinned(sb.channelId), [post.message_id]);
  const service = sb.messages(sb.channelId).at(-1)!;
  assert.equal(service.pinned_message!.message_id, post.message_id);
  assert.equal(service.sender_chat!.id, sb.channelId);
  const updates = sb.pendingUpdates();
  assert.equal(updates.length, 1);
  assert.equal(updates[0]!.channel_post!.pinned_message!.message_id, post.message_id);
  assert.equal((await ok(sb, "getChat", { chat_id: sb.channelId })).pinned_message.message_id, post.message_id);
  assert.equal(await ok(sb, "unpinChatMessage", { chat_id: sb.channelId, message_id: post.message_id }), true);
  assert.deepEqual(sb.pinned(sb.channelId), []);
});

test("pin rights: can_pin_messages in the group, can_edit_messages in the channel", async () => {
  const sb = ctx.sb;
  const g = await ok(sb, "sendMessage", { chat_id: sb.groupId, text: "g" });
  const c = await ok(sb, "sendMessage", { chat_id: sb.channelId, text: "c" });
  sb.setBotRights("group", { can_pin_messages: false });
  sb.setBotRights("channel", { can_edit_messages: false });
  const noRights = { code: 400, description: "Bad Request: not enough rights to manage pinned messages in the chat" };
  assert.deepEqual(await fails(sb, "pinChatMessage", { chat_id: sb.groupId, message_id: g.message_id }), noRights);
  assert.deepEqual(await fails(sb, "pinChatMessage", { chat_id: sb.channelId, message_id: c.message_id }), noRights);
  assert.equal((await fails(sb, "pinChatMessage", { chat_id: sb.groupId, message_id: 999 })).description, "Bad Request: message to pin not found");
  sb.setBotRights("group", {});
  assert.equal(await ok(sb, "pinChatMessage", { chat_id: sb.groupId, message_id: g.message_id }), true);
});

test("banChatMember / unbanChatMember", async () => {
  const sb = ctx.sb;
  const troll = sb.addUser({ first_name: "Troll" });
  assert.equal(await ok(sb, "banChatMember", { chat_id: sb.groupId, user_id: troll.id }), true);
  assert.equal((await ok(sb, "getChatMember", { chat_id: sb.groupId, user_id: troll.id })).status, "kicked");
  assert.equal(await ok(sb, "unbanChatMember", { chat_id: sb.groupId, user_id: troll.id, only_if_banned: true }), true);
  assert.equal((await ok(sb, "getChatMember", { chat_id: sb.groupId, user_id: troll.id })).status, "left");
  assert.equal((await fails(sb, "banChatMember", { chat_id: sb.groupId, user_id: sb.creator.id })).description, "Bad Request: can't remove chat owner");
  sb.setBotRights("group", { can_restrict_members: false });
  assert.equal((await fails(sb, "banChatMember", { chat_id: sb.groupId, user_id: troll.id })).description, "Bad Request: not enough rights to restrict/unrestrict chat member");
});

test("setMyCommands / getMyCommands per scope and language", async () => {
  const sb = ctx.sb;
  const staffCommands = [{ command: "close", description: "Close the conversation" }];
  assert.equal(await ok(sb, "setMyCommands", { commands: staffCommands, scope: { type: "chat", chat_id: sb.groupId } }), true);
  assert.equal(await ok(sb, "setMyCommands", { commands: [{ command: "start", description: "Começar" }], language_code: "pt" }), true);
  assert.deepEqual(await ok(sb, "getMyCommands", { scope: { type: "chat", chat_id: sb.groupId } }), staffCommands);
  assert.deepEqual(await ok(sb, "getMyCommands", {}), []);
  assert.deepEqual((await ok(sb, "getMyCommands", { language_code: "pt" }))[0].command, "start");
  assert.equal((await fails(sb, "setMyCommands", { commands: [{ command: "Bad Command", description: "x" }] })).description, "Bad Request: BOT_COMMAND_INVALID");
});
