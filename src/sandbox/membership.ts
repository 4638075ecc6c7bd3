/**
 * The bot's own membership in the channel and the group, and the `my_chat_member` update
 * Telegram sends a bot when someone adds it to a chat, promotes or demotes it there, or
 * changes its rights (what `clientes init` watches for to find the channel by itself).
 */
import type { Stored } from "./content.ts";
import { memberOf } from "./members.ts";
import type { World } from "./world.ts";

/** The bot's ChatMember in a chat: administrator with its rights, or an ordinary member. */
export function botMember(w: World, chatId: number): Stored {
  return memberOf(w, w.chat(chatId), w.bot.id);
}

/** The my_chat_member payload for a change of the bot's membership, made by the chats' creator. */
export function botMemberUpdate(w: World, chatId: number, before: Stored, after: Stored, date: number): Stored {
  return {
    chat: w.chatObject(chatId),
    from: { ...w.creator },
    date,
    old_chat_member: structuredClone(before),
    new_chat_member: structuredClone(after),
  };
}
