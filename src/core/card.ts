import { fullName, renderText, type Texts } from "../texts.ts";
import { cardRating } from "./csat.ts";
import { hhmm, isOpen, localTime, type Hours } from "./hours.ts";
import { waitStart } from "./sla.ts";
import type { Conversation } from "./state.ts";

/**
 * Where a conversation stands in the team's queue, as the card shows it (words, icon and
 * hashtag); the most pressing wins:
 * - `banned`, `blocked` (the customer blocked the bot), `closed`;
 * - `waiting`: the customer's last message has no answer yet;
 * - `open`: opened with a bare `/start`, nothing asked yet;
 * - `answered`: open, and nobody waits.
 */
export type CardState = "open" | "waiting" | "answered" | "closed" | "banned" | "blocked";

/** Every card state, in the order people read them. */
export const CARD_STATES: readonly CardState[] = ["waiting", "answered", "open", "closed", "banned", "blocked"];

/** The state a conversation's card shows (see {@link CardState}). */
export function cardState(conv: Conversation): CardState {
  if (conv.banned) return "banned";
  if (conv.blocked) return "blocked";
  if (conv.status === "closed") return "closed";
  if (conv.waitingSince !== undefined) return "waiting";
  if (conv.nothingAsked) return "open";
  return "answered";
}

const ICONS: Record<CardState, string> = { waiting: "🔴", answered: "🟢", open: "🆕", closed: "⚪", banned: "⛔", blocked: "🚫" };

/** What a card needs besides the conversation: the texts, the staff's names, and the desk's zone (its business hours'). */
export interface CardContext {
  texts: Texts;
  staffNames: ReadonlyMap<number, string>;
  /** Their zone is the desk's, for "waiting since HH:MM"; without hours: the daemon's own zone. */
  hours?: Hours;
}

/**
 * A word as a hashtag body: lower case, accents dropped, anything but letters, digits and
 * `_` made `_`, at most 32 characters. Empty when nothing is left.
 */
export function slug(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_]+/gu, "_")
    .replace(/_+/g, "_")
    .replace(/^_|_$/g, "")
    .slice(0, 32)
    .replace(/_$/, "");
}

/** Whether Telegram makes `#word` a hashtag: it needs at least one letter (`#p5` is one, `#5` is not). */
export function isHashtagWord(word: string): boolean {
  return word.length > 0 && /\p{L}/u.test(word);
}

/** The owner's name: as in the staff list, else as they were called when they took it. */
export function ownerName(conv: Conversation, staffNames: ReadonlyMap<number, string>): string | undefined {
  if (conv.owner === undefined) return undefined;
  return staffNames.get(conv.owner) ?? conv.ownerName ?? String(conv.owner);
}

/** The hashtag body of a staff member's name (`Ana Paula` -> `ana_paula`). */
export function staffTag(id: number, name: string | undefined): string {
  const s = slug(name ?? "");
  return isHashtagWord(s) ? s : `staff_${id}`;
}

/** The hashtag body of a card state in these texts (`waiting`, `aguardando`). */
export function stateTag(state: CardState, texts: Texts): string {
  return slug(texts[`tag_${state}`]) || state;
}

/** Whether the card shows ⏰: it waits, and this wait passed its response target (R27 response-targets). */
export function isOverdue(conv: Conversation): boolean {
  return cardState(conv) === "waiting" && conv.overdueSince !== undefined && conv.overdueSince === waitStart(conv);
}

/** Whether the card shows 🌙: it waits since a message that arrived outside business hours (R26 away-text). */
export function arrivedOutsideHours(conv: Conversation, hours: Hours | undefined): boolean {
  return hours !== undefined && cardState(conv) === "waiting" && !isOpen(hours, conv.waitingSince!);
}

/** A card's hashtags (R30 hashtags), so Telegram's own search filters the queue: state, overdue, priority, owner, tags. */
export function cardHashtags(conv: Conversation, ctx: CardContext): string[] {
  const tags = [stateTag(cardState(conv), ctx.texts)];
  if (isOverdue(conv)) tags.push(slug(ctx.texts.tag_overdue) || "overdue");
  tags.push(`p${conv.priority}`);
  if (conv.owner !== undefined) tags.push(staffTag(conv.owner, ownerName(conv, ctx.staffNames)));
  for (const t of conv.tags ?? []) tags.push(t);
  return tags.map((t) => `#${t}`);
}

/** "HH:MM" at `ms` in `timezone` (without one: the daemon's own zone). */
export function clockTime(ms: number, timezone?: string): string {
  if (timezone) return hhmm(localTime(timezone, ms).minutes);
  const d = new Date(ms);
  return hhmm(d.getHours() * 60 + d.getMinutes());
}

/** The topic card's HTML (R21 card): name, @username, id, origin, state (⏰ overdue, 🌙 outside hours), priority, owner, rating, undelivered count, hashtags. */
export function renderCard(conv: Conversation, ctx: CardContext): string {
  const { texts } = ctx;
  const c = conv.customer;
  const state = cardState(conv);
  const name = fullName(c);
  const owner = ownerName(conv, ctx.staffNames);
  const since = conv.waitingSince === undefined ? "" : clockTime(conv.waitingSince, ctx.hours?.timezone);
  const rating = cardRating(conv);
  return renderText(
    texts.card,
    {
      status_icon: ICONS[state],
      name,
      username: c.username ? renderText(texts.card_username, { username: c.username }) : "",
      id: c.id,
      status: renderText(texts[`status_${state}`], { since }),
      priority: conv.priority,
      origin: conv.origin ? renderText(texts.card_origin, { origin: conv.origin }) : "",
      owner: owner === undefined ? "" : renderText(texts.card_owner, { owner }),
      failures: conv.failures > 0 ? renderText(texts.card_failures, { count: conv.failures }) : "",
      overdue: isOverdue(conv) ? texts.card_overdue : "",
      outside_hours: arrivedOutsideHours(conv, ctx.hours) ? texts.card_outside_hours : "",
      csat: rating === undefined ? "" : renderText(texts.card_csat, { score: rating }),
      hashtags: cardHashtags(conv, ctx).join(" "),
    },
    ["username", "origin", "owner", "failures", "status", "overdue", "outside_hours", "csat"],
  );
}

/** Whether an open card belongs in the channel's pinned list (R22 pinned-queue). */
export function shouldBePinned(conv: Conversation): boolean {
  return conv.status === "open" && !conv.banned && !conv.nothingAsked;
}

/** A short fingerprint of a card's text (FNV-1a, 32 bits): enough to tell "changed" from "same". */
export function cardHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}
