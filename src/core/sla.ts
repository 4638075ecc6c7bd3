/**
 * Response targets (R27 response-targets, config `sla:`): which waiting conversations are overdue at an instant,
 * and since when. Counted in business time when business hours are set (a message on
 * Saturday night is not late on Monday at 09:05). Pure: everything is derived from the
 * stored conversations, so deadlines survive a restart.
 */
import { hasBreach, recordBreach, type SlaTarget } from "./events.ts";
import { addBusinessMs, type Hours } from "./hours.ts";
import { queueCardEdit } from "./queue.ts";
import { markDirty, type Conversation, type State, type World } from "./state.ts";

/** Validated `sla:`; a missing target is not checked. */
export interface Sla {
  /** Minutes to the team's first answer after a conversation opens or reopens. */
  firstResponseMinutes?: number;
  /** Minutes to each later answer once the customer writes again. */
  responseMinutes?: number;
}

/** The wait a conversation is in and when it becomes overdue. */
export interface Deadline {
  customer: number;
  target: SlaTarget;
  /** When the wait began (epoch ms). */
  since: number;
  /** When it reaches its target: an answer at this instant is in time, later is overdue. */
  dueAt: number;
}

/** When the wait a conversation is in began: its first message until the first answer, else since it waits. */
export function waitStart(conv: Conversation): number | undefined {
  return conv.firstResponseAt === undefined ? conv.firstMessageAt : conv.waitingSince;
}

/** The deadline of the wait `conv` is in, if it waits and that wait has a target. */
export function deadlineOf(conv: Conversation, sla: Sla, hours: Hours | undefined): Deadline | undefined {
  if (conv.status !== "open" || conv.banned || conv.waitingSince === undefined) return undefined;
  const first = conv.firstResponseAt === undefined;
  const minutes = first ? sla.firstResponseMinutes : sla.responseMinutes;
  if (minutes === undefined) return undefined;
  const since = waitStart(conv)!;
  const ms = minutes * 60_000;
  const dueAt = hours ? addBusinessMs(hours, since, ms) : since + ms;
  if (dueAt === undefined) return undefined;
  return { customer: conv.customer.id, target: first ? "first_response" : "response", since, dueAt };
}

/** Waiting conversations that are overdue at `t` (past their deadline), the longest overdue first. */
export function overdueAt(state: State, sla: Sla, hours: Hours | undefined, t: number): Deadline[] {
  const out: Deadline[] = [];
  for (const conv of Object.values(state.conversations)) {
    const d = deadlineOf(conv, sla, hours);
    if (d && d.dueAt < t) out.push(d);
  }
  return out.sort((a, b) => a.dueAt - b.dueAt);
}

/**
 * Records an `sla_breach` event, once per wait, for each conversation overdue at `t`
 * (a breach found late, after a restart, is dated when it happened). Returns the new ones.
 */
export function recordBreaches(world: World, sla: Sla, hours: Hours | undefined, t: number): Deadline[] {
  const fresh: Deadline[] = [];
  for (const d of overdueAt(world.state, sla, hours, t)) {
    if (hasBreach(world, d.customer, d.since)) continue;
    recordBreach(world, world.state.conversations[d.customer]!, d.target, d.since, d.dueAt);
    fresh.push(d);
  }
  return fresh;
}

/**
 * Records new breaches (see {@link recordBreaches}) and marks every overdue wait on its
 * conversation, so its card shows ⏰ (one card edit per wait). Derived from the store, so a
 * restart marks what passed while the daemon was down. Returns the new breaches and the
 * conversations whose card changed.
 */
export function markOverdue(world: World, sla: Sla, hours: Hours | undefined, t: number): { fresh: Deadline[]; changed: number[] } {
  const fresh = recordBreaches(world, sla, hours, t);
  const changed: number[] = [];
  for (const d of overdueAt(world.state, sla, hours, t)) {
    const conv = world.state.conversations[d.customer]!;
    if (conv.overdueSince === d.since) continue;
    conv.overdueSince = d.since;
    markDirty(world, "conversations", d.customer);
    queueCardEdit(world, conv, t);
    changed.push(d.customer);
  }
  return { fresh, changed };
}
