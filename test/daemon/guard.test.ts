/**
 * R38 closed-group, end to end: whoever joins the discussion group and is neither the bot,
 * its creator nor staff is removed at once (and may be let in again by hand); a line in the
 * group says so. Without the right to do it, the operator and the group are told.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { TelegramMessage } from "@gramio/types";
import { eventually, startDesk, type Desk } from "./harness.ts";

/**
 * Telegram applies allowed_updates when an update is made: let the daemon's first getUpdates
 * (which asks for chat_member) reach the sandbox before anyone joins.
 */
async function polling(desk: Desk): Promise<void> {
  await desk.sb.waitFor(() => desk.sb.isPolling(), 5000, "the daemon polling");
}

/** The bot's lines in the group that are not in any thread (not its "removed" service messages). */
const groupLines = (desk: Desk): TelegramMessage[] =>
  desk.sb.messages(desk.sb.groupId).filter((m) => m.from?.id === desk.sb.bot.id && m.text !== undefined && m.reply_to_message === undefined && m.message_thread_id === undefined);

test("a stranger who joins the group is removed at once, may be let in again, and the group is told; staff stay", async () => {
  const desk = await startDesk();
  try {
    const { sb, ana } = desk;
    await polling(desk);
    const eve = sb.addUser({ first_name: "Eve", username: "eve" });
    sb.joinGroup(eve.id);
    const line = await sb.waitFor(() => groupLines(desk)[0], 5000, "the line in the group");
    assert.equal(line.text, `🚪 Eve (@eve) joined the group and was removed: only the team (the staff list) and the bot belong here. To let them in: clientes staff add ${eve.id}, then add them again.`);
    assert.equal(sb.memberStatus(sb.groupId, eve.id), "left", "removed, and not left banned");
    const ban = desk.port.calls.findIndex((c) => c.method === "banChatMember");
    const unban = desk.port.calls.findIndex((c) => c.method === "unbanChatMember");
    assert.ok(ban >= 0 && unban > ban, "ban, then unban");
    assert.deepEqual(desk.port.calls[unban]!.params, { chat_id: sb.groupId, user_id: eve.id, only_if_banned: true });

    // Not banned for good: an admin can add them back by hand (and the guard acts again).
    sb.joinGroup(eve.id, { addedBy: sb.creator.id });
    await sb.waitFor(() => groupLines(desk).length === 2, 5000, "removed again");
    assert.equal(sb.memberStatus(sb.groupId, eve.id), "left");

    sb.joinGroup(ana.id);
    const bob = sb.addUser({ first_name: "Bob" });
    sb.joinGroup(bob.id);
    await sb.waitFor(() => groupLines(desk).length === 3, 5000, "Bob removed");
    assert.equal(sb.memberStatus(sb.groupId, ana.id), "member", "staff stay");
    assert.equal(desk.port.calls.filter((c) => c.method === "banChatMember").length, 3, "Ana was never touched");
  } finally {
    await desk.close();
  }
});

test("without the right to ban: one clear error at start-up and when someone joins; the group is told; nothing loops", async () => {
  const desk = await startDesk({ sandbox: { botRights: { group: { can_restrict_members: false } } } });
  try {
    const { sb } = desk;
    const startup = await eventually(() => desk.logs.find((l) => l.includes("guard_group is on, but the bot may not remove members")), "the start-up error");
    assert.match(startup, /error/);
    assert.match(startup, /Ban Users.*can_restrict_members.*clientes check/);
    await polling(desk);
    const eve = sb.addUser({ first_name: "Eve" });
    sb.joinGroup(eve.id);
    const line = await sb.waitFor(() => groupLines(desk)[0], 5000, "the line in the group");
    assert.match(line.text ?? "", /^⚠️ Eve joined the group, but the bot may not remove members: give it the “Ban Users” right/);
    const errors = desk.logs.filter((l) => l.includes(`user ${eve.id} joined the group and stays`));
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /not enough rights.*hint: .*Ban Users/);
    assert.equal(sb.memberStatus(sb.groupId, eve.id), "member");
    assert.equal(desk.port.calls.filter((c) => c.method === "banChatMember").length, 1, "tried once, not in a loop");
  } finally {
    await desk.close();
  }
});

test("guard_group: false leaves the group open", async () => {
  const desk = await startDesk({ config: { guardGroup: false, locale: "pt-BR" } });
  try {
    const { sb } = desk;
    await polling(desk);
    const eve = sb.addUser({ first_name: "Eve" });
    sb.joinGroup(eve.id);
    // The join's service message reaches the daemon too; once it is handled, so is the chat_member before it.
    await eventually(() => sb.pendingUpdates().length === 0 && desk.port.calls.filter((c) => c.method === "getUpdates" && c.settled).length >= 2, "the updates handled");
    assert.equal(sb.memberStatus(sb.groupId, eve.id), "member");
    assert.equal(desk.port.calls.some((c) => c.method === "banChatMember"), false);
    assert.deepEqual(groupLines(desk), []);
  } finally {
    await desk.close();
  }
});
