/**
 * R29 queue-commands. The team's queue work on a conversation: who owns it, its tags, reopening it. Shared by
 * the thread commands and the card's buttons; each change queues one (coalesced) card edit.
 */
import { DEFAULT_TEXTS, LOCALES } from "../texts.ts";
import { CARD_STATES, isHashtagWord, shouldBePinned, slug, staffTag, stateTag } from "./card.ts";
import type { CoreContext } from "./context.ts";
import { queueCardEdit, setPin } from "./queue.ts";
import type { Conversation, World } from "./state.ts";

/** Tags a conversation may carry (a card is a post: it must stay readable). */
export const MAX_TAGS = 10;

/** A staff member acting: who pressed or typed. */
export interface Actor {
  id: number;
  /** As Telegram shows them (first name), for an owner the config does not name. */
  name: string;
}

/** Makes `id` the owner (or nobody, with undefined). Returns whether anything changed. */
export function setOwner(world: World, conv: Conversation, owner: Actor | undefined, nowMs: number): boolean {
  if (conv.owner === owner?.id) return false;
  if (owner) {
    conv.owner = owner.id;
    conv.ownerName = owner.name;
  } else {
    delete conv.owner;
    delete conv.ownerName;
  }
  queueCardEdit(world, conv, nowMs);
  return true;
}

/** Reopens a closed conversation without waiting for the customer. Returns false when it was open. */
export function reopen(world: World, conv: Conversation, nowMs: number): boolean {
  if (conv.status === "open") return false;
  conv.status = "open";
  conv.waitingSince = undefined;
  queueCardEdit(world, conv, nowMs);
  setPin(world, conv, shouldBePinned(conv), nowMs);
  return true;
}

/** Folds a name for comparing: lower case, no accents, single spaces. */
function fold(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ").trim();
}

/** A staff member as the list shows them: the config's name, or the id alone. */
export interface StaffEntry {
  id: number;
  name?: string;
}

/** The staff list, in id order. */
export function staffList(ctx: CoreContext): StaffEntry[] {
  return [...ctx.staff].sort((a, b) => a - b).map((id) => {
    const name = ctx.staffNames.get(id);
    return name ? { id, name } : { id };
  });
}

/** The staff list in one line, e.g. "Ana (111), Bruno (222), 333". */
export function describeStaff(list: readonly StaffEntry[]): string {
  return list.map((s) => (s.name ? `${s.name} (${s.id})` : String(s.id))).join(", ");
}

/**
 * The staff member `query` names in `list`: an id on it, or a name as in it (case and
 * accents aside; `#ana` and `@ana` too); failing an exact name, the one name it begins.
 */
export function findStaff(list: readonly StaffEntry[], query: string): { found: StaffEntry } | { ambiguous: StaffEntry[] } | { unknown: true } {
  const q = fold(query.replace(/^[#@]/, ""));
  if (/^\d+$/.test(q)) {
    const hit = list.find((s) => s.id === Number(q));
    return hit ? { found: hit } : { unknown: true };
  }
  const named = list.filter((s): s is Required<StaffEntry> => s.name !== undefined);
  const exact = named.filter((s) => fold(s.name) === q || staffTag(s.id, s.name) === slug(q));
  const matches = exact.length > 0 ? exact : named.filter((s) => fold(s.name).startsWith(q) || fold(s.name).split(" ").some((w) => w.startsWith(q)));
  if (matches.length === 1) return { found: matches[0]! };
  if (matches.length > 1) return { ambiguous: matches };
  return { unknown: true };
}

/**
 * Words a tag may not be, so a hashtag always means one thing: the card states (both
 * locales' and the configured words), the priorities, and the staff's names.
 */
function reservedTags(ctx: CoreContext): Set<string> {
  const reserved = new Set<string>(["p1", "p2", "p3", "p4", "p5"]);
  for (const state of CARD_STATES) {
    reserved.add(stateTag(state, ctx.texts));
    for (const locale of LOCALES) reserved.add(stateTag(state, DEFAULT_TEXTS[locale]));
  }
  for (const s of staffList(ctx)) reserved.add(staffTag(s.id, s.name));
  return reserved;
}

/** What `/tag` did: the tags added, the words that are no tags, and those over {@link MAX_TAGS}. */
export interface TagResult {
  added: string[];
  refused: string[];
  overLimit: string[];
}

/** Adds tags (words split at spaces or commas, made lower-case slugs). */
export function addTags(world: World, ctx: CoreContext, conv: Conversation, words: string, nowMs: number): TagResult {
  const reserved = reservedTags(ctx);
  const tags = [...(conv.tags ?? [])];
  const result: TagResult = { added: [], refused: [], overLimit: [] };
  for (const word of words.split(/[\s,]+/).filter(Boolean)) {
    const tag = slug(word.replace(/^#/, ""));
    if (!isHashtagWord(tag) || reserved.has(tag)) result.refused.push(word);
    else if (tags.includes(tag)) continue;
    else if (tags.length >= MAX_TAGS) result.overLimit.push(tag);
    else {
      tags.push(tag);
      result.added.push(tag);
    }
  }
  if (result.added.length > 0) {
    conv.tags = tags;
    queueCardEdit(world, conv, nowMs);
  }
  return result;
}

/** Removes tags; returns the words that were not tags of the conversation. */
export function removeTags(world: World, conv: Conversation, words: string, nowMs: number): string[] {
  const missing: string[] = [];
  let tags = [...(conv.tags ?? [])];
  for (const word of words.split(/[\s,]+/).filter(Boolean)) {
    const tag = slug(word.replace(/^#/, ""));
    if (tags.includes(tag)) tags = tags.filter((t) => t !== tag);
    else missing.push(word);
  }
  if (tags.length !== (conv.tags ?? []).length) {
    if (tags.length > 0) conv.tags = tags;
    else delete conv.tags;
    queueCardEdit(world, conv, nowMs);
  }
  return missing;
}
