import type { Stored } from "../content.ts";
import type { Engine } from "../engine.ts";
import { badRequest } from "../errors.ts";
import { announceMemberChange, isPresent, leftContent, memberOf } from "../members.ts";
import type { Params } from "../params.ts";
import type { ChatRecord } from "../world.ts";
import { chatParam } from "./common.ts";
import type { Handler } from "./common.ts";

/** user_id of the member methods: "invalid user_id specified" / "user not found". */
export function userIdParam(e: Engine, p: Params): number {
  const id = p.int("user_id");
  if (id <= 0) throw badRequest("invalid user_id specified");
  if (id !== e.world.bot.id && !e.world.users.has(id)) throw badRequest("user not found");
  return id;
}

/** tdlib's checks before changing a member's status, in its order (DialogParticipantManager). */
function checkStatusChange(e: Engine, chat: ChatRecord, userId: number): void {
  const w = e.world;
  if (userId === w.creator.id) throw badRequest("can't remove chat owner");
  if (!w.botCan(chat.id, "can_restrict_members")) throw badRequest("not enough rights to restrict/unrestrict chat member");
  if (userId === w.bot.id) throw badRequest("can't restrict self");
  if (w.admins.get(chat.id)?.has(userId)) throw badRequest("user is an administrator of the chat");
}

/**
 * Applies a status change and tells the bot: the member leaves the chat, and in the group
 * (not the channel) the bot's removal shows as "left_chat_member" from the bot.
 */
function change(e: Engine, chat: ChatRecord, userId: number, apply: () => void): void {
  const w = e.world;
  const before = memberOf(w, chat, userId);
  apply();
  const after = memberOf(w, chat, userId);
  if (isPresent(before) && !isPresent(after) && chat.type === "supergroup") {
    e.serviceMessage(chat.id, w.bot, leftContent(w.user(userId)), { byBot: true });
  }
  announceMemberChange(e, chat.id, w.bot, before, after);
}

function ban(e: Engine, chat: ChatRecord, userId: number): void {
  const w = e.world;
  change(e, chat, userId, () => {
    w.setOf(w.banned, chat.id).add(userId);
    w.members.get(chat.id)?.delete(userId);
  });
  e.feed.emit("ban", { chatId: chat.id, userId });
}

function unban(e: Engine, chat: ChatRecord, userId: number): void {
  change(e, chat, userId, () => e.world.banned.get(chat.id)?.delete(userId));
  e.feed.emit("unban", { chatId: chat.id, userId });
}

export const memberMethods: Record<string, Handler> = {
  banChatMember(e, p) {
    const chat = chatParam(e, p);
    const userId = userIdParam(e, p);
    if (chat.type === "private") throw badRequest("can't ban members in private chats");
    checkStatusChange(e, chat, userId);
    if (!e.world.isBanned(chat.id, userId)) ban(e, chat, userId);
    return true;
  },

  unbanChatMember(e, p) {
    const chat = chatParam(e, p);
    const userId = userIdParam(e, p);
    if (chat.type === "private") throw badRequest("method is available for supergroup and channel chats only");
    const member: Stored = memberOf(e.world, chat, userId);
    // only_if_banned looks at the member first and changes nothing (no rights needed) unless banned.
    if (p.bool("only_if_banned") && member.status !== "kicked") return true;
    checkStatusChange(e, chat, userId);
    if (member.status === "kicked") unban(e, chat, userId);
    else if (isPresent(member)) {
      // Unbanning a member who is not banned removes them: tdlib bans, then lifts the ban.
      ban(e, chat, userId);
      unban(e, chat, userId);
    }
    return true;
  },
};
