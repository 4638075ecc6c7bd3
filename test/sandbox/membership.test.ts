import assert from "node:assert/strict";
import { test } from "node:test";
import { ok, useSandbox } from "./helpers.ts";

const ctx = useSandbox({ botRights: { channel: null } });

test("making the bot an admin gives it a my_chat_member update from the creator, as getUpdates returns it", async () => {
  const sb = ctx.sb;
  sb.setBotRights("channel", { can_delete_messages: false });
  const updates = await ok(sb, "getUpdates", { timeout: 0 });
  assert.equal(updates.length, 1);
  const m = updates[0].my_chat_member;
  assert.deepEqual(m.chat, { id: sb.channelId, title: "Support cards", type: "channel" });
  assert.equal(m.from.id, sb.creator.id);
  assert.equal(m.old_chat_member.status, "member");
  assert.equal(m.new_chat_member.status, "administrator");
  assert.equal(m.new_chat_member.user.id, sb.bot.id);
  assert.equal(m.new_chat_member.can_post_messages, true);
  assert.equal(m.new_chat_member.can_delete_messages, false);
  // Same rights as getChatMember reports.
  const member = await ok(sb, "getChatMember", { chat_id: sb.channelId, user_id: sb.bot.id });
  assert.deepEqual(m.new_chat_member, member);
});

test("changing rights reports old and new; setting the same rights again sends nothing", async () => {
  const sb = ctx.sb;
  sb.setBotRights("group", { can_pin_messages: false });
  sb.setBotRights("group", { can_pin_messages: false });
  sb.setBotRights("group", null);
  const kinds = sb.pendingUpdates().map((u) => {
    const m = u.my_chat_member!;
    return [m.chat.id, m.old_chat_member.status, m.new_chat_member.status, (m.old_chat_member as { can_pin_messages?: boolean }).can_pin_messages];
  });
  assert.deepEqual(kinds, [
    [sb.groupId, "administrator", "administrator", true],
    [sb.groupId, "administrator", "member", false],
  ]);
});

test("a waiting long poll wakes up for it", async () => {
  const sb = ctx.sb;
  const poll = ok(sb, "getUpdates", { timeout: 5 });
  await sb.waitFor((s) => s.isPolling(), 2000, "the long poll");
  sb.setBotRights("channel", {});
  const updates = await poll;
  assert.equal(updates[0]?.my_chat_member?.new_chat_member.status, "administrator");
});
