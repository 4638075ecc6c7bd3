/**
 * Report events (R28 report-events): small per-conversation records of the moments `clientes report` counts
 * (opened, answered, closed, rated, overdue). They hold no message content: a type, a
 * time, the start of what the event ends, and the conversation's origin, owner and tags
 * at that moment. Kept for `retention_days`, like message links.
 */
import { markDirty, type Conversation, type World } from "./state.ts";

/** Every event type; the report ignores types it does not know. */
export const EVENT_TYPES = ["opened", "reopened", "closed", "first_response", "response", "csat", "sla_breach"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Which response target an `sla_breach` missed. */
export type SlaTarget = "first_response" | "response";

/**
 * One event, stored under its conversation's customer id (`State.events[id]`).
 *
 * - `opened` / `reopened`: a customer's message opened the conversation (again).
 * - `closed`: `/close`; `since` = when this open period began (resolution time).
 * - `first_response`: the team's first answer since (re)opening; `since` = the customer's first message.
 * - `response`: a later team answer to a waiting customer; `since` = when they started waiting.
 * - `csat`: the customer's rating `score` (1–5) of the period that `since` began.
 * - `sla_breach`: a wait that began at `since` passed its `target` at `at`.
 */
export interface ReportEvent {
  type: EventType;
  /** Epoch ms. */
  at: number;
  since?: number;
  target?: SlaTarget;
  score?: number;
  /** `/start` payload of the conversation. */
  origin?: string;
  /** Staff user id who owned the conversation then. */
  owner?: number;
  tags?: string[];
}

/** What a conversation carries that the report groups by (owner and tags come with the card queue). */
interface Attributed {
  origin?: string;
  owner?: number;
  tags?: readonly string[];
}

function attribution(conv: Conversation & Attributed): Pick<ReportEvent, "origin" | "owner" | "tags"> {
  const out: Pick<ReportEvent, "origin" | "owner" | "tags"> = {};
  if (conv.origin !== undefined) out.origin = conv.origin;
  if (conv.owner !== undefined) out.owner = conv.owner;
  if (conv.tags !== undefined && conv.tags.length > 0) out.tags = [...conv.tags];
  return out;
}

function push(world: World, conv: Conversation, event: ReportEvent): void {
  const id = conv.customer.id;
  (world.state.events[id] ??= []).push(event);
  markDirty(world, "events", id);
}

/** Records `opened`, `reopened` or `closed` (call before the status changes). */
export function recordEvent(world: World, conv: Conversation, type: "opened" | "reopened" | "closed", nowMs: number): void {
  push(world, conv, { type, at: nowMs, ...(type === "closed" ? { since: conv.firstMessageAt } : {}), ...attribution(conv) });
}

/**
 * A team answer reached the thread: the first since (re)opening is a `first_response`,
 * a later one to a waiting customer a `response`. Call before the conversation forgets
 * that it was waiting.
 */
export function recordAnswer(world: World, conv: Conversation, nowMs: number): void {
  if (conv.firstResponseAt === undefined) push(world, conv, { type: "first_response", at: nowMs, since: conv.firstMessageAt, ...attribution(conv) });
  else if (conv.waitingSince !== undefined) push(world, conv, { type: "response", at: nowMs, since: conv.waitingSince, ...attribution(conv) });
}

/**
 * Records the customer's rating of the open period that began at `since`. A new rating
 * of the same period replaces the earlier one, so each period counts once.
 */
export function recordCsat(world: World, conv: Conversation, score: number, since: number, nowMs: number): void {
  const list = world.state.events[conv.customer.id];
  // A new array, not splice: the journal writes events in place only as appended (see appendOnly in src/store/journal.ts).
  if (list?.some((e) => e.type === "csat" && e.since === since)) world.state.events[conv.customer.id] = list.filter((e) => !(e.type === "csat" && e.since === since));
  push(world, conv, { type: "csat", at: nowMs, since, score, ...attribution(conv) });
}

/** Whether the wait that began at `since` already has its `sla_breach`. */
export function hasBreach(world: World, customerId: number, since: number): boolean {
  return world.state.events[customerId]?.some((e) => e.type === "sla_breach" && e.since === since) ?? false;
}

/** Records that the wait that began at `since` passed its target at `at` (once per wait). */
export function recordBreach(world: World, conv: Conversation, target: SlaTarget, since: number, at: number): boolean {
  if (hasBreach(world, conv.customer.id, since)) return false;
  push(world, conv, { type: "sla_breach", at, since, target, ...attribution(conv) });
  return true;
}

/** Drops events older than `retentionDays`, so the store stays bounded. Returns how many went. */
export function pruneEvents(world: World, retentionDays: number, nowMs: number): number {
  const cutoff = nowMs - retentionDays * 86_400_000;
  let removed = 0;
  const all = world.state.events;
  for (const c of Object.keys(all)) {
    const list = all[c]!;
    const kept = list.filter((e) => e.at >= cutoff);
    if (kept.length === list.length) continue;
    removed += list.length - kept.length;
    if (kept.length === 0) delete all[c];
    else all[c] = kept;
    markDirty(world, "events", c);
  }
  return removed;
}
