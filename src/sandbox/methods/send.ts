import { apiCaption, apiText, formatForApi, newPoll, rollDice } from "../content.ts";
import type { Stored } from "../content.ts";
import type { Engine } from "../engine.ts";
import { badRequest } from "../errors.ts";
import type { FileKind, Media } from "../files.ts";
import type { Params } from "../params.ts";
import { chatParam, checkCanWrite, entitiesParam, sendContent } from "./common.ts";
import type { Handler } from "./common.ts";

/** How the Bot API server names a missing file: "there is no video note in the request". */
const FILE_LABEL: Record<FileKind, string> = {
  photo: "photo",
  video: "video",
  animation: "animation",
  document: "document",
  audio: "audio",
  voice: "voice",
  video_note: "video note",
  sticker: "sticker",
};

const NO_CAPTION = new Set<FileKind>(["sticker", "video_note"]);

/** The file a send names: an upload, an HTTP URL or a file id (resolved lazily, after the chat checks). */
export function fileParam(e: Engine, p: Params, kind: FileKind, value: string): () => Media {
  const upload = p.upload(value.startsWith("attach://") ? value : kind);
  if (upload) return () => e.files.upload(kind, upload.name);
  if (value === "" || value.startsWith("attach://")) throw badRequest(`there is no ${FILE_LABEL[kind]} in the request`);
  return () => e.files.resolve(value, kind);
}

function sendFile(kind: FileKind): Handler {
  return (e, p) => {
    const file = fileParam(e, p, kind, p.str(kind));
    const caption = NO_CAPTION.has(kind) ? {} : apiCaption(p.str("caption"), p.str("parse_mode"), entitiesParam(p, "caption_entities"), e.formatOptions);
    const extra: Stored = {};
    if (p.bool("has_spoiler") && (kind === "photo" || kind === "video" || kind === "animation")) extra.has_media_spoiler = true;
    if (p.bool("show_caption_above_media") && "caption" in caption) extra.show_caption_above_media = true;
    return sendContent(e, p, () => {
      const media = file();
      if (kind === "sticker" && p.str("emoji") && !Array.isArray(media)) media.emoji = p.str("emoji");
      return { [kind]: media, ...caption, ...extra };
    });
  };
}

function coordinate(p: Params, name: "latitude" | "longitude"): number {
  const s = p.str(name).trim();
  // The Bot API server's own wording already carries the prefix.
  if (s === "") throw badRequest(`${name} is empty`);
  const n = Number(s);
  return Number.isFinite(n) ? n : 0;
}

const DICE = new Set(["🎲", "🎯", "🏀", "⚽", "🎳", "🎰"]);

const CHAT_ACTIONS = new Set([
  "cancel", "typing", "record_video", "upload_video", "record_audio", "record_voice", "upload_audio", "upload_voice",
  "upload_photo", "upload_document", "choose_sticker", "pick_up_location", "find_location", "record_video_note", "upload_video_note",
]);

export const sendMethods: Record<string, Handler> = {
  sendMessage(e, p) {
    const content = apiText(p.str("text"), p.str("parse_mode"), entitiesParam(p, "entities"), e.formatOptions);
    return sendContent(e, p, () => content);
  },
  sendPhoto: sendFile("photo"),
  sendVideo: sendFile("video"),
  sendAnimation: sendFile("animation"),
  sendDocument: sendFile("document"),
  sendAudio: sendFile("audio"),
  sendVoice: sendFile("voice"),
  sendVideoNote: sendFile("video_note"),
  sendSticker: sendFile("sticker"),

  sendLocation(e, p) {
    const location = { latitude: coordinate(p, "latitude"), longitude: coordinate(p, "longitude") };
    return sendContent(e, p, () => ({ location }));
  },

  sendVenue(e, p) {
    const location = { latitude: coordinate(p, "latitude"), longitude: coordinate(p, "longitude") };
    const venue: Stored = { location, title: p.str("title"), address: p.str("address") };
    for (const k of ["foursquare_id", "foursquare_type", "google_place_id", "google_place_type"]) if (p.str(k)) venue[k] = p.str(k);
    return sendContent(e, p, () => ({ venue, location: { ...location } }));
  },

  sendContact(e, p) {
    for (const k of ["phone_number", "first_name"]) if (p.str(k) === "") throw badRequest(`parameter "${k}" is required`);
    const contact: Stored = { phone_number: p.str("phone_number"), first_name: p.str("first_name") };
    if (p.str("last_name")) contact.last_name = p.str("last_name");
    if (p.str("vcard")) contact.vcard = p.str("vcard");
    return sendContent(e, p, () => ({ contact }));
  },

  sendPoll(e, p) {
    const question = formatForApi(p.str("question"), p.str("question_parse_mode"), entitiesParam(p, "question_entities"), e.formatOptions).text;
    const raw = p.json<unknown>("options", "options");
    if (!Array.isArray(raw)) throw badRequest("expected an Array of String as options");
    const options = raw.map((o) => {
      if (typeof o === "string") return o;
      if (o && typeof o === "object" && typeof (o as { text?: unknown }).text === "string") return (o as { text: string }).text;
      throw badRequest("expected an option to be of type String");
    });
    const type = p.str("type") || "regular";
    if (type !== "regular" && type !== "quiz") throw badRequest("unsupported poll type specified");
    const isAnonymous = p.has("is_anonymous") ? p.bool("is_anonymous") : true;
    return sendContent(e, p, (chat) => {
      if (question === "") throw badRequest("poll question must be non-empty");
      if (options.length < 2) throw badRequest("poll must have at least 2 option");
      if (options.length > 12) throw badRequest("poll can't have more than 12 options");
      if (!isAnonymous && chat.type === "channel") throw badRequest("non-anonymous polls can't be sent to channel chats");
      return {
        poll: newPoll(question, options, { is_anonymous: isAnonymous, type, allows_multiple_answers: p.bool("allows_multiple_answers") }),
      };
    });
  },

  sendDice(e, p) {
    const emoji = p.str("emoji") || "🎲";
    return sendContent(e, p, () => {
      if (!DICE.has(emoji)) throw badRequest("DICE_EMOJI_INVALID");
      return { dice: { emoji, value: rollDice(emoji) } };
    });
  },

  sendChatAction(e, p) {
    const action = p.str("action").toLowerCase();
    if (!CHAT_ACTIONS.has(action)) throw badRequest("wrong parameter action in request");
    const chat = chatParam(e, p);
    checkCanWrite(e, chat);
    e.chatActions.set(chat.id, { action, at: e.clock.now() });
    e.feed.emit("chat_action", { chatId: chat.id, action });
    return true;
  },
};
