/**
 * People's membership of the channel and the group: their ChatMember objects, joining and
 * leaving the group (with its service messages), and the `chat_member` updates Telegram sends
 * only to a bot that is an administrator there and asked for them in allowed_updates.
 */
import { isDeepStrictEqual } from "node:util";
import type { TelegramUser } from "@gramio/types";
import type { Stored } from "./content.ts";
import type { Engine } from "./engine.ts";
import { SandboxUsageError } from "./errors.ts";
import type { ChatRecord, MessageRecord, World } from "./world.ts";

/** The ChatMember object of a user in a chat, as getChatMember and chat_member show it. */
export function memberOf(w: World, chat: ChatRecord, userId: number): Stored {
  const user = userId === w.bot.id ? { ...w.bot } : { ...w.user(userId) };
  if (chat.type === "private") return { user, status: "member" };
  if (userId === w.creator.id) return { user, status: "creator", is_anonymous: false };
  if (w.isBanned(chat.id, userId)) return { user, status: "kicked", until_date: 0 };
  const rights = userId === w.bot.id ? w.botRightsIn(chat.id) : w.admins.get(chat.id)?.get(userId);
  if (rights) return { user, status: "administrator", can_be_edited: false, ...rights };
  // A bot without rights still belongs to the chat as an ordinary member.
  if (userId === w.bot.id || w.members.get(chat.id)?.has(userId)) return { user, status: "member" };
  return { user, status: "left" };
}

/** Whether a ChatMember status means "in the chat". */
export function isPresent(member: Stored): boolean {
  return member.status === "creator" || member.status === "administrator" || member.status === "member";
}

/**
 * Tells the bot that a member's status changed (old and new ChatMember, made by `actor`),
 * unless nothing changed. Telegram sends chat_member only to an administrator bot, and only
 * when it listed "chat_member" in allowed_updates (the queue's filter does that part).
 */
export function announceMemberChange(e: Engine, chatId: number, actor: TelegramUser, before: Stored, after: Stored): void {
  const w = e.world;
  if (isDeepStrictEqual(before, after) || !w.isAdmin(chatId, w.bot.id)) return;
  const payload = { chat: w.chatObject(chatId), from: { ...actor }, date: e.clock.unix(), old_chat_member: structuredClone(before), new_chat_member: structuredClone(after) };
  if (e.updates.push("chat_member", payload)) e.feed.emit("update", { updateType: "chat_member", chatId });
}

/** The service message of members joining: new_chat_members plus the legacy single-member fields. */
function joinedContent(user: TelegramUser): Stored {
  return { new_chat_participant: { ...user }, new_chat_member: { ...user }, new_chat_members: [{ ...user }] };
}

/** The service message of a member leaving or being removed. */
export function leftContent(user: TelegramUser): Stored {
  return { left_chat_participant: { ...user }, left_chat_member: { ...user } };
}

/**
 * A user joins the discussion group (by a link, or added by `addedBy`): they become a member,
 * the group shows "new_chat_members" (from the one who added them), and an admin bot that asked
 * for chat_member updates gets one.
 */
export function joinGroup(e: Engine, userId: number, addedBy?: number): MessageRecord {
  const w = e.world;
  const group = w.chat(w.groupId);
  const user = w.user(userId);
  const actor = addedBy === undefined ? user : w.user(addedBy);
  const before = memberOf(w, group, userId);
  if (before.status === "kicked") throw new SandboxUsageError(`user ${userId} is banned from the group: the bot (or an admin) must unban them first`);
  if (isPresent(before)) throw new SandboxUsageError(`user ${userId} is already in the group (${String(before.status)})`);
  if (addedBy !== undefined && !isPresent(memberOf(w, group, addedBy))) throw new SandboxUsageError(`user ${addedBy} is not in the group, so cannot add anyone`);
  w.setOf(w.members, group.id).add(userId);
  const rec = e.serviceMessage(group.id, actor, joinedContent(user), { byBot: false });
  announceMemberChange(e, group.id, actor, before, memberOf(w, group, userId));
  return rec;
}

/** A member leaves the group by themselves: "left_chat_member", and a chat_member update. */
export function leaveGroup(e: Engine, userId: number): MessageRecord {
  const w = e.world;
  const group = w.chat(w.groupId);
  const user = w.user(userId);
  const before = memberOf(w, group, userId);
  if (before.status === "creator") throw new SandboxUsageError("the group's creator does not leave it in the sandbox");
  if (!isPresent(before)) throw new SandboxUsageError(`user ${userId} is not in the group`);
  w.members.get(group.id)?.delete(userId);
  w.admins.get(group.id)?.delete(userId);
  const rec = e.serviceMessage(group.id, user, leftContent(user), { byBot: false });
  announceMemberChange(e, group.id, user, before, memberOf(w, group, userId));
  return rec;
}
