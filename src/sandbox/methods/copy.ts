import { apiCaption, CAPTIONED, isCopyable, kindOf, newPoll } from "../content.ts";
import type { Stored } from "../content.ts";
import type { Engine } from "../engine.ts";
import { badRequest } from "../errors.ts";
import { replyMarkup } from "../keyboard.ts";
import type { Params } from "../params.ts";
import type { ChatRecord, MessageRecord } from "../world.ts";
import { chatParam, checkCanWrite, entitiesParam, messageIds, messageParam, replyTarget } from "./common.ts";
import type { Handler } from "./common.ts";

/** The source chat of a copy/forward ("from_chat_id"). */
function sourceChat(e: Engine, p: Params): ChatRecord {
  if (p.str("from_chat_id").trim() === "") throw badRequest(`parameter "from_chat_id" is required`);
  return chatParam(e, p, "from_chat_id");
}

/** The content of a copy: same media, a fresh poll, the caption replaced when asked. */
function copiedContent(source: MessageRecord, caption: Stored | undefined): Stored {
  const content = structuredClone(source.content);
  if (content.poll) {
    const poll = content.poll as Stored;
    content.poll = newPoll(String(poll.question), (poll.options as Array<{ text: string }>).map((o) => o.text), {
      is_anonymous: poll.is_anonymous,
      type: poll.type,
      allows_multiple_answers: poll.allows_multiple_answers,
    });
  }
  if (caption !== undefined && CAPTIONED.has(kindOf(content))) {
    delete content.caption;
    delete content.caption_entities;
    Object.assign(content, caption);
  }
  return content;
}

/** forward_origin and the legacy forward fields for a forward of `source`. */
function forwardFields(e: Engine, source: MessageRecord): Stored {
  const w = e.world;
  if (source.forward) return structuredClone(source.forward);
  const chat = w.chat(source.chatId);
  let origin: Stored;
  const legacy: Stored = {};
  if (chat.type === "channel") {
    origin = { type: "channel", chat: w.chatObject(chat.id), message_id: source.id, date: source.date };
    legacy.forward_from_chat = w.chatObject(chat.id);
    legacy.forward_from_message_id = source.id;
  } else if (source.senderChatId !== undefined) {
    origin = { type: "chat", sender_chat: w.chatObject(source.senderChatId), date: source.date };
    legacy.forward_from_chat = w.chatObject(source.senderChatId);
  } else {
    origin = { type: "user", sender_user: { ...source.from }, date: source.date };
    legacy.forward_from = { ...source.from };
  }
  return { forward_origin: origin, ...legacy, forward_date: source.date };
}

/** Copies or forwards many messages; albums stay albums (with a new media_group_id). */
function sendMany(e: Engine, p: Params, mode: "copy" | "forward"): Array<{ message_id: number }> {
  const from = sourceChat(e, p);
  const ids = messageIds(p, 100);
  const target = chatParam(e, p);
  checkCanWrite(e, target);
  for (let i = 1; i < ids.length; i++) {
    if (ids[i]! <= ids[i - 1]!) throw badRequest("message identifiers must be in a strictly increasing order");
  }
  const removeCaption = mode === "copy" && p.bool("remove_caption");
  const groups = new Map<string, string>();
  const out: Array<{ message_id: number }> = [];
  for (const id of ids) {
    // Messages that are missing or cannot be copied/forwarded are skipped, as the Bot API documents.
    const source = e.world.liveMessage(from.id, id);
    if (!source || source.pinnedId !== undefined) continue;
    if (mode === "copy" && !isCopyable(source.content)) continue;
    let mediaGroupId: string | undefined;
    if (source.mediaGroupId) {
      mediaGroupId = groups.get(source.mediaGroupId) ?? e.world.newMediaGroupId();
      groups.set(source.mediaGroupId, mediaGroupId);
    }
    const content = mode === "copy" ? copiedContent(source, removeCaption ? {} : undefined) : structuredClone(source.content);
    const rec = e.botMessage(target.id, content, {
      ...(mediaGroupId ? { mediaGroupId } : {}),
      ...(mode === "forward" ? { forward: forwardFields(e, source) } : {}),
    });
    out.push({ message_id: rec.id });
  }
  return out;
}

export const copyMethods: Record<string, Handler> = {
  copyMessage(e, p) {
    const from = sourceChat(e, p);
    const caption = p.has("caption") ? apiCaption(p.str("caption"), p.str("parse_mode"), entitiesParam(p, "caption_entities"), e.formatOptions) : undefined;
    const source = messageParam(e, from, p, "message to copy");
    const target = chatParam(e, p);
    checkCanWrite(e, target);
    const parent = replyTarget(e, target, p);
    const markup = replyMarkup(p);
    if (!isCopyable(source.content) || source.pinnedId !== undefined) throw badRequest("message can't be copied");
    const rec = e.botMessage(target.id, copiedContent(source, caption), {
      ...(parent ? { replyTo: parent.id } : {}),
      ...(markup?.value !== undefined ? { replyMarkup: markup.value } : {}),
    });
    return { message_id: rec.id };
  },

  copyMessages(e, p) {
    return sendMany(e, p, "copy");
  },

  forwardMessage(e, p) {
    const from = sourceChat(e, p);
    const source = messageParam(e, from, p, "message to forward");
    const target = chatParam(e, p);
    checkCanWrite(e, target);
    if (source.pinnedId !== undefined) throw badRequest("message can't be forwarded");
    const rec = e.botMessage(target.id, structuredClone(source.content), { forward: forwardFields(e, source) });
    return e.world.render(rec);
  },

  forwardMessages(e, p) {
    return sendMany(e, p, "forward");
  },
};
