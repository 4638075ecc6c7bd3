import type { TelegramMessage, TelegramUpdate } from "@gramio/types";
import type { CoreContext } from "../../src/core/context.ts";
import { emptyState, worldOf, type World } from "../../src/core/state.ts";
import { handleUpdate } from "../../src/core/updates.ts";
import { resolveTexts } from "../../src/texts.ts";

export const CHANNEL = -1001000000001;
export const GROUP = -1001000000002;
export const BOT = 999;
export const ANA = 111; // staff
export const CUSTOMER = 500;

export function context(over: Partial<CoreContext> = {}): CoreContext {
  return {
    channel: CHANNEL,
    group: GROUP,
    botId: BOT,
    botUsername: "desk_bot",
    staff: new Set([ANA]),
    staffNames: new Map([[ANA, "Ana"]]),
    notify: new Set(),
    guardGroup: true,
    notePrefix: "#",
    locale: "en",
    texts: resolveTexts("en"),
    localeTexts: { en: resolveTexts("en"), "pt-BR": resolveTexts("pt-BR") },
    localePerCustomer: true,
    signatures: false,
    coalesce: true,
    albumSettleMs: 1000,
    ...over,
  };
}

export function world(): World {
  return worldOf(emptyState());
}

let nextUpdate = 1;

/** A customer's private message. */
export function privateMsg(id: number, extra: Partial<TelegramMessage> = {}, from = { id: CUSTOMER, is_bot: false, first_name: "Bia", last_name: "Lima", username: "bia" }): TelegramUpdate {
  return {
    update_id: nextUpdate++,
    message: { message_id: id, date: 0, chat: { id: from.id, type: "private", first_name: from.first_name }, from, text: "hi", ...extra } as TelegramMessage,
  };
}

export function privateEdit(id: number, extra: Partial<TelegramMessage>): TelegramUpdate {
  const u = privateMsg(id, extra);
  return { update_id: u.update_id, edited_message: u.message! };
}

/** The automatic forward of channel post `post`, as group message `id`. */
export function autoForward(id: number, post: number): TelegramUpdate {
  return {
    update_id: nextUpdate++,
    message: {
      message_id: id,
      date: 0,
      chat: { id: GROUP, type: "supergroup", title: "Desk" },
      from: { id: 777000, is_bot: false, first_name: "Telegram" },
      sender_chat: { id: CHANNEL, type: "channel", title: "Support" },
      is_automatic_forward: true,
      forward_origin: { type: "channel", chat: { id: CHANNEL, type: "channel", title: "Support" }, message_id: post, date: 0 },
      text: "card",
    } as TelegramMessage,
  };
}

/** A comment in the thread of `root` by user `from` (or as the channel). */
export function comment(id: number, root: number, from: number | "channel", extra: Partial<TelegramMessage> = {}, replyTo = root): TelegramUpdate {
  const base: Record<string, unknown> = {
    message_id: id,
    date: 0,
    chat: { id: GROUP, type: "supergroup", title: "Desk" },
    message_thread_id: root,
    reply_to_message: { message_id: replyTo, date: 0, chat: { id: GROUP, type: "supergroup", title: "Desk" } },
    text: "hello",
  };
  if (from === "channel") {
    base.from = { id: 136817688, is_bot: true, first_name: "Channel", username: "Channel_Bot" };
    base.sender_chat = { id: CHANNEL, type: "channel", title: "Support" };
  } else {
    base.from = { id: from, is_bot: false, first_name: from === ANA ? "Ana" : "Zé" };
  }
  return { update_id: nextUpdate++, message: { ...base, ...extra } as unknown as TelegramMessage };
}

/** Identity rewrite (no placeholders). */
/**
 * Gives the customer's conversation its card (channel post `post`) and thread (root `root`),
 * as the card's sendMessage and its automatic forward would.
 */
export function giveThread(w: World, ctx: CoreContext, nowMs: number, post = 10, root = 100, customer = CUSTOMER): void {
  const conv = w.state.conversations[customer]!;
  conv.card = post;
  w.index.cards.set(post, customer);
  handleUpdate(w, ctx, autoForward(root, post), nowMs);
}
