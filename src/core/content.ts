import type { TelegramInputMedia, TelegramInputMediaAnimation, TelegramMessage, TelegramMessageEntity } from "@gramio/types";
import type { ApiCall } from "./context.ts";
import type { Snapshot } from "./jobs.ts";

/**
 * Kinds a bot can copy (R3 copyable-kinds). Anything else (games, invoices, paid media,
 * giveaways, stories, service messages) is reported to both sides instead of being lost.
 */
const COPYABLE = [
  "text", "photo", "video", "animation", "document", "audio", "voice", "video_note",
  "sticker", "location", "venue", "contact", "poll", "dice",
] as const;

const NOT_COPYABLE = [
  "game", "invoice", "paid_media", "giveaway", "giveaway_winners", "story", "successful_payment",
  "checklist", "todo_list",
] as const;

/**
 * Service messages: Telegram's notes about the chat (a pin, an auto-delete timer, a
 * shared contact request…), not something a person said. They are never relayed and
 * need no notice. Anything else unknown is content we cannot copy, and is reported.
 */
const SERVICE = [
  "pinned_message", "new_chat_members", "left_chat_member", "new_chat_title", "new_chat_photo",
  "delete_chat_photo", "group_chat_created", "supergroup_chat_created", "channel_chat_created",
  "message_auto_delete_timer_changed", "migrate_to_chat_id", "migrate_from_chat_id", "users_shared",
  "chat_shared", "write_access_allowed", "connected_website", "proximity_alert_triggered",
  "boost_added", "chat_background_set", "forum_topic_created", "forum_topic_edited", "forum_topic_closed",
  "forum_topic_reopened", "general_forum_topic_hidden", "general_forum_topic_unhidden",
  "video_chat_scheduled", "video_chat_started", "video_chat_ended", "video_chat_participants_invited",
  "web_app_data", "refunded_payment", "gift", "unique_gift",
] as const;

/** Whether a message is Telegram's note about the chat rather than something a person sent. */
export function isServiceMessage(m: TelegramMessage): boolean {
  const record = m as unknown as Record<string, unknown>;
  return SERVICE.some((k) => record[k] !== undefined);
}

/** The kind of message, as a short name (`"photo"`, `"game"`, …), or `"unknown"`. */
export function messageKind(m: TelegramMessage): string {
  const record = m as unknown as Record<string, unknown>;
  // venue messages also carry `location`, so venue is checked first.
  if (record.venue) return "venue";
  for (const kind of [...NOT_COPYABLE, ...COPYABLE]) if (record[kind] !== undefined) return kind;
  return "unknown";
}

/** Whether Telegram lets a bot copy this message. */
export function isCopyable(m: TelegramMessage): boolean {
  return (COPYABLE as readonly string[]).includes(messageKind(m));
}

/** The parts of a message needed to send or edit its counterpart. */
export function snapshotOf(m: TelegramMessage): Snapshot {
  const snap: Snapshot = {};
  if (m.text !== undefined) {
    snap.text = m.text;
    if (m.entities?.length) snap.entities = m.entities;
  }
  if (m.caption !== undefined) snap.caption = m.caption;
  if (m.caption_entities?.length) snap.caption_entities = m.caption_entities;
  const media = mediaOf(m);
  if (media) snap.media = media;
  if (m.has_media_spoiler) snap.has_spoiler = true;
  return snap;
}

function mediaOf(m: TelegramMessage): Snapshot["media"] {
  const photo = m.photo?.at(-1);
  if (photo) return { type: "photo", media: photo.file_id };
  if (m.video) return { type: "video", media: m.video.file_id };
  if (m.animation) return { type: "animation", media: m.animation.file_id };
  if (m.document) return { type: "document", media: m.document.file_id };
  if (m.audio) return { type: "audio", media: m.audio.file_id };
  return undefined;
}

/** The InputMedia object for sendMediaGroup / editMessageMedia, caption included. */
export function inputMedia(snap: Snapshot, caption?: { caption: string; entities?: TelegramMessageEntity[] }): TelegramInputMedia | undefined {
  if (!snap.media) return undefined;
  const text = caption ?? (snap.caption !== undefined ? { caption: snap.caption, entities: snap.caption_entities } : undefined);
  const base = {
    media: snap.media.media,
    ...(text ? { caption: text.caption, ...(text.entities?.length ? { caption_entities: text.entities } : {}) } : {}),
  };
  const spoiler = snap.has_spoiler ? { has_spoiler: true } : {};
  switch (snap.media.type) {
    case "photo":
      return { type: "photo", ...base, ...spoiler };
    case "video":
      return { type: "video", ...base, ...spoiler };
    case "animation":
      return { type: "animation", ...base, ...spoiler };
    case "document":
      return { type: "document", ...base };
    case "audio":
      return { type: "audio", ...base };
  }
}

/** What an album may hold (sendMediaGroup takes no animation). */
export type AlbumMedia = Exclude<TelegramInputMedia, TelegramInputMediaAnimation>;

/** The album items of these snapshots, for sendMediaGroup. */
export function albumMedia(snaps: Snapshot[]): AlbumMedia[] {
  return snaps.map((s) => inputMedia(s)).filter((m): m is AlbumMedia => m !== undefined && m.type !== "animation");
}

/**
 * The edit call that makes a copy show `snap`, or undefined when Telegram offers no edit for
 * that kind (a sticker, a dice, a live location update: nothing to carry).
 */
export function editCall(chatId: number, messageId: number, snap: Snapshot): ApiCall<"editMessageText" | "editMessageMedia" | "editMessageCaption"> | undefined {
  if (snap.text !== undefined) {
    return { method: "editMessageText", params: { chat_id: chatId, message_id: messageId, text: snap.text, entities: snap.entities ?? [] } };
  }
  const media = inputMedia(snap);
  if (media) {
    return { method: "editMessageMedia", params: { chat_id: chatId, message_id: messageId, media } };
  }
  if (snap.caption !== undefined) {
    return { method: "editMessageCaption", params: { chat_id: chatId, message_id: messageId, caption: snap.caption, caption_entities: snap.caption_entities ?? [] } };
  }
  return undefined;
}

/**
 * Prepends `prefix` (plain text) to a text and its entities, shifting offsets so the
 * formatting survives. Used for the "edited" marker and the staff signature.
 */
export function withPrefix(text: string, entities: TelegramMessageEntity[] | undefined, prefix: string): { text: string; entities: TelegramMessageEntity[] } {
  const shift = prefix.length; // JS string length is UTF-16 units, Telegram's offset unit
  return {
    text: prefix + text,
    entities: (entities ?? []).map((e) => ({ ...e, offset: e.offset + shift })),
  };
}

/** Appends `suffix` (plain text) to a text; entities are unchanged. */
export function withSuffix(text: string, entities: TelegramMessageEntity[] | undefined, suffix: string): { text: string; entities: TelegramMessageEntity[] } {
  return { text: text + suffix, entities: entities ?? [] };
}
