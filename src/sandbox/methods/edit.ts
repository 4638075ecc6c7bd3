import { apiCaption, apiText, CAPTIONED, kindOf } from "../content.ts";
import type { Stored } from "../content.ts";
import type { Engine } from "../engine.ts";
import { badRequest } from "../errors.ts";
import { replyMarkup } from "../keyboard.ts";
import type { MarkupParam } from "../keyboard.ts";
import type { Params } from "../params.ts";
import type { MessageRecord } from "../world.ts";
import { parseInputMedia } from "./album.ts";
import { chatParam, entitiesParam, messageIds, messageParam } from "./common.ts";
import type { Handler } from "./common.ts";

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

const MEDIA_KINDS = new Set(["photo", "video", "animation", "document", "audio"]);

/** The message an edit names (chat_id + message_id; inline messages are not modelled). */
function editTarget(e: Engine, p: Params): MessageRecord {
  if (p.str("chat_id") === "" && p.int("message_id") <= 0) {
    if (p.str("inline_message_id") === "") throw badRequest("message identifier is not specified");
    throw badRequest("MESSAGE_ID_INVALID");
  }
  const chat = chatParam(e, p);
  const rec = messageParam(e, chat, p, "message to edit");
  if (!e.botCanEdit(rec)) throw badRequest("message can't be edited");
  return rec;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * Applies an edit unless nothing changes. Like Telegram, an edit without reply_markup
 * removes the message's inline keyboard.
 */
function applyEdit(e: Engine, rec: MessageRecord, content: Stored, markup: MarkupParam | undefined): unknown {
  const newMarkup = markup ? markup.value : undefined;
  if (same(content, rec.content) && same(newMarkup, rec.replyMarkup)) throw badRequest(NOT_MODIFIED);
  e.editMessage(rec, content, { byBot: true, replyMarkup: { value: newMarkup } });
  return e.world.render(rec);
}

function withoutCaption(content: Stored): Stored {
  const out = structuredClone(content);
  delete out.caption;
  delete out.caption_entities;
  delete out.show_caption_above_media;
  return out;
}

export const editMethods: Record<string, Handler> = {
  editMessageText(e, p) {
    const text = apiText(p.str("text"), p.str("parse_mode"), entitiesParam(p, "entities"), e.formatOptions);
    const markup = replyMarkup(p, { inlineOnly: true });
    const rec = editTarget(e, p);
    if (kindOf(rec.content) !== "text") throw badRequest("there is no text in the message to edit");
    const content: Stored = { ...structuredClone(rec.content), ...text };
    if (!("entities" in text)) delete content.entities;
    return applyEdit(e, rec, content, markup);
  },

  editMessageCaption(e, p) {
    const caption = apiCaption(p.str("caption"), p.str("parse_mode"), entitiesParam(p, "caption_entities"), e.formatOptions);
    const markup = replyMarkup(p, { inlineOnly: true });
    const rec = editTarget(e, p);
    const kind = kindOf(rec.content);
    if (!CAPTIONED.has(kind) || kind === "paid_media") throw badRequest("there is no caption in the message to edit");
    const content = { ...withoutCaption(rec.content), ...caption };
    if (p.bool("show_caption_above_media") && "caption" in caption) content.show_caption_above_media = true;
    return applyEdit(e, rec, content, markup);
  },

  editMessageMedia(e, p) {
    const markup = replyMarkup(p, { inlineOnly: true });
    if (p.str("media") === "") throw badRequest(`parameter "media" is required`);
    const media = parseInputMedia(e, p, p.json<unknown>("media", "input media"), false);
    const rec = editTarget(e, p);
    if (!MEDIA_KINDS.has(kindOf(rec.content))) throw badRequest("there is no media in the message to edit");
    if (rec.mediaGroupId !== undefined) {
      const old = kindOf(rec.content);
      const visual = (k: string) => k === "photo" || k === "video";
      const fits = visual(old) ? visual(media.kind) : old === media.kind;
      if (!fits) throw badRequest("can't use the media of the specified type in the album");
    }
    const content: Stored = { [media.kind]: media.file(), ...media.caption, ...media.extra };
    return applyEdit(e, rec, content, markup);
  },

  editMessageReplyMarkup(e, p) {
    const markup = replyMarkup(p, { inlineOnly: true });
    const rec = editTarget(e, p);
    return applyEdit(e, rec, structuredClone(rec.content), markup);
  },

  deleteMessage(e, p) {
    const chat = chatParam(e, p);
    const rec = messageParam(e, chat, p, "message to delete");
    if (!e.botCanDelete(rec)) throw badRequest("message can't be deleted");
    e.deleteMessage(rec);
    return true;
  },

  deleteMessages(e, p) {
    const chat = chatParam(e, p);
    const ids = messageIds(p, 100);
    for (const id of ids) {
      const rec = e.world.liveMessage(chat.id, id);
      if (rec && e.botCanDelete(rec)) e.deleteMessage(rec);
    }
    return true;
  },
};
