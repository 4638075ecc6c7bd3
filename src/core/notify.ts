/**
 * R35 staff-notify. Private messages from the bot to staff: when a conversation opens or reopens, when an
 * owner's customer writes into an unanswered conversation, when a wait passes its response
 * target. One mechanism for all: a `staff` job per recipient in the conversation's staff
 * lane, sent at the lowest priority (it never delays a customer's message), its text made
 * when it is sent (the card's link is known by then). A staff member the bot cannot write
 * to (they never started it, or blocked it) is remembered and skipped, without another
 * try, until they write to the bot.
 */
import { renderText } from "../texts.ts";
import type { CoreContext } from "./context.ts";
import type { NotifyReason, StaffJob } from "./jobs.ts";
import { enqueue } from "./queue.ts";
import { jobsIn, markDirty, type Conversation, type World } from "./state.ts";

/** An owner hears about their waiting customer at most this often, per conversation. */
export const OWNER_WAITING_EVERY_MS = 10 * 60_000;

/** Whether staff member `id` wants private messages: their `/notify` choice, else the config's `notify`. */
export function notifyOn(world: World, ctx: CoreContext, id: number): boolean {
  return world.state.staff[id]?.notify ?? ctx.notify.has(id);
}

/** Whether the bot may try to write to staff member `id` (not refused since they last wrote to it). */
export function reachable(world: World, id: number): boolean {
  return world.state.staff[id]?.unreachableSince === undefined;
}

/** Stores a staff member's `/notify on|off`. */
export function setNotify(world: World, id: number, on: boolean): void {
  (world.state.staff[id] ??= {}).notify = on;
  markDirty(world, "staff", id);
}

/** Staff member `id` wrote to the bot (or started it again): private messages may be tried again. Returns whether they were unreachable. */
export function markReachable(world: World, id: number): boolean {
  const record = world.state.staff[id];
  if (record?.unreachableSince === undefined) return false;
  delete record.unreachableSince;
  markDirty(world, "staff", id);
  return true;
}

/** A private message to `id` was refused for good. Returns false when that was already known (a second refusal in flight). */
export function markUnreachable(world: World, id: number, nowMs: number): boolean {
  const record = (world.state.staff[id] ??= {});
  if (record.unreachableSince !== undefined) return false;
  record.unreachableSince = nowMs;
  markDirty(world, "staff", id);
  return true;
}

/** Queues one message to `to`, unless they do not want it, cannot get it, or one like it is already waiting. */
function tell(world: World, ctx: CoreContext, conv: Conversation, to: number, about: NotifyReason, nowMs: number): boolean {
  if (!ctx.staff.has(to) || to === conv.customer.id || !notifyOn(world, ctx, to) || !reachable(world, to)) return false;
  const lane = jobsIn(conv, "staff");
  if (lane.some((j) => j.kind === "staff" && j.to === to && j.about === about && !world.busy.has(j.id))) return false;
  enqueue(world.state, conv, "staff", { kind: "staff", to, about }, nowMs);
  return true;
}

/** Everyone on the staff with notify on, in the config's order. */
function subscribers(world: World, ctx: CoreContext): number[] {
  return [...ctx.staff].filter((id) => notifyOn(world, ctx, id));
}

/** A conversation opened or reopened: every staff member with notify on is told. Returns how many. */
export function notifyOpened(world: World, ctx: CoreContext, conv: Conversation, about: "opened" | "reopened", nowMs: number): number {
  let n = 0;
  for (const id of subscribers(world, ctx)) if (tell(world, ctx, conv, id, about, nowMs)) n++;
  return n;
}

/**
 * The customer wrote into their (open, unanswered) conversation: its owner, with notify on,
 * is told, at most once per {@link OWNER_WAITING_EVERY_MS}. Returns whether they were.
 */
export function notifyOwnerWaiting(world: World, ctx: CoreContext, conv: Conversation, nowMs: number): boolean {
  const owner = conv.owner;
  if (owner === undefined) return false;
  if (conv.ownerNotifiedAt !== undefined && nowMs - conv.ownerNotifiedAt < OWNER_WAITING_EVERY_MS) return false;
  if (!tell(world, ctx, conv, owner, "waiting", nowMs)) return false;
  conv.ownerNotifiedAt = nowMs;
  markDirty(world, "conversations", conv.customer.id);
  return true;
}

/**
 * A wait passed its response target: the owner is told, or (nobody owns it, or the owner
 * has notify off) every staff member with notify on, so someone always hears. Returns how many.
 */
export function notifyBreach(world: World, ctx: CoreContext, conv: Conversation, nowMs: number): number {
  const owner = conv.owner;
  if (owner !== undefined && ctx.staff.has(owner) && notifyOn(world, ctx, owner)) return tell(world, ctx, conv, owner, "sla", nowMs) ? 1 : 0;
  let n = 0;
  for (const id of subscribers(world, ctx)) if (tell(world, ctx, conv, id, "sla", nowMs)) n++;
  return n;
}

/** The link that opens a post of a private channel: `https://t.me/c/<id without -100>/<post>`. */
export function postLink(channel: number, post: number): string {
  return `https://t.me/c/${String(channel).replace(/^-100/, "")}/${post}`;
}

/**
 * Why a queued message to staff is no longer worth sending, or undefined to send it: they
 * turned notifications off, cannot be reached, or (for a wait) the team answered meanwhile.
 */
export function staleNotice(world: World, ctx: CoreContext, conv: Conversation, job: StaffJob): string | undefined {
  if (!ctx.staff.has(job.to)) return "no longer on the staff";
  if (!notifyOn(world, ctx, job.to)) return "notifications turned off";
  if (!reachable(world, job.to)) return "the bot cannot write to them";
  if ((job.about === "waiting" || job.about === "sla") && conv.waitingSince === undefined) return "answered meanwhile";
  return undefined;
}

/** The private message's HTML: the customer's name (escaped), the origin, a link to the card. */
export function renderStaffNotice(ctx: CoreContext, conv: Conversation, about: NotifyReason, card: number): string {
  const t = ctx.texts;
  const c = conv.customer;
  const vars = {
    name: [c.first_name, c.last_name].filter(Boolean).join(" "),
    origin: conv.origin ? renderText(t.notify_origin, { origin: conv.origin }) : "",
    link: postLink(ctx.channel, card),
    target: conv.firstResponseAt === undefined ? t.notify_target_first : t.notify_target_response,
  };
  const template = { opened: t.notify_opened, reopened: t.notify_reopened, waiting: t.notify_waiting, sla: t.notify_sla }[about];
  return renderText(template, vars, ["origin"]);
}
