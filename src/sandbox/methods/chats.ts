import type { Stored } from "../content.ts";
import type { Engine } from "../engine.ts";
import { badRequest } from "../errors.ts";
import type { Params } from "../params.ts";
import type { ChatRecord } from "../world.ts";
import { chatParam, messageParam } from "./common.ts";
import type { Handler } from "./common.ts";

const NO_PIN_RIGHTS = "not enough rights to manage pinned messages in the chat";
const NO_BAN_RIGHTS = "not enough rights to restrict/ban chat member";

/** The ChatMember object of a user in a chat. */
function memberOf(e: Engine, chat: ChatRecord, userId: number): Stored {
  const w = e.world;
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

function userIdParam(e: Engine, p: Params): number {
  const id = p.int("user_id");
  if (id <= 0) throw badRequest("invalid user_id specified");
  if (id !== e.world.bot.id && !e.world.users.has(id)) throw badRequest("user not found");
  return id;
}

/** Pinning rights: can_pin_messages in the group, can_edit_messages in the channel; private chats are free. */
function checkPinRights(e: Engine, chat: ChatRecord): void {
  if (chat.type === "private") return;
  const right = chat.type === "channel" ? "can_edit_messages" : "can_pin_messages";
  if (!e.world.botCan(chat.id, right)) throw badRequest(NO_PIN_RIGHTS);
}

function checkBanTarget(e: Engine, chat: ChatRecord, userId: number): void {
  if (chat.type === "private") throw badRequest("chat member status can't be changed in private chats");
  if (!e.world.botCan(chat.id, "can_restrict_members")) throw badRequest(NO_BAN_RIGHTS);
  if (userId === e.world.creator.id) throw badRequest("can't remove chat owner");
  if (userId === e.world.bot.id) throw badRequest("can't restrict self");
  if (e.world.admins.get(chat.id)?.has(userId)) throw badRequest("user is an administrator of the chat");
}

export const chatMethods: Record<string, Handler> = {
  getChat(e, p) {
    const w = e.world;
    const chat = chatParam(e, p);
    const info: Stored = { ...w.chatObject(chat.id) };
    if (chat.type === "private") {
      info.accent_color_id = 0;
      info.max_reaction_count = 11;
      info.accepted_gift_types = { unlimited_gifts: true, limited_gifts: true, unique_gifts: true, premium_subscription: true, gifts_from_channels: true };
      return info;
    }
    info.accent_color_id = 0;
    info.max_reaction_count = 11;
    const linked = w.linked ? (chat.id === w.channelId ? w.groupId : chat.id === w.groupId ? w.channelId : undefined) : undefined;
    if (linked !== undefined) info.linked_chat_id = linked;
    if (chat.type === "supergroup") {
      info.permissions = {
        can_send_messages: true, can_send_audios: true, can_send_documents: true, can_send_photos: true, can_send_videos: true,
        can_send_video_notes: true, can_send_voice_notes: true, can_send_polls: true, can_send_other_messages: true,
        can_add_web_page_previews: true, can_change_info: false, can_invite_users: true, can_pin_messages: false, can_manage_topics: false,
      };
    }
    const pinned = chat.pinned.at(-1);
    if (pinned !== undefined) {
      const rec = w.liveMessage(chat.id, pinned);
      if (rec) info.pinned_message = w.render(rec);
    }
    info.accepted_gift_types = { unlimited_gifts: false, limited_gifts: false, unique_gifts: false, premium_subscription: false, gifts_from_channels: false };
    return info;
  },

  getChatMember(e, p) {
    const chat = chatParam(e, p);
    return memberOf(e, chat, userIdParam(e, p));
  },

  getChatAdministrators(e, p) {
    const w = e.world;
    const chat = chatParam(e, p);
    if (chat.type === "private") throw badRequest("there are no administrators in the private chat");
    const ids = [w.creator.id, ...(w.admins.get(chat.id)?.keys() ?? [])];
    // Other bots are omitted; the bot itself is listed.
    const people = ids.filter((id) => !w.users.get(id)?.is_bot).map((id) => memberOf(e, chat, id));
    if (w.botRightsIn(chat.id)) people.push(memberOf(e, chat, w.bot.id));
    return people;
  },

  getChatMemberCount(e, p) {
    return e.world.memberCount(chatParam(e, p).id);
  },

  pinChatMessage(e, p) {
    const chat = chatParam(e, p);
    const rec = messageParam(e, chat, p, "message to pin");
    checkPinRights(e, chat);
    e.pin(chat.id, rec.id, true);
    return true;
  },

  unpinChatMessage(e, p) {
    const chat = chatParam(e, p);
    const id = p.int("message_id");
    if (id > 0) messageParam(e, chat, p, "message to unpin");
    checkPinRights(e, chat);
    e.unpin(chat.id, id > 0 ? id : undefined);
    return true;
  },

  unpinAllChatMessages(e, p) {
    const chat = chatParam(e, p);
    checkPinRights(e, chat);
    e.unpinAll(chat.id);
    return true;
  },

  banChatMember(e, p) {
    const w = e.world;
    const chat = chatParam(e, p);
    const userId = userIdParam(e, p);
    checkBanTarget(e, chat, userId);
    w.setOf(w.banned, chat.id).add(userId);
    w.members.get(chat.id)?.delete(userId);
    e.feed.emit("ban", { chatId: chat.id, userId });
    return true;
  },

  unbanChatMember(e, p) {
    const w = e.world;
    const chat = chatParam(e, p);
    const userId = userIdParam(e, p);
    checkBanTarget(e, chat, userId);
    const banned = w.isBanned(chat.id, userId);
    if (!banned && p.bool("only_if_banned")) return true;
    w.banned.get(chat.id)?.delete(userId);
    // Without only_if_banned, unbanning a member removes them from the chat (they may rejoin).
    if (!banned) w.members.get(chat.id)?.delete(userId);
    e.feed.emit("unban", { chatId: chat.id, userId });
    return true;
  },
};
