import type { TelegramInlineKeyboardMarkup, TelegramMessageEntity } from "@gramio/types";
import type { TextPart } from "./merge.ts";

/**
 * Deliveries are queued per conversation in four lanes, each delivered strictly in order:
 * `team` (card, copies into the thread, notices there), `customer` (copies and notices
 * to the customer's private chat), `card` (edits of the card) and `staff` (private
 * messages to staff about this conversation, sent at the lowest priority). Lanes of one
 * conversation, and conversations, do not wait for each other: a customer who blocked the
 * bot never holds up the thread, a card edit waiting for the channel's budget never holds
 * up messages, and a staff member who never started the bot holds up nothing.
 */
export type Lane = "team" | "customer" | "card" | "staff";
export const LANES: readonly Lane[] = ["team", "customer", "card", "staff"];

/** The parts of a message needed to send or edit its counterpart. */
export interface Snapshot {
  text?: string;
  entities?: TelegramMessageEntity[];
  caption?: string;
  caption_entities?: TelegramMessageEntity[];
  /** For media that sendMediaGroup / editMessageMedia can carry. */
  media?: { type: "photo" | "video" | "animation" | "document" | "audio"; media: string };
  has_spoiler?: boolean;
}

/** One album part: the original message id and what to send. */
export interface AlbumPart {
  id: number;
  snap: Snapshot;
}

interface JobBase {
  id: number;
  /** Epoch ms when queued. */
  at: number;
  /** How many times a transient failure retried it (drives backoff). */
  attempts?: number;
  /** Put at the front of its lane (enqueueFirst): the lane's order (see jobOrder in state-journal.ts). */
  first?: true;
}

/** Post the topic card in the channel. `bare`: Telegram refused its buttons, so it goes without. */
export interface CardJob extends JobBase { kind: "card"; plain?: boolean; bare?: boolean }
/**
 * Bring the card up to date with the conversation (coalesced: at most one queued). With
 * `check` (team lane), edit it even if unchanged: Telegram's answer tells whether staff
 * deleted it; a check carries any update, so none waits beside it in the card lane.
 */
export interface CardEditJob extends JobBase { kind: "cardEdit"; plain?: boolean; bare?: boolean; check?: boolean }
/**
 * Pin (open) or unpin (closed) the card: the channel's pinned list is the queue of open
 * conversations. With `card`, unpin that former card (replaced after staff deleted its thread).
 */
export interface PinJob extends JobBase { kind: "pin"; pin: boolean; card?: number }
/**
 * Copy the customer's private message `p` into the thread (as a reply to the counterpart of `replyTo`).
 * `text`: a plain text (not a reply, not forwarded) that may go merged with the next ones
 * under backlog (src/core/merge.ts); `carries`: the ids of the jobs right after this one that its
 * merged comment carries, stored before that comment is sent (so a crash resends the same comment);
 * `alone`: Telegram refused the merged comment, so this goes by itself.
 */
export interface InJob extends JobBase { kind: "in"; p: number; replyTo?: number; noReply?: boolean; text?: TextPart; carries?: number[]; alone?: boolean }
/** Copy a customer's album into the thread as one album. */
export interface InAlbumJob extends JobBase { kind: "inAlbum"; mediaGroup: string; parts: AlbumPart[]; replyTo?: number; noReply?: boolean; settleAt: number }
/** A customer edited `p`: change its copy in the thread. */
/**
 * `repost`: the edit could not be applied (48 h), so the new version goes out as a new comment
 * marked as an edit; `markerApart`: the marker did not fit in it, so it went just before, alone.
 */
export interface InEditJob extends JobBase { kind: "inEdit"; p: number; snap: Snapshot; repost?: boolean; noReply?: boolean; markerApart?: boolean }
/**
 * Copy staff comment `g` to the customer; with `viaBot` (a canned reply: placeholders) or
 * `signature`, the text is rebuilt instead of copied. `signatureApart`: the signature did not
 * fit in Telegram's limit, so it follows as a message of its own. `reply`: the canned reply
 * it was picked from (inline mode), counted once it reaches the customer (R37 reply-uses).
 */
export interface OutJob extends JobBase { kind: "out"; g: number; replyTo?: number; snap: Snapshot; viaBot?: boolean; reply?: string; signature?: string; signatureApart?: boolean }
/** Copy a staff album to the customer as one album. */
export interface OutAlbumJob extends JobBase { kind: "outAlbum"; mediaGroup: string; parts: AlbumPart[]; replyTo?: number; settleAt: number }
/** Staff edited comment `g`: change its copy in the customer's chat. */
export interface OutEditJob extends JobBase { kind: "outEdit"; g: number; snap: Snapshot; viaBot?: boolean; signature?: string }
/** A text from the bot: into the thread (team lane) or to the customer (customer lane). HTML. */
/** `plain`: Telegram refused the HTML (a bad `texts:` override), so it goes as plain text. */
/** `keyboard`: inline buttons under it (the satisfaction survey). */
export interface NoticeJob extends JobBase { kind: "notice"; html: string; replyTo?: number; disableNotification?: boolean; plain?: boolean; keyboard?: TelegramInlineKeyboardMarkup }

/** Why a staff member is told about a conversation in private (see src/core/notify.ts). */
export type NotifyReason = "opened" | "reopened" | "waiting" | "sla";
/** Tell staff member `to`, in private, about this conversation (staff lane); the text is made when it is sent. */
/** `plain`: Telegram refused the HTML (a bad `texts:` override), so it goes as plain text. */
export interface StaffJob extends JobBase { kind: "staff"; to: number; about: NotifyReason; plain?: boolean }

export type Job = CardJob | CardEditJob | PinJob | InJob | InAlbumJob | InEditJob | OutJob | OutAlbumJob | OutEditJob | NoticeJob | StaffJob;

/** A job before it gets its id and time. */
export type NewJob = Job extends infer J ? (J extends Job ? Omit<J, "id" | "at"> : never) : never;
