/**
 * R38 closed-group: the discussion group holds its creator, the bot and the staff. Anyone
 * else who becomes a member is removed at once (the daemon bans, then unbans so they may be
 * let in again by hand), and a short line in the group says so. Pure: this file decides who
 * and what to say; the daemon makes the calls.
 */
import type { TelegramChatMember, TelegramChatMemberUpdated, TelegramUser } from "@gramio/types";
import { renderText } from "../texts.ts";
import type { CoreContext } from "./context.ts";

/** Whether a ChatMember is in the chat (a restricted member may be, or not). */
function present(m: TelegramChatMember): boolean {
  if (m.status === "restricted") return (m as { is_member?: boolean }).is_member === true;
  return m.status === "member" || m.status === "administrator" || m.status === "creator";
}

/**
 * The person to remove, when this chat_member update is someone joining the group who is
 * neither the bot, the group's creator, an administrator nor on the staff list.
 */
export function intruderOf(ctx: CoreContext, u: TelegramChatMemberUpdated): TelegramUser | undefined {
  if (!ctx.guardGroup || u.chat.id !== ctx.group) return undefined;
  const after = u.new_chat_member;
  if (present(u.old_chat_member) || !present(after)) return undefined;
  // An administrator was made one on purpose by the group's owner; the owner is the creator.
  if (after.status === "creator" || after.status === "administrator") return undefined;
  const user = after.user;
  if (user.id === ctx.botId || ctx.staff.has(user.id)) return undefined;
  return user;
}

function nameOf(user: TelegramUser): string {
  return [user.first_name, user.last_name].filter(Boolean).join(" ") + (user.username ? ` (@${user.username})` : "");
}

/** The group's line about a removal (`removed`) or about a member the bot may not remove. */
export function intruderNotice(ctx: CoreContext, user: TelegramUser, removed: boolean): string {
  return renderText(removed ? ctx.texts.guard_removed : ctx.texts.guard_cannot_remove, { name: nameOf(user), id: user.id });
}
