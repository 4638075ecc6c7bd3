/**
 * `{first_name}`, `{last_name}` and `{name}` in a staff message, filled with the customer's
 * name when the message reaches the customer. The message's formatting is kept: entity
 * offsets and lengths (UTF-16 units, like JavaScript string indices) move with the text.
 */
import type { TelegramMessageEntity } from "@gramio/types";
import { fullName } from "../texts.ts";
import type { Snapshot } from "./jobs.ts";

/** The customer's name as Telegram gives it. */
export interface PlaceholderCustomer {
  first_name: string;
  last_name?: string;
}

const PLACEHOLDER = /\{(first_name|last_name|name)\}/g;

/** Whether `text` has any placeholder to fill. */
export function hasPlaceholders(text: string): boolean {
  PLACEHOLDER.lastIndex = 0;
  return PLACEHOLDER.test(text);
}

interface Replacement {
  /** Start and end in the original text. */
  start: number;
  end: number;
  /** Start in the new text, and the new length. */
  newStart: number;
  length: number;
}

/**
 * Fills the placeholders and shifts `entities` to match. An entity that wraps a placeholder
 * grows or shrinks with it; one that starts or ends inside a placeholder is stretched to
 * the whole value; one left empty (it covered only an empty `{last_name}`) is dropped.
 * Unknown placeholders (`{email}`) stay as typed. Pure.
 */
export function fillPlaceholders(
  text: string,
  entities: TelegramMessageEntity[] | undefined,
  customer: PlaceholderCustomer,
): { text: string; entities?: TelegramMessageEntity[] } {
  const first = customer.first_name;
  const last = customer.last_name ?? "";
  const values: Record<string, string> = {
    first_name: first,
    last_name: last,
    name: fullName(customer),
  };

  const replacements: Replacement[] = [];
  let out = "";
  let from = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    const value = values[m[1] ?? ""] ?? m[0];
    out += text.slice(from, m.index);
    replacements.push({ start: m.index, end: m.index + m[0].length, newStart: out.length, length: value.length });
    out += value;
    from = m.index + m[0].length;
  }
  if (replacements.length === 0) return entities === undefined ? { text } : { text, entities };
  out += text.slice(from);
  if (entities === undefined) return { text: out };

  // Where an old position lands in the new text. A position strictly inside a placeholder
  // snaps to the start of its value (for an entity start) or the end (for an entity end).
  const map = (pos: number, side: "start" | "end"): number => {
    let shift = 0;
    for (const r of replacements) {
      if (pos <= r.start) break;
      if (pos < r.end) return side === "start" ? r.newStart : r.newStart + r.length;
      shift = r.newStart + r.length - r.end;
    }
    return pos + shift;
  };

  const shifted: TelegramMessageEntity[] = [];
  for (const e of entities) {
    const offset = map(e.offset, "start");
    const end = map(e.offset + e.length, "end");
    if (end > offset) shifted.push({ ...e, offset, length: end - offset });
  }
  return { text: out, entities: shifted };
}

/** A staff message as it reaches the customer: the placeholders of its text or caption filled. */
export function fillSnapshot(snap: Snapshot, customer: PlaceholderCustomer): Snapshot {
  if (snap.text !== undefined) {
    const r = fillPlaceholders(snap.text, snap.entities, customer);
    return { ...snap, text: r.text, ...(r.entities ? { entities: r.entities } : {}) };
  }
  if (snap.caption !== undefined) {
    const r = fillPlaceholders(snap.caption, snap.caption_entities, customer);
    return { ...snap, caption: r.text, ...(r.entities ? { caption_entities: r.entities } : {}) };
  }
  return snap;
}
