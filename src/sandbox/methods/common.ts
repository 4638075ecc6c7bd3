import type { TelegramMessage } from "@gramio/types";
import type { Stored } from "../content.ts";
import type { Engine } from "../engine.ts";
import { badRequest, forbidden } from "../errors.ts";
import { replyMarkup } from "../keyboard.ts";
import type { Params } from "../params.ts";
import type { ChatRecord, MessageRecord } from "../world.ts";

/** A Bot API method: reads its parameters, acts on the engine, returns the `result`. */
export type Handler = (e: Engine, p: Params) => unknown;

/** A result that also carries a `description` (deleteWebhook's "Webhook is already deleted"). */
export class WithDescription {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

/** The chat named by a chat_id-like parameter: "chat_id is empty" / "chat not found" otherwise. */
export function chatParam(e: Engine, p: Params, name = "chat_id"): ChatRecord {
  const raw = p.str(name);
  if (raw.trim() === "") throw name === "chat_id" ? badRequest("chat_id is empty") : badRequest(`parameter "${name}" is required`);
  const chat = e.world.resolveChatParam(raw);
  if (!chat) throw badRequest("chat not found");
  return chat;
}

/** Telegram's checks before the bot writes to a chat. */
export function checkCanWrite(e: Engine, chat: ChatRecord): void {
  const w = e.world;
  if (chat.type === "private") {
    if (w.blocked.has(chat.id)) throw forbidden("bot was blocked by the user");
    if (!w.started.has(chat.id)) throw forbidden("bot can't initiate conversation with a user");
  } else if (chat.type === "channel") {
    if (!w.botCan(chat.id, "can_post_messages")) throw badRequest("need administrator rights in the channel chat");
  } else if (w.isBanned(chat.id, w.bot.id)) {
    throw forbidden("bot was kicked from the supergroup chat");
  }
}

/**
 * The message a send replies to (reply_parameters, or the legacy reply_to_message_id), or
 * undefined. A missing one fails with "message to be replied not found" unless
 * allow_sending_without_reply is set.
 */
export function replyTarget(e: Engine, chat: ChatRecord, p: Params): MessageRecord | undefined {
  let messageId = 0;
  let allowWithout = p.bool("allow_sending_without_reply");
  let otherChat: ChatRecord | undefined;
  const rp = p.json<Record<string, unknown>>("reply_parameters", "reply parameters");
  if (rp !== undefined) {
    if (typeof rp !== "object" || rp === null || Array.isArray(rp)) throw badRequest("object expected as reply parameters");
    const id = Number(rp.message_id);
    if (!Number.isInteger(id)) throw badRequest(`can't parse reply parameters: Field "message_id" must be of type Number`);
    messageId = id;
    if (rp.allow_sending_without_reply !== undefined) allowWithout = rp.allow_sending_without_reply === true || rp.allow_sending_without_reply === "true";
    if (rp.chat_id !== undefined && rp.chat_id !== null && rp.chat_id !== "") {
      otherChat = e.world.resolveChatParam(String(rp.chat_id));
      if (!otherChat) throw badRequest("chat not found");
    }
  } else {
    messageId = p.int("reply_to_message_id");
  }
  if (messageId <= 0) return undefined;
  // Replies across chats (external replies with quotes) are not modelled: only same-chat replies resolve.
  const target = otherChat && otherChat.id !== chat.id ? undefined : e.world.liveMessage(chat.id, messageId);
  if (!target && !allowWithout) throw badRequest("message to be replied not found");
  return target;
}

/**
 * The common path of every send: the target chat, write rights, the reply, then the content
 * (built last, as file ids are resolved after the chat checks), then the message.
 */
export function sendContent(e: Engine, p: Params, build: (chat: ChatRecord) => Stored): TelegramMessage {
  const chat = chatParam(e, p);
  checkCanWrite(e, chat);
  const parent = replyTarget(e, chat, p);
  const markup = replyMarkup(p);
  const content = build(chat);
  const rec = e.botMessage(chat.id, content, {
    ...(parent ? { replyTo: parent.id } : {}),
    ...(markup?.value !== undefined ? { replyMarkup: markup.value } : {}),
  });
  return e.world.render(rec);
}

/** The message a copy/forward/edit/pin names: "message identifier is not specified" / "<what> not found". */
export function messageParam(e: Engine, chat: ChatRecord, p: Params, what: string, name = "message_id"): MessageRecord {
  const id = p.int(name);
  if (id <= 0) throw badRequest("message identifier is not specified");
  const rec = e.world.liveMessage(chat.id, id);
  if (!rec) throw badRequest(`${what} not found`);
  return rec;
}

/** message_ids of copyMessages/forwardMessages/deleteMessages, as the Bot API server checks them. */
export function messageIds(p: Params, max: number): number[] {
  const raw = p.str("message_ids");
  if (raw === "") throw badRequest("message identifiers are not specified");
  const value = p.json<unknown>("message_ids", "message_ids");
  if (!Array.isArray(value)) throw badRequest("expected an Array of message identifiers");
  if (value.length > max) throw badRequest("too many message identifiers specified");
  const ids = value.map((v) => {
    if (typeof v !== "number" && typeof v !== "string") throw badRequest("message identifier must be a Number");
    const n = Number(v);
    if (!Number.isInteger(n)) throw badRequest("can't parse message identifier as Number");
    if (n <= 0) throw badRequest("invalid message identifier specified");
    return n;
  });
  if (ids.length === 0) throw badRequest("message identifiers are not specified");
  return ids;
}

/** Entities given as a JSON parameter (undefined when absent). */
export function entitiesParam(p: Params, name: string) {
  const v = p.json<unknown>(name, name);
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw badRequest(`can't parse entities JSON object`);
  return v as import("@gramio/types").TelegramMessageEntity[];
}

/** allowed_updates of getUpdates and setWebhook (undefined: keep the current filter). */
export function allowedUpdatesParam(p: Params): string[] | undefined {
  if (!p.has("allowed_updates") || p.str("allowed_updates") === "") return undefined;
  const v = p.json<unknown>("allowed_updates", "allowed updates");
  if (!Array.isArray(v)) throw badRequest("can't parse allowed updates JSON object");
  return v.map(String);
}
