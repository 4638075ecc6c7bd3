import type { APIMethods, TelegramInlineKeyboardMarkup, TelegramReplyParameters } from "@gramio/types";
import { escapeHtml, renderText, stripTags } from "../texts.ts";
import { cardKeyboard } from "./buttons.ts";
import { cardHash, renderCard, shouldBePinned } from "./card.ts";
import { albumMedia, editCall, withPrefix, withSuffix } from "./content.ts";
import { customerTexts, type ApiCall, type CoreContext } from "./context.ts";
import type { Refusal } from "./failures.ts";
import type { CardEditJob, InJob, Job, Lane, OutEditJob, OutJob, Snapshot } from "./jobs.ts";
import { joinParts, mergedParts, mergeRun, recordMerged, TEXT_LIMIT, textPart } from "./merge.ts";
import { fillSnapshot } from "./placeholders.ts";
import { markUnreachable, renderStaffNotice, staleNotice } from "./notify.ts";
import { enqueue, enqueueFirst, isPendingCardEdit, queueCardEdit } from "./queue.ts";
import { countUse, groupFor, link, linkOf, setThread, markDirty, type Conversation, type World } from "./state.ts";

/**
 * One delivery as the core sees it, passed whole (as grammY passes `ctx`): the world, the
 * deployment, the time, and the job at the head of a conversation's lane.
 */
export interface Delivery {
  world: World;
  ctx: CoreContext;
  /** Epoch ms. */
  now: number;
  conv: Conversation;
  lane: Lane;
  job: Job;
  /** The group's budget made this job wait: consecutive texts may go as one comment (src/core/merge.ts). */
  merge?: boolean;
}

/** A Bot API call to make for the job, with what the core needs back from it. */
export interface CallPlan {
  type: "call";
  /** The chat the call goes to. */
  chat: number;
  call: ApiCall;
  /** For the log. */
  note: string;
  /** The message it replies to, if any (a deleted one is answered by "reply_missing"). */
  replyTo?: number;
  /** The card text's hash, for a card post or edit (kept once it went through). */
  cardHash?: string;
  /**
   * Further jobs of the lane this one call carries (a merged comment): they leave the queue
   * with it. Before the call, claimRun (src/core/merge.ts) makes the choice durable.
   */
  also?: Job[];
  /** The merged comment (its group message id) an edit of one of its texts re-renders. */
  merged?: number;
}

/** What to do with the job at the head of a lane. */
export type Plan =
  | CallPlan
  /** Not yet: wait for an event (the thread root) or until `until` (epoch ms). */
  | { type: "wait"; until?: number; why: string }
  /** Nothing to do any more: drop the job. */
  | { type: "skip"; why: string };

/** A failure Telegram will keep giving: what the core decides about it. */
export type Resolution =
  /**
   * The job is done with (reported where needed). `quiet`: nothing new to tell the operator
   * (logged at debug); `hint` replaces the failure's generic hint in the log.
   */
  | { type: "drop"; log: string; quiet?: boolean; hint?: string }
  /** The job no longer applies (its message was deleted, the card it tidied is gone): nothing was lost. */
  | { type: "moot"; log: string }
  /** The job was changed (or preceded by a new job): plan it again now. */
  | { type: "again"; log: string }
  /** A problem only the operator can fix (rights, chat missing): keep the job, try much later. */
  | { type: "later"; log: string };

function call<M extends keyof APIMethods>(chat: number, c: ApiCall<M>, note: string, extra: Pick<CallPlan, "replyTo" | "cardHash"> = {}): CallPlan {
  return { type: "call", chat, call: c, note, ...extra };
}

/** `reply_parameters` to reply to `id`, and the same id for the plan. */
function replyingTo(id: number): { params: { reply_parameters: TelegramReplyParameters }; plan: { replyTo: number } } {
  return { params: { reply_parameters: { message_id: id } }, plan: { replyTo: id } };
}

/** Reply target in the thread: the counterpart of `replyTo` if known, else the root. */
function threadTarget(world: World, conv: Conversation, replyTo: number | undefined, noReply: boolean | undefined): number {
  if (replyTo !== undefined && !noReply) {
    const g = groupFor(world, conv.customer.id, replyTo);
    if (g !== undefined) return g;
  }
  return conv.root!;
}

/** Reply target in the customer's chat for a reply to group message `g`, if it has a counterpart. */
function privateTarget(world: World, conv: Conversation, g: number | undefined): { reply_parameters?: TelegramReplyParameters } {
  if (g === undefined) return {};
  const l = linkOf(world, g);
  if (!l || l.customer !== conv.customer.id) return {};
  return { reply_parameters: { message_id: l.p, allow_sending_without_reply: true } };
}

/** Telegram's limits, in UTF-16 units (JavaScript's string length) after entity parsing. */
const CAPTION_LIMIT = 1024;

/** Whether `snap` with `added` put before or after its text or caption stays within Telegram's limit. */
function fits(snap: Snapshot, added: string): boolean {
  if (snap.text !== undefined) return snap.text.length + added.length <= TEXT_LIMIT;
  return (snap.caption ?? "").length + added.length <= CAPTION_LIMIT;
}

const signatureLine = (signature: string): string => `— ${signature}`;
const signatureSuffix = (signature: string): string => `\n\n${signatureLine(signature)}`;
const editMarker = (ctx: CoreContext): string => `${stripTags(ctx.texts.edited_marker)}\n`;

/** A staff message with its placeholders filled if it is a canned reply. */
function filled(job: OutJob | OutEditJob, conv: Conversation): Snapshot {
  return job.viaBot ? fillSnapshot(job.snap, conv.customer) : job.snap;
}

/**
 * What a staff message looks like at the customer's: placeholders filled, the signature
 * added where it fits (what staff typed is within Telegram's limit; the product's addition
 * must not push it over). Undefined: a plain copy does.
 */
function rewriteFor(job: OutJob | OutEditJob, conv: Conversation): Snapshot | undefined {
  let snap = filled(job, conv);
  let changed = job.viaBot === true;
  const signature = job.signature;
  if (signature && !(job.kind === "out" && job.signatureApart) && fits(snap, signatureSuffix(signature))) {
    const suffix = signatureSuffix(signature);
    if (snap.text !== undefined) snap = { ...snap, ...withSuffix(snap.text, snap.entities, suffix) };
    else snap = { ...snap, ...withCaption(withSuffix(snap.caption ?? "", snap.caption_entities, suffix)) };
    changed = true;
  }
  return changed ? snap : undefined;
}

/**
 * Keeps what the product adds (the staff signature, the edit marker) from making a message
 * too long for Telegram (R13 nothing-lost): when it would not fit (and the message alone does), it goes as a
 * short message of its own, the signature right after the message (see onSuccess), the
 * marker right before the reposted edit. Returns whether the lane changed (plan it again).
 */
export function fitAdded(d: Delivery): boolean {
  const { world, ctx, conv, lane, job } = d;
  if (job.kind === "out" && job.signature && !job.signatureApart) {
    const snap = filled(job, conv);
    if (fits(snap, "") && !fits(snap, signatureSuffix(job.signature))) {
      job.signatureApart = true;
      markDirty(world, "conversations", conv.customer.id);
    }
    return false;
  }
  if (job.kind === "inEdit" && !job.markerApart && (job.repost || groupFor(world, conv.customer.id, job.p) === undefined) && fits(job.snap, "") && !fits(job.snap, editMarker(ctx))) {
    job.markerApart = true;
    const g = job.noReply ? undefined : groupFor(world, conv.customer.id, job.p);
    enqueueFirst(world.state, conv, lane, { kind: "notice", html: ctx.texts.edited_marker, ...(g !== undefined ? { replyTo: g } : {}) }, d.now);
    markDirty(world, "conversations", conv.customer.id);
    return true;
  }
  return false;
}

function withCaption(t: { text: string; entities: Snapshot["entities"] }): Snapshot {
  return { caption: t.text, caption_entities: t.entities ?? [] };
}

/**
 * Decides the Bot API call for the job at the head of a lane, from the current state.
 * Targets are resolved now, not when the job was queued: a thread recreated meanwhile is used.
 */
export function planJob(d: Delivery): Plan {
  const { world, ctx, conv, lane, job } = d;
  const cid = conv.customer.id;
  const needRoot = (): Plan | undefined => (conv.root === undefined ? { type: "wait", why: "thread root" } : undefined);
  switch (job.kind) {
    case "card": {
      if (conv.card !== undefined) return { type: "skip", why: "card exists" };
      const body = cardBody(conv, ctx, job);
      return call(ctx.channel, { method: "sendMessage", params: { chat_id: ctx.channel, ...body } }, "card", { cardHash: cardHashOf(body) });
    }
    case "cardEdit": {
      if (conv.card === undefined) {
        // The card being posted shows the state of when it was planned: edit it once it is there.
        if (conv.queues.team.some((j) => j.kind === "card")) return { type: "wait", until: d.now + 1000, why: "the card is being posted" };
        return { type: "skip", why: "no card yet: it will be posted up to date" };
      }
      const body = cardBody(conv, ctx, job);
      const hash = cardHashOf(body);
      if (!job.check && hash === conv.cardHash) return { type: "skip", why: "card unchanged" };
      return call(ctx.channel, { method: "editMessageText", params: { chat_id: ctx.channel, message_id: conv.card, ...body } }, "card update", { cardHash: hash });
    }
    case "pin": {
      const unpin = (id: number, note: string): Plan => call(ctx.channel, { method: "unpinChatMessage", params: { chat_id: ctx.channel, message_id: id } }, note);
      if (job.card !== undefined) return unpin(job.card, "unpin former card");
      if (conv.card === undefined) return { type: "skip", why: "no card" };
      if (job.pin !== shouldBePinned(conv)) return { type: "skip", why: "pin state changed since" };
      return job.pin
        ? call(ctx.channel, { method: "pinChatMessage", params: { chat_id: ctx.channel, message_id: conv.card, disable_notification: true } }, "pin card")
        : unpin(conv.card, "unpin card");
    }
    case "in": {
      const wait = needRoot();
      if (wait) return wait;
      const run = lane === "team" && conv.queues.team[0] === job ? mergeRun(conv.queues.team, world.busy, d.merge === true && ctx.coalesce) : [];
      if (run.length > 1) {
        const body = joinParts(run.map((j) => j.text!));
        const root = replyingTo(conv.root!);
        const note = `customer ${cid} messages ${run.map((j) => j.p).join(", ")} -> thread as one comment`;
        return { ...call(ctx.group, { method: "sendMessage", params: { chat_id: ctx.group, ...body, ...root.params } }, note, root.plan), also: run.slice(1) };
      }
      const reply = replyingTo(threadTarget(world, conv, job.replyTo, job.noReply));
      return call(ctx.group, { method: "copyMessage", params: { chat_id: ctx.group, from_chat_id: cid, message_id: job.p, ...reply.params } }, `customer ${cid} message ${job.p} -> thread`, reply.plan);
    }
    case "inAlbum": {
      if (d.now < job.settleAt) return { type: "wait", until: job.settleAt, why: "album parts" };
      const wait = needRoot();
      if (wait) return wait;
      const reply = replyingTo(threadTarget(world, conv, job.replyTo, job.noReply));
      if (job.parts.length === 1) {
        const id = job.parts[0]!.id;
        return call(ctx.group, { method: "copyMessage", params: { chat_id: ctx.group, from_chat_id: cid, message_id: id, ...reply.params } }, `customer ${cid} message ${id} -> thread`, reply.plan);
      }
      const media = albumMedia(job.parts.map((p) => p.snap));
      return call(ctx.group, { method: "sendMediaGroup", params: { chat_id: ctx.group, media, ...reply.params } }, `customer ${cid} album of ${job.parts.length} -> thread`, reply.plan);
    }
    case "inEdit": {
      const g = groupFor(world, cid, job.p);
      const note = `customer ${cid} edit of ${job.p} -> new comment`;
      // One text of a merged comment: the comment is re-rendered with that part changed.
      const parts = g !== undefined && job.snap.text !== undefined ? mergedParts(world, g) : undefined;
      const merged = parts && joinParts(parts.map((part) => (part.p === job.p ? textPart(job.snap.text!, job.snap.entities) : part)));
      // No copy to edit (its link is older than retention_days, or it was never delivered),
      // or the merged comment would grow past Telegram's limit: the edited version goes out
      // as a new comment, as when Telegram refuses the edit.
      if (job.repost || g === undefined || (merged && merged.text.length > TEXT_LIMIT)) {
        const wait = needRoot();
        if (wait) return wait;
        const reply = replyingTo((job.noReply ? undefined : g) ?? conv.root!);
        const marker = job.markerApart ? "" : editMarker(ctx); // apart: it went just before
        if (job.snap.text !== undefined) {
          const text = withPrefix(job.snap.text, job.snap.entities, marker);
          return call(ctx.group, { method: "sendMessage", params: { chat_id: ctx.group, ...text, ...reply.params } }, note, reply.plan);
        }
        const cap = withPrefix(job.snap.caption ?? "", job.snap.caption_entities, marker);
        const params = { chat_id: ctx.group, from_chat_id: cid, message_id: job.p, caption: cap.text, caption_entities: cap.entities, ...reply.params };
        return call(ctx.group, { method: "copyMessage", params }, note, reply.plan);
      }
      if (merged) return { ...call(ctx.group, { method: "editMessageText", params: { chat_id: ctx.group, message_id: g, ...merged } }, `customer ${cid} edit of ${job.p} -> merged comment ${g}`), merged: g };
      const edit = editCall(ctx.group, g, job.snap);
      return edit ? { type: "call", chat: ctx.group, call: edit, note: `customer ${cid} edit of ${job.p} -> comment ${g}` } : { type: "skip", why: "kind cannot be edited" };
    }
    case "out": {
      const reply = privateTarget(world, conv, job.replyTo);
      const snap = rewriteFor(job, conv);
      const note = `staff comment ${job.g} -> customer ${cid}`;
      if (snap?.text !== undefined) return call(cid, { method: "sendMessage", params: { chat_id: cid, text: snap.text, entities: snap.entities ?? [], ...reply } }, note);
      const caption = snap ? { caption: snap.caption ?? "", caption_entities: snap.caption_entities ?? [] } : {};
      return call(cid, { method: "copyMessage", params: { chat_id: cid, from_chat_id: ctx.group, message_id: job.g, ...caption, ...reply } }, note);
    }
    case "outAlbum": {
      if (d.now < job.settleAt) return { type: "wait", until: job.settleAt, why: "album parts" };
      if (job.parts.some((p) => (p.snap.caption ?? "").startsWith(ctx.notePrefix))) return { type: "skip", why: "an album posted as an internal note" };
      const reply = privateTarget(world, conv, job.replyTo);
      if (job.parts.length === 1) {
        const id = job.parts[0]!.id;
        return call(cid, { method: "copyMessage", params: { chat_id: cid, from_chat_id: ctx.group, message_id: id, ...reply } }, `staff comment ${id} -> customer ${cid}`);
      }
      const media = albumMedia(job.parts.map((p) => p.snap));
      return call(cid, { method: "sendMediaGroup", params: { chat_id: cid, media, ...reply } }, `staff album of ${job.parts.length} -> customer ${cid}`);
    }
    case "outEdit": {
      const l = linkOf(world, job.g);
      if (!l) return { type: "skip", why: "no copy to edit" };
      const edit = editCall(cid, l.p, rewriteFor(job, conv) ?? job.snap);
      return edit ? { type: "call", chat: cid, call: edit, note: `staff edit of ${job.g} -> customer ${cid}` } : { type: "skip", why: "kind cannot be edited" };
    }
    case "notice": {
      const base = {
        ...html(job.html, job.plain),
        link_preview_options: { is_disabled: true },
        ...(job.disableNotification ? { disable_notification: true } : {}),
        ...(job.keyboard ? { reply_markup: job.keyboard } : {}),
      };
      if (lane === "customer") return call(cid, { method: "sendMessage", params: { chat_id: cid, ...base } }, `notice -> customer ${cid}`);
      const wait = needRoot();
      if (wait) return wait;
      const reply = replyingTo(job.replyTo ?? conv.root!);
      return call(ctx.group, { method: "sendMessage", params: { chat_id: ctx.group, ...base, ...reply.params } }, `notice -> thread of customer ${cid}`, reply.plan);
    }
    case "staff": {
      const stale = staleNotice(world, ctx, conv, job);
      if (stale) return { type: "skip", why: `notification to staff ${job.to}: ${stale}` };
      // The message links to the card: wait until it is posted (it is, moments after opening).
      if (conv.card === undefined) return { type: "wait", until: d.now + 1000, why: "the card, to link to it" };
      const body = { ...html(renderStaffNotice(ctx, conv, job.about, conv.card), job.plain), link_preview_options: { is_disabled: true } };
      return call(job.to, { method: "sendMessage", params: { chat_id: job.to, ...body } }, `notification (${job.about}) about customer ${cid} -> staff ${job.to}`);
    }
  }
}

/** What a card shows, as sendMessage and editMessageText take it. */
interface CardBody {
  text: string;
  parse_mode?: "HTML";
  link_preview_options: { is_disabled: boolean };
  reply_markup?: TelegramInlineKeyboardMarkup;
}

/** A card's text and buttons (R33 card-buttons), as sendMessage and editMessageText take them. */
function cardBody(conv: Conversation, ctx: CoreContext, job: { plain?: boolean; bare?: boolean }): CardBody {
  return { ...html(renderCard(conv, ctx), job.plain), link_preview_options: { is_disabled: true }, ...(job.bare ? {} : { reply_markup: cardKeyboard(conv, ctx) }) };
}

/** The fingerprint of what a card shows: its text and its buttons. */
function cardHashOf(params: CardBody): string {
  return cardHash(String(params.text) + (params.reply_markup ? JSON.stringify(params.reply_markup) : ""));
}

/** A text of ours as HTML, or (after Telegram refused its markup) as the plain text it shows. */
function html(text: string, plain: boolean | undefined): { text: string; parse_mode?: "HTML" } {
  return plain ? { text: stripTags(text) } : { text, parse_mode: "HTML" };
}

function messageIds(result: unknown): number[] {
  if (Array.isArray(result)) return result.map((m: { message_id: number }) => m.message_id);
  return [(result as { message_id: number }).message_id];
}

/** Stores what a successful call produced: the card's id, links between a message and its copy. */
export function onSuccess(d: Delivery, plan: CallPlan, result: unknown): void {
  const { world, conv, job, now: nowMs } = d;
  const { state } = world;
  const cid = conv.customer.id;
  switch (job.kind) {
    case "card": {
      const id = messageIds(result)[0]!;
      // R40 orphan-card: an earlier post was adopted meanwhile; this one's forward deletes it.
      if (conv.card !== undefined && conv.card !== id) return;
      conv.cardHash = plan.cardHash;
      if (conv.card === id) return; // its forward came first and made it the card
      const root = state.pendingRoots[id];
      if (root !== undefined) {
        delete state.pendingRoots[id];
        markDirty(world, "pendingRoots", id);
      }
      setThread(world, conv, id, root);
      return;
    }
    case "cardEdit":
      conv.cardHash = plan.cardHash;
      return;
    case "in": {
      const g = messageIds(result)[0]!;
      const run = [job, ...((plan.also ?? []) as InJob[])];
      // Each original links to the comment; the last one linked is what a staff reply to it answers.
      for (const j of run) link(world, g, cid, j.p, nowMs);
      if (run.length > 1) recordMerged(world, g, run.map((j) => ({ p: j.p, ...j.text! })));
      return;
    }
    case "inEdit": {
      // The merged comment planJob re-rendered, if it was one.
      const g = plan.merged;
      const parts = g !== undefined ? mergedParts(world, g) : undefined;
      const at = parts?.findIndex((part) => part.p === job.p) ?? -1;
      if (parts && at >= 0) {
        parts[at] = { p: job.p, ...textPart(job.snap.text ?? "", job.snap.entities) };
        recordMerged(world, g!, parts);
      }
      return;
    }
    case "inAlbum": {
      const ids = messageIds(result);
      job.parts.forEach((part, i) => ids[i] !== undefined && link(world, ids[i]!, cid, part.id, nowMs));
      return;
    }
    case "out":
      link(world, job.g, cid, messageIds(result)[0]!, nowMs);
      // The signature that did not fit follows at once (queued ahead of anything else).
      if (job.signatureApart && job.signature) enqueueFirst(state, conv, "customer", { kind: "notice", html: escapeHtml(signatureLine(job.signature)) }, nowMs);
      if (job.reply !== undefined) countUse(world, job.reply, nowMs);
      return;
    case "outAlbum": {
      const ids = messageIds(result);
      job.parts.forEach((part, i) => ids[i] !== undefined && link(world, part.id, cid, ids[i]!, nowMs));
      return;
    }
    default:
      return;
  }
}

/**
 * Decides what a permanent failure means for the conversation (R11 edit-fallback, R13 nothing-lost, R15 recreate-thread):
 * nothing is dropped without being reported in the thread, on the card, or both.
 */
export function onFailure(d: Delivery, plan: CallPlan, refusal: Refusal): Resolution {
  const { world, ctx, conv, lane, job, now: nowMs } = d;
  const { cause, description } = refusal;
  const { state } = world;
  const t = ctx.texts;
  const cid = conv.customer.id;
  const reportInThread = (html: string, replyTo?: number): void => {
    enqueue(state, conv, "team", { kind: "notice", html, ...(replyTo !== undefined ? { replyTo } : {}) }, nowMs);
  };
  const reason = (): string =>
    cause === "blocked" ? t.reason_blocked : cause === "too_long" ? t.reason_too_long : renderText(t.reason_other, { description });
  const failed = (): void => {
    conv.failures += 1;
    queueCardEdit(world, conv, nowMs);
  };

  if (job.kind === "pin" && job.card !== undefined) return { type: "moot", log: `former card ${job.card} not unpinned: ${description}` };
  if (cause === "keyboard_refused" && (job.kind === "card" || job.kind === "cardEdit") && !job.bare) {
    job.bare = true;
    return { type: "again", log: `Telegram refused the card's buttons (check the button_ texts: overrides in the config): posting it without them; the commands in its thread still work` };
  }
  if (cause === "markup_refused" && (job.kind === "card" || job.kind === "cardEdit" || job.kind === "notice" || job.kind === "staff") && !job.plain) {
    job.plain = true;
    return { type: "again", log: `Telegram refused the HTML of a text (check the texts: overrides in the config): sending it as plain text` };
  }
  if (job.kind === "staff") return staffFailure(world, ctx, job.to, refusal, nowMs);
  if (cause === "rights" || cause === "chat_missing" || cause === "unauthorized" || cause === "conflict") {
    // Pins and card updates are housekeeping: without the right to do them, the card is
    // merely out of date, and the conversation's messages must not wait behind them.
    if (job.kind === "pin" || job.kind === "cardEdit") return { type: "drop", log: `card of customer ${cid} not updated: ${description}` };
    if (plan.chat === ctx.group || plan.chat === ctx.channel) return { type: "later", log: `cannot deliver to the team (${description}): waiting for the operator to fix it` };
  }

  // The thread (or the message replied to) is gone.
  if (cause === "reply_missing" && plan.chat === ctx.group) {
    const replied = plan.replyTo;
    if (replied !== undefined && replied !== conv.root) {
      if (job.kind === "notice") delete job.replyTo;
      else if (job.kind === "in" || job.kind === "inAlbum") job.noReply = true;
      else if (job.kind === "inEdit") job.noReply = true;
      return { type: "again", log: `message ${replied} was deleted: posting at the thread's root instead` };
    }
    recreateThread(world, conv, nowMs);
    return { type: "again", log: `the thread of customer ${cid} was deleted: recreating the card` };
  }
  if (cause === "message_missing" && (job.kind === "cardEdit" || job.kind === "pin")) {
    recreateThread(world, conv, nowMs);
    return { type: "moot", log: `the card of customer ${cid} was deleted: recreating it` };
  }

  switch (job.kind) {
    case "inEdit":
      if (!job.repost && (cause === "cant_edit" || cause === "message_missing")) {
        job.repost = true;
        return { type: "again", log: `edit of ${job.p} could not be applied (${description}): posting it as a new comment` };
      }
      reportInThread(renderText(t.delivery_failed_team, { reason: reason() }, ["reason"]));
      failed();
      return { type: "drop", log: `edit of customer ${cid} message ${job.p} lost: ${description} (reported in the thread)` };
    case "outEdit":
      if (cause === "blocked") markBlocked(world, conv, nowMs);
      reportInThread(renderText(t.edit_failed_staff, { reason: reason() }, ["reason"]), job.g);
      return { type: "drop", log: `staff edit of ${job.g} not applied for customer ${cid}: ${description} (staff told)` };
    case "out":
    case "outAlbum": {
      if (cause === "blocked") markBlocked(world, conv, nowMs);
      if (cause === "message_missing") return { type: "moot", log: `staff comment was deleted before it could be copied` };
      const g = job.kind === "out" ? job.g : job.parts[0]?.id;
      reportInThread(renderText(t.delivery_failed, { reason: reason() }, ["reason"]), g);
      failed();
      return { type: "drop", log: `staff message not delivered to customer ${cid}: ${description} (reported in the thread and on the card)` };
    }
    case "in":
    case "inAlbum":
      if (plan.also?.length && job.kind === "in") {
        // Whatever Telegram disliked in the merged comment, each text alone is a plain copy.
        job.alone = true;
        delete job.carries;
        return { type: "again", log: `the merged comment was refused (${description}): sending the texts one by one` };
      }
      if (cause === "message_missing") return { type: "moot", log: `customer ${cid} deleted the message before it was copied` };
      if (cause === "cant_copy") {
        enqueue(state, conv, "customer", { kind: "notice", html: renderText(customerTexts(ctx, conv.customer).unsupported_customer, { kind: "?" }) }, nowMs);
        reportInThread(renderText(t.unsupported_staff, { kind: "?" }));
        return { type: "drop", log: `customer ${cid} message cannot be copied: both sides told` };
      }
      reportInThread(renderText(t.delivery_failed_team, { reason: reason() }, ["reason"]));
      failed();
      return { type: "drop", log: `customer ${cid} message not copied: ${description} (reported in the thread and on the card)` };
    case "notice":
      if (lane === "customer" && cause === "blocked") {
        markBlocked(world, conv, nowMs);
        return { type: "drop", log: `customer ${cid} blocked the bot: notice not delivered` };
      }
      return { type: "drop", log: `notice not delivered (${lane}): ${description}` };
    case "card":
      // Without its card a conversation has no thread: everything else of it would wait unseen.
      return { type: "later", log: `the card of customer ${cid} could not be posted (${description}): trying again later` };
    case "pin":
    case "cardEdit":
      return { type: "drop", log: `card of customer ${cid}: ${description}` };
  }
}

/**
 * Asks Telegram whether the card still exists before the delivery at the head of the team
 * lane (R15 recreate-thread): staff may delete a card and keep its thread, and Telegram tells bots of no deletion.
 * The check is an edit to the same text ("message is not modified" = still there); a card
 * found missing is posted again (see onFailure). Returns whether a check was queued.
 */
export function checkCard(d: Pick<Delivery, "world" | "conv" | "now">): boolean {
  const { world, conv } = d;
  if (conv.card === undefined) return false;
  // One edit answers both: the check renders the card as it is when sent, so an update
  // waiting in the card lane goes with it instead of following as a second edit (R21 card).
  const card = conv.queues.card ?? [];
  const waiting = card.findIndex((j) => isPendingCardEdit(world, j));
  const carried: { plain?: boolean; bare?: boolean } = {};
  if (waiting >= 0) {
    const [update] = card.splice(waiting, 1) as [CardEditJob];
    if (update.plain) carried.plain = true;
    if (update.bare) carried.bare = true;
  }
  const head = conv.queues.team[0];
  if (head?.kind === "cardEdit" && isPendingCardEdit(world, head)) Object.assign(head, carried, { check: true });
  else enqueueFirst(world.state, conv, "team", { kind: "cardEdit", check: true, ...carried }, d.now);
  markDirty(world, "conversations", conv.customer.id);
  return true;
}

/**
 * Puts back the card of a conversation that has none and none queued (R15 recreate-thread) (a store written
 * before cards were kept across a stop may hold one): pinned again if open. Returns
 * whether it did.
 */
export function ensureCard(world: World, conv: Conversation, nowMs: number): boolean {
  if (conv.card !== undefined || conv.queues.team.some((j) => j.kind === "card")) return false;
  if (shouldBePinned(conv)) enqueueFirst(world.state, conv, "team", { kind: "pin", pin: true }, nowMs);
  enqueueFirst(world.state, conv, "team", { kind: "card" }, nowMs);
  markDirty(world, "conversations", conv.customer.id);
  return true;
}

/**
 * A private message to staff failed for good. One they never started the bot for (403 "bot
 * can't initiate conversation", or "chat not found" for someone the bot never saw) or
 * blocked it in is remembered: no more are tried until they write to the bot, so this is
 * logged once per staff member, and never retried in a loop.
 */
function staffFailure(world: World, ctx: CoreContext, to: number, { cause, description }: Refusal, nowMs: number): Resolution {
  const who = ctx.staffNames.get(to) ? `${ctx.staffNames.get(to)} (${to})` : String(to);
  if (cause !== "blocked" && cause !== "chat_missing") return { type: "drop", log: `notification to staff member ${who} lost: ${description}` };
  if (!markUnreachable(world, to, nowMs)) return { type: "drop", log: `staff member ${who} is already known to be unreachable`, quiet: true };
  return {
    type: "drop",
    log: `staff member ${who} cannot get private messages from the bot: none are tried again until they write to it`,
    hint: `they must open the bot's chat and press Start (or unblock it) once; their notifications then work`,
  };
}

function markBlocked(world: World, conv: Conversation, nowMs: number): void {
  if (conv.blocked) return;
  conv.blocked = true;
  queueCardEdit(world, conv, nowMs);
}

/**
 * Staff deleted the card or its thread (R15 recreate-thread): forget both and post a new card (pinned
 * if open) ahead of the delivery that found out, which then goes to the new thread.
 */
function recreateThread(world: World, conv: Conversation, nowMs: number): void {
  const { state } = world;
  const { card: oldCard, root: oldRoot } = conv;
  setThread(world, conv, undefined, undefined);
  conv.cardHash = undefined;
  if (oldRoot !== undefined) {
    // The team may keep answering in the thread it knows (if only the card was deleted).
    conv.formerRoots = [...(conv.formerRoots ?? []), oldRoot].slice(-5);
    world.index.roots.set(oldRoot, conv.customer.id);
  }
  if (shouldBePinned(conv)) enqueueFirst(state, conv, "team", { kind: "pin", pin: true }, nowMs);
  enqueueFirst(state, conv, "team", { kind: "card" }, nowMs);
  // The old card, if still there, leaves the pinned list: the new one stands for the conversation.
  if (oldCard !== undefined) enqueue(state, conv, "team", { kind: "pin", pin: false, card: oldCard }, nowMs);
}
