import type { Stored } from "../content.ts";
import type { Engine } from "../engine.ts";
import { badRequest } from "../errors.ts";
import { memberOf } from "../members.ts";
import type { ChatRecord } from "../world.ts";
import { chatParam, messageParam } from "./common.ts";
import type { Handler } from "./common.ts";
import { userIdParam } from "./members.ts";

const NO_PIN_RIGHTS = "not enough rights to manage pinned messages in the chat";

/** Pinning rights: can_pin_messages in the group, can_edit_messages in the channel; private chats are free. */
function checkPinRights(e: Engine, chat: ChatRecord): void {
  if (chat.type === "private") return;
  const right = chat.type === "channel" ? "can_edit_messages" : "can_pin_messages";
  if (!e.world.botCan(chat.id, right)) throw badRequest(NO_PIN_RIGHTS);
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
    return memberOf(e.world, chat, userIdParam(e, p));
  },

  getChatAdministrators(e, p) {
    const w = e.world;
    const chat = chatParam(e, p);
    if (chat.type === "private") throw badRequest("there are no administrators in the private chat");
    const ids = [w.creator.id, ...(w.admins.get(chat.id)?.keys() ?? [])];
    // Other bots are omitted; the bot itself is listed.
    const people = ids.filter((id) => !w.users.get(id)?.is_bot).map((id) => memberOf(e.world, chat, id));
    if (w.botRightsIn(chat.id)) people.push(memberOf(e.world, chat, w.bot.id));
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
};
