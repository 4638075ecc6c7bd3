/**
 * The staff list: edits of the config's `staff:` key that keep the rest of the file (and
 * its comments) as it is, and who among a chat's administrators is a person.
 */
import type { TelegramChatMember, TelegramUser } from "@gramio/types";
import { isMap, isSeq, Scalar, type Document, type YAMLMap, type YAMLSeq } from "yaml";
import type { StaffMember } from "../config/index.ts";
import { suggestAll } from "../config/suggest.ts";

/** "Ana Souza" from a Telegram user (first and last name). */
export function displayName(user: Pick<TelegramUser, "first_name" | "last_name">): string {
  return [user.first_name, user.last_name].filter((s) => s !== undefined && s.trim() !== "").join(" ").trim();
}

/** `Ana (111)` / `111`, for messages. */
export function describeMember(m: StaffMember): string {
  return m.name !== undefined ? `${m.name} (${m.id})` : String(m.id);
}

/**
 * The people among getChatAdministrators' answer, as staff members: bots (the relay bot
 * itself is listed) are left out, in Telegram's order.
 */
export function humanAdmins(admins: readonly TelegramChatMember[]): StaffMember[] {
  const out: StaffMember[] = [];
  for (const a of admins) {
    if (a.user.is_bot || out.some((m) => m.id === a.user.id)) continue;
    const name = displayName(a.user);
    out.push(name !== "" ? { id: a.user.id, name } : { id: a.user.id });
  }
  return out;
}

/** The `staff:` sequence of the document, created (block style) when missing, null or empty flow `[]`. */
function staffSeq(doc: Document): YAMLSeq {
  const node = doc.get("staff", true);
  if (isSeq(node)) {
    // `staff: []` would grow as a one-line flow list; people read and edit block lists.
    if (node.flow) node.flow = false;
    return node;
  }
  const seq = doc.createNode([]) as YAMLSeq;
  seq.flow = false;
  doc.set("staff", seq);
  return seq;
}

function idOf(item: unknown): number | undefined {
  if (!isMap(item)) return undefined;
  const id = (item as YAMLMap).get("id");
  if (typeof id === "number") return id;
  if (typeof id === "string" && /^\d+$/.test(id.trim())) return Number(id.trim());
  return undefined;
}

/** A new `- id: N\n  name: "…"` entry, the name double-quoted like config.example.yaml's. */
function entry(doc: Document, member: StaffMember): YAMLMap {
  const map = doc.createNode({ id: member.id }) as YAMLMap;
  if (member.name !== undefined) {
    const name = new Scalar(member.name);
    name.type = Scalar.QUOTE_DOUBLE;
    map.set("name", name);
  }
  return map;
}

/** Appends members to `staff:` (the caller has checked they are not listed yet). */
export function addStaffTo(doc: Document, members: readonly StaffMember[]): void {
  const seq = staffSeq(doc);
  for (const m of members) seq.items.push(entry(doc, m));
}

/** Removes the entry with this id from `staff:`; returns whether there was one. */
export function removeStaffFrom(doc: Document, id: number): boolean {
  const node = doc.get("staff", true);
  if (!isSeq(node)) return false;
  const index = node.items.findIndex((item) => idOf(item) === id);
  if (index === -1) return false;
  node.items.splice(index, 1);
  return true;
}

/** A staff id typed by the operator: a positive whole number, or why not. */
export function parseStaffId(raw: string): { ok: true; id: number } | { ok: false; why: string } {
  const s = raw.trim();
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (Number.isSafeInteger(n) && n > 0) return { ok: true, id: n };
  }
  if (/^-\d+$/.test(s)) return { ok: false, why: `${s} is a chat id (negative); staff are people, with positive ids` };
  if (s.startsWith("@")) {
    return {
      ok: false,
      why: `${s} is a username; staff are listed by numeric Telegram id (clientes staff sync adds the channel's admins with their ids)`,
    };
  }
  return { ok: false, why: `expected a Telegram user id (a positive whole number like 111111111), got ${JSON.stringify(raw)}` };
}

/** Gives the entry with this id the name (double-quoted, comments kept); returns whether there was one. */
export function renameStaffIn(doc: Document, id: number, name: string): boolean {
  const node = doc.get("staff", true);
  if (!isSeq(node)) return false;
  const item = node.items.find((i) => idOf(i) === id);
  if (!isMap(item)) return false;
  const scalar = new Scalar(name);
  scalar.type = Scalar.QUOTE_DOUBLE;
  (item as YAMLMap).set("name", scalar);
  return true;
}

/** Which staff member the operator meant, or why none (with the likely ones). */
export type StaffLookup =
  | { ok: true; member: StaffMember }
  | { ok: false; problem: string; hint: string; badUsage: boolean };

/**
 * The staff member an argument names: an id, or a name (case and accents ignored) that
 * only one member has. Not found: the closest ids and names as "did you mean".
 */
export function findStaff(staff: readonly StaffMember[], raw: string, where: string): StaffLookup {
  const typed = raw.trim();
  const parsed = parseStaffId(typed);
  if (parsed.ok) {
    const member = staff.find((m) => m.id === parsed.id);
    if (member) return { ok: true, member };
  } else {
    const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().trim();
    const named = staff.filter((m) => m.name !== undefined && fold(m.name) === fold(typed));
    if (named.length === 1) return { ok: true, member: named[0]! };
    if (named.length > 1) {
      return {
        ok: false,
        badUsage: true,
        problem: `${named.length} staff members are called ${JSON.stringify(typed)}: ${named.map(describeMember).join(", ")}`,
        hint: `say which by id, e.g. ${named[0]!.id}`,
      };
    }
  }
  const byLabel = new Map<string, StaffMember>();
  for (const m of staff) {
    byLabel.set(String(m.id), m);
    if (m.name !== undefined) byLabel.set(m.name, m);
  }
  const near = [...new Set(suggestAll(typed, [...byLabel.keys()]).map((label) => byLabel.get(label)!))];
  const isId = parsed.ok;
  if (!isId && near.length === 0 && !/^\p{L}/u.test(typed)) {
    return { ok: false, badUsage: true, problem: parsed.ok ? "" : parsed.why, hint: "see who is staff with: clientes staff list" };
  }
  return {
    ok: false,
    badUsage: false,
    problem: `${isId ? typed : JSON.stringify(typed)} is not on the staff list of ${where}`,
    hint: near.length > 0 ? `did you mean ${near.map(describeMember).join(" or ")}?` : "see who is staff with: clientes staff list",
  };
}
