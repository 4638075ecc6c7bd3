// People joining and leaving the discussion group, chat_member updates (Bot API docs: only to an
// administrator bot that lists "chat_member" in allowed_updates), banning (td
// DialogParticipantManager: owner check first, then can_restrict_members).
import assert from "node:assert/strict";
import { test } from "node:test";
import { startSandbox } from "../../src/sandbox/index.ts";
import { drain, fails, ok, useSandbox } from "./helpers.ts";

const ctx = useSandbox();

const member = (u: { id: number; first_name: string }, status: string, extra: Record<string, unknown> = {}) => ({
  user: { id: u.id, is_bot: false, first_name: u.first_name },
  status,
  ...extra,
});

test("someone joins the group: new_chat_members for the bot, and chat_member only when asked for", async () => {
  const sb = ctx.sb;
  const zé = sb.addUser({ first_name: "Zé" });
  sb.joinGroup(zé.id);
  // chat_member is not in the default set of updates.
  assert.deepEqual(sb.pendingUpdates().map((u) => Object.keys(u)[1]), ["message"]);
  const service = sb.pendingUpdates()[0]!.message as any;
  assert.equal(service.chat.id, sb.groupId);
  assert.equal(service.from.id, zé.id);
  assert.deepEqual(service.new_chat_members, [{ id: zé.id, is_bot: false, first_name: "Zé" }]);
  assert.deepEqual(service.new_chat_member, service.new_chat_members[0]);
  assert.deepEqual(service.new_chat_participant, service.new_chat_members[0]);
  assert.equal(sb.memberStatus(sb.groupId, zé.id), "member");

  await drain(sb);
  await ok(sb, "getUpdates", { timeout: 0, allowed_updates: ["message", "chat_member"] });
  const bia = sb.addUser({ first_name: "Bia", language_code: "pt-br" });
  sb.joinGroup(bia.id, { addedBy: zé.id });
  const updates = sb.pendingUpdates();
  assert.equal(updates[0]!.message!.from!.id, zé.id, "added by Zé: the service message is from Zé");
  const change = updates.find((u) => u.chat_member)!.chat_member as any;
  assert.deepEqual(change.chat, { id: sb.groupId, title: "Support cards chat", type: "supergroup" });
  assert.equal(change.from.id, zé.id);
  assert.deepEqual(change.old_chat_member, member(bia, "left", { user: { id: bia.id, is_bot: false, first_name: "Bia", language_code: "pt-br" } }));
  assert.equal(change.new_chat_member.status, "member");
  assert.equal(change.new_chat_member.user.language_code, "pt-br");
  assert.equal((await ok(sb, "getChatMember", { chat_id: sb.groupId, user_id: bia.id })).status, "member");
});

test("a bot that is not an administrator gets no chat_member update, but still the service message", async () => {
  const sb = await startSandbox({ pollGuards: false, botRights: { group: null } });
  try {
    await ok(sb, "getUpdates", { timeout: 0, allowed_updates: ["message", "chat_member"] });
    const zé = sb.addUser({ first_name: "Zé" });
    sb.joinGroup(zé.id);
    assert.deepEqual(sb.pendingUpdates().map((u) => Object.keys(u)[1]), ["message"]);
  } finally {
    await sb.close();
  }
});

test("banChatMember removes a member: kicked, left_chat_member from the bot, then left after the unban", async () => {
  const sb = ctx.sb;
  await ok(sb, "getUpdates", { timeout: 0, allowed_updates: ["message", "chat_member"] });
  const zé = sb.addUser({ first_name: "Zé" });
  sb.joinGroup(zé.id);
  await drain(sb);
  assert.equal(await ok(sb, "banChatMember", { chat_id: sb.groupId, user_id: zé.id }), true);
  assert.equal((await ok(sb, "getChatMember", { chat_id: sb.groupId, user_id: zé.id })).status, "kicked");
  const [left, kicked] = sb.pendingUpdates();
  // The bot gets the service message of its own removal (Client.cpp does not skip it).
  assert.equal(left!.message!.from!.id, sb.bot.id);
  assert.deepEqual((left!.message as any).left_chat_member, { id: zé.id, is_bot: false, first_name: "Zé" });
  assert.deepEqual([kicked!.chat_member!.from.id, kicked!.chat_member!.old_chat_member.status, kicked!.chat_member!.new_chat_member], [
    sb.bot.id,
    "member",
    member(zé, "kicked", { until_date: 0 }),
  ]);
  assert.equal(await ok(sb, "getChatMemberCount", { chat_id: sb.groupId }), 2, "the creator and the bot");

  await drain(sb);
  assert.equal(await ok(sb, "unbanChatMember", { chat_id: sb.groupId, user_id: zé.id, only_if_banned: true }), true);
  assert.equal(sb.memberStatus(sb.groupId, zé.id), "left");
  const [unbanned] = sb.pendingUpdates();
  assert.deepEqual([unbanned!.chat_member!.old_chat_member.status, unbanned!.chat_member!.new_chat_member.status], ["kicked", "left"]);
  // Unbanned, they may come back.
  sb.joinGroup(zé.id);
  assert.equal(sb.memberStatus(sb.groupId, zé.id), "member");
});

test("a banned user cannot join until unbanned; only_if_banned leaves a member alone", async () => {
  const sb = ctx.sb;
  const zé = sb.addUser({ first_name: "Zé" });
  const bia = sb.addUser({ first_name: "Bia" });
  await ok(sb, "banChatMember", { chat_id: sb.groupId, user_id: zé.id });
  assert.throws(() => sb.joinGroup(zé.id), /banned/);
  sb.joinGroup(bia.id);
  await ok(sb, "unbanChatMember", { chat_id: sb.groupId, user_id: bia.id, only_if_banned: true });
  assert.equal(sb.memberStatus(sb.groupId, bia.id), "member");
  // Without only_if_banned, unbanning a member removes them.
  await ok(sb, "unbanChatMember", { chat_id: sb.groupId, user_id: bia.id });
  assert.equal(sb.memberStatus(sb.groupId, bia.id), "left");
});

test("the owner cannot be removed (checked before the bot's rights); without can_restrict_members nobody can", async () => {
  const sb = ctx.sb;
  const zé = sb.addUser({ first_name: "Zé" });
  sb.joinGroup(zé.id);
  sb.setBotRights("group", { can_restrict_members: false });
  assert.deepEqual(await fails(sb, "banChatMember", { chat_id: sb.groupId, user_id: sb.creator.id }), { code: 400, description: "Bad Request: can't remove chat owner" });
  assert.deepEqual(await fails(sb, "banChatMember", { chat_id: sb.groupId, user_id: zé.id }), {
    code: 400,
    description: "Bad Request: not enough rights to restrict/unrestrict chat member",
  });
  assert.equal((await fails(sb, "unbanChatMember", { chat_id: sb.groupId, user_id: zé.id })).description, "Bad Request: not enough rights to restrict/unrestrict chat member");
  // only_if_banned on someone not banned changes nothing, so it needs no rights.
  assert.equal(await ok(sb, "unbanChatMember", { chat_id: sb.groupId, user_id: zé.id, only_if_banned: true }), true);
  assert.equal(sb.memberStatus(sb.groupId, zé.id), "member");
  assert.equal((await fails(sb, "banChatMember", { chat_id: zé.id, user_id: zé.id })).description, "Bad Request: can't ban members in private chats");
});

test("promotions and leaving the group are chat_member updates too", async () => {
  const sb = ctx.sb;
  await ok(sb, "getUpdates", { timeout: 0, allowed_updates: ["message", "chat_member"] });
  const staff = sb.addUser({ first_name: "Staff" });
  sb.joinGroup(staff.id);
  await drain(sb);
  sb.makeAdmin("group", staff.id, { can_restrict_members: false });
  const [promotion] = sb.pendingUpdates();
  const p = promotion!.chat_member as any;
  assert.deepEqual([p.from.id, p.old_chat_member.status, p.new_chat_member.status, p.new_chat_member.can_restrict_members], [sb.creator.id, "member", "administrator", false]);
  await drain(sb);
  sb.leaveGroup(staff.id);
  const [bye, change] = sb.pendingUpdates();
  assert.equal((bye!.message as any).left_chat_member.id, staff.id);
  assert.deepEqual([change!.chat_member!.from.id, change!.chat_member!.old_chat_member.status, change!.chat_member!.new_chat_member.status], [staff.id, "administrator", "left"]);
});

test("joining and members over the control API", async () => {
  const sb = ctx.sb;
  const zé = sb.addUser({ first_name: "Zé" });
  const post = (path: string, body: unknown) => fetch(`${sb.apiRoot}/sandbox/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const joined = await (await post("joinGroup", { userId: zé.id })).json();
  assert.equal(joined.new_chat_members[0].id, zé.id);
  assert.deepEqual(await (await fetch(`${sb.apiRoot}/sandbox/chats/${sb.groupId}/members/${zé.id}`)).json(), { status: "member" });
  assert.equal((await post("joinGroup", { userId: zé.id })).status, 400, "already a member");
  assert.equal((await (await post("leaveGroup", { userId: zé.id })).json()).left_chat_member.id, zé.id);
});

test("language_code given to addUser (or POST /sandbox/users) is in `from` of the user's updates", async () => {
  const sb = ctx.sb;
  const res = await fetch(`${sb.apiRoot}/sandbox/users`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ first_name: "Ana", language_code: "pt-br" }) });
  const ana = await res.json();
  const bob = sb.addUser({ first_name: "Bob" });
  sb.sendPrivate(ana.id, { text: "oi" });
  sb.sendPrivate(bob.id, { text: "hi" });
  const froms = sb.pendingUpdates().map((u) => u.message!.from);
  assert.deepEqual(froms, [
    { id: ana.id, is_bot: false, first_name: "Ana", language_code: "pt-br" },
    { id: bob.id, is_bot: false, first_name: "Bob" },
  ]);
});
