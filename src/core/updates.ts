import type { TelegramMessage, TelegramUpdate, TelegramUser } from "@gramio/types";
import { fullName, renderText } from "../texts.ts";
import { awayIfClosed } from "./away.ts";
import { onPress } from "./buttons.ts";
import { onSurveyPress } from "./csat.ts";
import { handleCommand, handlePrivateCommand, parseCommand, type Command } from "./commands.ts";
import { recordAnswer, recordEvent } from "./events.ts";
import { replyOfMessage } from "./inline.ts";
import { isCopyable, isServiceMessage, messageKind, snapshotOf } from "./content.ts";
import { customerTexts, type ApiCall, type CoreContext } from "./context.ts";
import type { InAlbumJob, Job, OutAlbumJob, Snapshot } from "./jobs.ts";
import { intruderOf } from "./guard.ts";
import type { RepliesEdit } from "./replies-edit.ts";
import { markReachable, markUnreachable, notifyOpened, notifyOwnerWaiting } from "./notify.ts";
import { textPart, type TextPart } from "./merge.ts";
import { enqueue, setPin, queueCardEdit } from "./queue.ts";
import { linkOf, setThread, markDirty, type Conversation, type Customer, type World } from "./state.ts";

/** What handling one update asks of the daemon besides the queued jobs. */
export interface UpdateEffects {
  /** Conversations that changed: the daemon wakes their deliveries (the core marks them for the store). */
  wake: Set<number>;
  /** Calls to make right away, outside any conversation's order (e.g. removing a pin notice). */
  immediate: ApiCall[];
  /** Human-readable lines for the log. */
  log: string[];
  /** Edits of the replies file commands asked for (R36 save-reply): the daemon makes them, then answers with answerRepliesEdit. */
  replies: RepliesEdit[];
  /** People who joined the group and must be removed (R38 closed-group). */
  intruders: TelegramUser[];
}

/**
 * The core's entry point: applies one update to the world (conversations, queues) and
 * says what else to do. Pure: no I/O, time comes in as `nowMs`.
 */
export function handleUpdate(world: World, ctx: CoreContext, update: TelegramUpdate, nowMs: number): UpdateEffects {
  const fx: UpdateEffects = { wake: new Set(), immediate: [], log: [], replies: [], intruders: [] };
  if (update.message) {
    const m = update.message;
    if (m.chat.type === "private") onCustomerMessage(world, ctx, m, nowMs, fx);
    else if (m.chat.id === ctx.group) onGroupMessage(world, ctx, m, nowMs, fx);
  } else if (update.edited_message) {
    const m = update.edited_message;
    if (m.chat.type === "private") onCustomerEdit(world, m, nowMs, fx);
    else if (m.chat.id === ctx.group) onGroupEdit(world, ctx, m, nowMs, fx);
  } else if (update.channel_post) {
    onChannelPost(world, ctx, update.channel_post, fx);
  } else if (update.callback_query) {
    // Every press is answered, even one that is not ours, or the button spins until it times out.
    const q = update.callback_query;
    const survey = onSurveyPress(world, ctx, q, nowMs);
    const out = survey ?? onPress(world, ctx, q, nowMs);
    fx.immediate.push(out?.answer ?? { method: "answerCallbackQuery", params: { callback_query_id: q.id } }, ...(survey?.immediate ?? []));
    if (out?.changed !== undefined) fx.wake.add(out.changed);
    if (out) fx.log.push(out.log);
  } else if (update.chat_member) {
    const intruder = intruderOf(ctx, update.chat_member);
    if (intruder) {
      fx.intruders.push(intruder);
      fx.log.push(`user ${intruder.id} joined the group and is not staff: removing them`);
    }
  } else if (update.my_chat_member && update.my_chat_member.chat.type === "private") {
    const { chat, new_chat_member } = update.my_chat_member;
    if (ctx.staff.has(chat.id)) onStaffBlockChange(world, chat.id, new_chat_member.status, nowMs, fx);
    onBlockChange(world, chat.id, new_chat_member.status, nowMs, fx);
  }
  for (const id of fx.wake) markDirty(world, "conversations", id); // what wakes was changed, so it is saved too
  return fx;
}

function customerOf(m: TelegramMessage): Customer {
  const from = m.from!;
  const c: Customer = { id: from.id, first_name: from.first_name };
  if (from.last_name) c.last_name = from.last_name;
  if (from.username) c.username = from.username;
  if (from.language_code) c.language_code = from.language_code;
  return c;
}

function newConversation(customer: Customer, nowMs: number): Conversation {
  return {
    customer,
    status: "open",
    banned: false,
    blocked: false,
    priority: 3,
    failures: 0,
    createdAt: nowMs,
    firstMessageAt: nowMs,
    queues: { team: [], customer: [], card: [], staff: [] },
  };
}

const START = /^\/start(?:@(\w+))?(?:\s+(\S.*))?$/s;

/** Whether a message is a bare `/start` (with or without a payload) addressed to us: pressing Start, not a question. */
function isStart(m: TelegramMessage, botUsername: string): boolean {
  const match = START.exec((m.text ?? "").trim());
  return match !== null && (match[1] === undefined || match[1].toLowerCase() === botUsername.toLowerCase());
}

function startPayload(m: TelegramMessage): string | undefined {
  const match = START.exec((m.text ?? "").trim());
  return match?.[2]?.trim().slice(0, 64);
}

/**
 * A customer wrote: R1 first-contact, R2 customer-relay, R3 copyable-kinds, R4 origin,
 * R18 reopen, R19 ban, R20 blocked (cleared by writing).
 */
function onCustomerMessage(world: World, ctx: CoreContext, m: TelegramMessage, nowMs: number, fx: UpdateEffects): void {
  if (!m.from || m.from.is_bot) return;
  if (isServiceMessage(m)) return; // e.g. the customer pinned a message: nothing they said
  const { state } = world;
  const customer = customerOf(m);
  if (ctx.staff.has(customer.id) && markReachable(world, customer.id)) {
    fx.log.push(`staff member ${customer.id} wrote to the bot: private notifications to them are tried again`);
  }
  let conv = state.conversations[customer.id];
  /** Whether this message opened or reopened the conversation: staff are told so, not that it waits. */
  let opened: "opened" | "reopened" | undefined;
  const command = parseCommand(m.text ?? "", ctx.botUsername);
  if (command && onPrivateCommand(world, ctx, m, command, conv, nowMs, fx)) return;
  // Pressing Start opens the conversation and its card, but asks nothing: nobody waits for us (R31 bare-start).
  const start = isStart(m, ctx.botUsername);
  if (!conv) {
    conv = newConversation(customer, nowMs);
    const origin = startPayload(m);
    if (origin) conv.origin = origin;
    if (start) conv.nothingAsked = true;
    else conv.waitingSince = nowMs; // the card is posted showing it
    state.conversations[customer.id] = conv;
    enqueue(state, conv, "team", { kind: "card" }, nowMs);
    if (!start) {
      setPin(world, conv, true, nowMs);
      recordEvent(world, conv, "opened", nowMs);
      opened = "opened";
    }
    const t = customerTexts(ctx, customer);
    enqueue(state, conv, "customer", { kind: "notice", html: renderText(start ? t.welcome_start : t.welcome, customer) }, nowMs);
    fx.log.push(`new conversation with customer ${customer.id}${start ? " (Start pressed: not waiting yet)" : ""}`);
  } else if (customerChanged(conv.customer, customer)) {
    if (profileChanged(conv.customer, customer)) queueCardEdit(world, conv, nowMs);
    conv.customer = customer;
  }
  fx.wake.add(customer.id);
  if (conv.banned) {
    fx.log.push(`customer ${customer.id} is banned: message ${m.message_id} not relayed`);
    return;
  }
  if (conv.blocked) {
    conv.blocked = false; // they wrote to us, so they unblocked the bot
    queueCardEdit(world, conv, nowMs);
  }
  if (start) {
    // A returning customer pressed Start again (they cleared the chat): greet them, reopen nothing.
    if (conv.status === "closed") enqueue(state, conv, "customer", { kind: "notice", html: renderText(customerTexts(ctx, customer).welcome_start, customer) }, nowMs);
  } else {
    const firstQuestion = conv.nothingAsked === true;
    if (firstQuestion) {
      // Their first question: the conversation enters the queue now, and its response time starts.
      conv.nothingAsked = undefined;
      conv.firstMessageAt = nowMs;
      recordEvent(world, conv, "opened", nowMs);
      opened = "opened";
      setPin(world, conv, true, nowMs);
      queueCardEdit(world, conv, nowMs);
    }
    if (conv.status === "closed") {
      if (!firstQuestion) recordEvent(world, conv, "reopened", nowMs);
      conv.status = "open";
      conv.firstMessageAt = nowMs;
      conv.firstResponseAt = undefined;
      enqueue(state, conv, "customer", { kind: "notice", html: renderText(customerTexts(ctx, customer).reopen, customer) }, nowMs);
      queueCardEdit(world, conv, nowMs);
      setPin(world, conv, true, nowMs);
      fx.log.push(`conversation with customer ${customer.id} reopened`);
      if (!firstQuestion) opened = "reopened";
    }
    if (conv.waitingSince === undefined) {
      conv.waitingSince = nowMs;
      queueCardEdit(world, conv, nowMs);
    }
    // R35 staff-notify: the conversation entering the queue, or its owner's customer writing again.
    if (opened) notifyOpened(world, ctx, conv, opened, nowMs);
    else notifyOwnerWaiting(world, ctx, conv, nowMs);
    const away = awayIfClosed(world, ctx, conv, nowMs);
    if (away) fx.log.push(away);
  }

  if (!isCopyable(m)) {
    const kind = messageKind(m);
    enqueue(state, conv, "customer", { kind: "notice", html: renderText(customerTexts(ctx, customer).unsupported_customer, { kind }) }, nowMs);
    enqueue(state, conv, "team", { kind: "notice", html: renderText(ctx.texts.unsupported_staff, { kind }) }, nowMs);
    fx.log.push(`customer ${customer.id} sent a ${kind}, which cannot be copied: both sides told`);
    return;
  }
  const replyTo = m.reply_to_message?.message_id;
  if (m.media_group_id) {
    addAlbumPart(world, ctx, conv, "team", "inAlbum", m, replyTo, nowMs);
    return;
  }
  if (replyTo) enqueue(state, conv, "team", { kind: "in", p: m.message_id, replyTo }, nowMs);
  else enqueue(state, conv, "team", { kind: "in", p: m.message_id, ...mergeableText(ctx, m) }, nowMs);
}

/** A command the bot handles in private chats (see COMMANDS): answered, never relayed. */
function onPrivateCommand(world: World, ctx: CoreContext, m: TelegramMessage, cmd: Command, conv: Conversation | undefined, nowMs: number, fx: UpdateEffects): boolean {
  const send = (html: string): void => {
    if (conv) enqueue(world.state, conv, "customer", { kind: "notice", html }, nowMs);
    else fx.immediate.push({ method: "sendMessage", params: { chat_id: m.chat.id, text: html, parse_mode: "HTML" } });
  };
  const handled = handlePrivateCommand({ world, ctx, nowMs, m, cmd, conv, staff: ctx.staff.has(m.from!.id), send });
  if (handled) {
    if (conv) fx.wake.add(conv.customer.id);
    fx.log.push(`command /${cmd.name} in the private chat of ${m.from!.id}`);
  }
  return handled;
}

/** What the card shows of the customer changed. */
function profileChanged(a: Customer, b: Customer): boolean {
  return a.first_name !== b.first_name || a.last_name !== b.last_name || a.username !== b.username;
}

function customerChanged(a: Customer, b: Customer): boolean {
  return profileChanged(a, b) || a.language_code !== b.language_code;
}

/**
 * Parts of one album arrive as separate updates; they are gathered into one job that
 * waits `albumSettleMs` after the last part, then goes out as one album.
 */
function addAlbumPart(
  world: World,
  ctx: CoreContext,
  conv: Conversation,
  lane: "team" | "customer",
  kind: "inAlbum" | "outAlbum",
  m: TelegramMessage,
  replyTo: number | undefined,
  nowMs: number,
): void {
  const queue = conv.queues[lane];
  const last = queue.at(-1);
  const settleAt = nowMs + ctx.albumSettleMs;
  if (last && last.kind === kind && last.mediaGroup === m.media_group_id && nowMs < last.settleAt && last.parts.length < 10) {
    last.parts.push({ id: m.message_id, snap: snapshotOf(m) });
    last.settleAt = settleAt;
    return;
  }
  const job: Omit<InAlbumJob, "id" | "at"> | Omit<OutAlbumJob, "id" | "at"> = {
    kind,
    mediaGroup: m.media_group_id!,
    parts: [{ id: m.message_id, snap: snapshotOf(m) }],
    settleAt,
    ...(replyTo ? { replyTo } : {}),
  };
  enqueue(world.state, conv, lane, job, nowMs);
}

/** R10 edits-both-ways, customer side; before the copy went out, the edit changes what goes out. */
function onCustomerEdit(world: World, m: TelegramMessage, nowMs: number, fx: UpdateEffects): void {
  const conv = world.state.conversations[m.chat.id];
  if (!conv || conv.banned) return;
  if (m.location && !m.venue) return; // live location updates: the copy is a static pin, nothing to carry
  fx.wake.add(conv.customer.id);
  const queued = queuedSnapshot(world, conv.queues.team, m.message_id);
  if (queued) {
    queued.set(snapshotOf(m)); // an album part not sent yet: it goes out edited
    return;
  }
  // A plain copy not sent yet copies the edited message anyway; the edit job then finds
  // nothing to change ("not modified"), which is fine.
  enqueue(world.state, conv, "team", { kind: "inEdit", p: m.message_id, snap: snapshotOf(m) }, nowMs);
}

/** Whether a group message comes from the team (R9 staff-list). */
export function isStaffMessage(ctx: CoreContext, m: TelegramMessage): boolean {
  if (m.sender_chat) {
    // Posted as the channel, or as the group by an anonymous admin (the group holds only its creator).
    return m.sender_chat.id === ctx.channel || m.sender_chat.id === ctx.group;
  }
  return m.from !== undefined && ctx.staff.has(m.from.id);
}

/** The conversation a group message belongs to, through its thread root. */
function conversationOfThread(world: World, m: TelegramMessage): Conversation | undefined {
  const rootId = m.message_thread_id ?? m.reply_to_message?.message_id;
  if (rootId === undefined) return undefined;
  const cid = world.index.roots.get(rootId);
  return cid === undefined ? undefined : world.state.conversations[cid];
}

function senderName(m: TelegramMessage): string {
  if (m.sender_chat) return "title" in m.sender_chat && m.sender_chat.title ? m.sender_chat.title : "?";
  const f = m.from;
  if (!f) return "?";
  return fullName(f) + (f.username ? ` (@${f.username})` : "");
}

/** A comment in the group: R6 staff-reply, R7 internal-note, R8 non-staff-comment, R16 commands. */
function onGroupMessage(world: World, ctx: CoreContext, m: TelegramMessage, nowMs: number, fx: UpdateEffects): void {
  const { state } = world;
  if (m.is_automatic_forward && m.sender_chat?.id === ctx.channel) {
    onAutomaticForward(world, ctx, m, nowMs, fx);
    return;
  }
  const conv = conversationOfThread(world, m);
  if (!conv) return; // general group chatter, or a thread that is not a conversation
  const cid = conv.customer.id;
  const staff = isStaffMessage(ctx, m);
  const text = m.text ?? m.caption ?? "";

  const command = parseCommand(text, ctx.botUsername);
  if (command) {
    handleCommand({ world, ctx, nowMs, m, cmd: command, conv, staff, edits: fx.replies });
    fx.wake.add(cid);
    fx.log.push(`command /${command.name} in the thread of customer ${cid}${staff ? "" : " (not staff: refused)"}`);
    return;
  }
  // An internal note. An album's caption is on one part only, so an album is judged as a
  // whole when it goes out (planJob), not part by part here.
  if (text.startsWith(ctx.notePrefix) && !(staff && m.media_group_id)) return;
  if (!staff) {
    enqueue(state, conv, "team", { kind: "notice", html: renderText(ctx.texts.not_staff, { name: senderName(m) }), replyTo: m.message_id }, nowMs);
    fx.wake.add(cid);
    fx.log.push(`comment ${m.message_id} by non-staff ${m.from?.id} in the thread of customer ${cid}: not relayed`);
    return;
  }
  // Writing first to someone who only pressed Start answers nothing: no response time starts.
  if (!conv.nothingAsked) {
    recordAnswer(world, conv, nowMs);
    conv.firstResponseAt ??= nowMs;
  }
  if (conv.waitingSince !== undefined) {
    conv.waitingSince = undefined;
    queueCardEdit(world, conv, nowMs); // waiting -> answered
  }
  fx.wake.add(cid);
  if (!isCopyable(m)) {
    const kind = messageKind(m);
    enqueue(state, conv, "team", { kind: "notice", html: renderText(ctx.texts.delivery_failed, { reason: kind }), replyTo: m.message_id }, nowMs);
    return;
  }
  const root = conv.root;
  const replyTo = m.reply_to_message && m.reply_to_message.message_id !== root ? m.reply_to_message.message_id : undefined;
  if (m.media_group_id) {
    addAlbumPart(world, ctx, conv, "customer", "outAlbum", m, replyTo, nowMs);
    return;
  }
  const signature = signatureOf(ctx, m);
  const viaBot = m.via_bot?.id === ctx.botId;
  const reply = viaBot ? replyOfMessage(ctx.replies ?? [], m.text ?? m.caption)?.id : undefined;
  enqueue(
    state,
    conv,
    "customer",
    {
      kind: "out",
      g: m.message_id,
      snap: snapshotOf(m),
      ...(replyTo ? { replyTo } : {}),
      ...(viaBot ? { viaBot: true } : {}),
      ...(reply !== undefined ? { reply } : {}),
      ...(signature ? { signature } : {}),
    },
    nowMs,
  );
}

/** The agent's name to sign with, when signatures are on (posts as the channel are unsigned). */
function signatureOf(ctx: CoreContext, m: TelegramMessage): string | undefined {
  return ctx.signatures && m.from && !m.sender_chat ? ctx.staffNames.get(m.from.id) : undefined;
}

/**
 * A queued (not yet sent) job that carries message `id` in its snapshot: an edit made
 * before the message went out just updates what will be sent.
 */
function queuedSnapshot(world: World, jobs: Job[], id: number): { set(snap: Snapshot): void } | undefined {
  for (const j of jobs) {
    if (world.busy.has(j.id)) continue;
    if (j.kind === "out" && j.g === id) return { set: (snap) => (j.snap = snap) };
    // A text that may go merged carries its text: it goes out as edited.
    if (j.kind === "in" && j.p === id && j.text) {
      return { set: (snap) => (j.text = textPart(snap.text ?? "", snap.entities)) };
    }
    if (j.kind === "outAlbum" || j.kind === "inAlbum") {
      const part = j.parts.find((p) => p.id === id);
      if (part) return { set: (snap) => (part.snap = snap) };
    }
  }
  return undefined;
}

/** Unclaimed automatic forwards kept; far more than cards can be in flight at once. */
const MAX_PENDING_ROOTS = 200;

/**
 * The customer a channel post is a card of, read from the card's text: the first `code`
 * entity that is a number (the ID line of R21 card) names a conversation, and a `#p1`–`#p5`
 * hashtag (the priority's, which every card carries) says it is a card, not an admin's post.
 */
export function cardCustomerOf(world: World, m: TelegramMessage): number | undefined {
  const text = m.text ?? "";
  const entities = m.entities ?? [];
  const part = (e: { offset: number; length: number }): string => text.slice(e.offset, e.offset + e.length);
  if (!entities.some((e) => e.type === "hashtag" && /^#p[1-5]$/.test(part(e)))) return undefined;
  const code = entities.find((e) => e.type === "code");
  if (!code || !/^\d+$/.test(part(code))) return undefined;
  const cid = Number(part(code));
  return world.state.conversations[cid] ? cid : undefined;
}

/**
 * R40 orphan-card: a card of ours the state does not know (posted by a call whose answer a
 * crash lost). Adopted as the card when the conversation's is still to be posted (or on its
 * way); deleted, with its discussion copy, when the conversation already has another.
 * Returns whether it was one.
 */
function onOrphanCard(world: World, ctx: CoreContext, m: TelegramMessage, post: number, nowMs: number, fx: UpdateEffects): boolean {
  const cid = cardCustomerOf(world, m);
  if (cid === undefined) return false;
  const conv = world.state.conversations[cid]!;
  const queue = conv.queues.team;
  if (conv.card === undefined) {
    const job = queue.findIndex((j) => j.kind === "card");
    if (job < 0) return false; // no card expected: left to R15 recreate-thread
    setThread(world, conv, post, m.message_id);
    // A post in flight now, if its answer comes, is the second card: its own forward deletes it.
    if (!world.busy.has(queue[job]!.id)) {
      queue.splice(job, 1);
      conv.cardHash = undefined;
      queueCardEdit(world, conv, nowMs); // it shows the state of when it was posted
    }
    fx.wake.add(cid);
    fx.log.push(`card ${post} of customer ${cid} (posted before a crash) adopted: thread ${m.message_id}`);
    return true;
  }
  fx.immediate.push(
    { method: "deleteMessage", params: { chat_id: ctx.channel, message_id: post } },
    // Deleting a channel post keeps its discussion copy: an empty thread the team might answer in.
    { method: "deleteMessage", params: { chat_id: ctx.group, message_id: m.message_id } },
  );
  fx.log.push(`card ${post} of customer ${cid} is a second card (posted before a crash): deleted, the conversation keeps card ${conv.card}`);
  return true;
}

/** A card's automatic forward: the thread root of R1 first-contact, even when it comes first. */
function onAutomaticForward(world: World, ctx: CoreContext, m: TelegramMessage, nowMs: number, fx: UpdateEffects): void {
  const { state } = world;
  const origin = m.forward_origin;
  const post = origin && origin.type === "channel" ? origin.message_id : (m as { forward_from_message_id?: number }).forward_from_message_id;
  if (post === undefined) return;
  const cid = world.index.cards.get(post);
  if (cid === undefined) {
    if (onOrphanCard(world, ctx, m, post, nowMs, fx)) return;
    // Telegram may deliver the forward before our sendMessage call has returned the card's id.
    // Admins' own channel posts land here too and are never claimed: keep only the newest.
    state.pendingRoots[post] = m.message_id;
    markDirty(world, "pendingRoots", post);
    const posts = Object.keys(state.pendingRoots);
    if (posts.length > MAX_PENDING_ROOTS) {
      for (const old of posts.map(Number).sort((a, b) => a - b).slice(0, posts.length - MAX_PENDING_ROOTS)) {
        delete state.pendingRoots[old];
        markDirty(world, "pendingRoots", old);
      }
    }
    return;
  }
  const conv = state.conversations[cid];
  if (!conv) return;
  setThread(world, conv, conv.card, m.message_id);
  fx.wake.add(cid);
  fx.log.push(`thread ${m.message_id} is the conversation with customer ${cid}`);
}

/** R10 edits-both-ways, staff side, and the R11 edit-fallback notice when the copy is unknown. */
function onGroupEdit(world: World, ctx: CoreContext, m: TelegramMessage, nowMs: number, fx: UpdateEffects): void {
  if (m.is_automatic_forward) return; // the card's own copy, edited by us
  const conv = conversationOfThread(world, m);
  if (!conv || !isStaffMessage(ctx, m)) return;
  const queued = queuedSnapshot(world, conv.queues.customer, m.message_id);
  if (queued) {
    queued.set(snapshotOf(m)); // not sent yet: the customer gets the edited version
    fx.wake.add(conv.customer.id);
    return;
  }
  const inFlight = conv.queues.customer.some((j) => world.busy.has(j.id) && ((j.kind === "out" && j.g === m.message_id) || (j.kind === "outAlbum" && j.parts.some((p) => p.id === m.message_id))));
  if (!inFlight && !linkOf(world, m.message_id)) {
    const text = m.text ?? m.caption ?? "";
    if (text.startsWith(ctx.notePrefix) || parseCommand(text, ctx.botUsername)) return; // never meant for the customer
    // Its copy is unknown (older than retention_days, or never delivered): staff must know
    // the customer keeps what they had.
    const reason = ctx.texts.reason_no_copy;
    enqueue(world.state, conv, "team", { kind: "notice", html: renderText(ctx.texts.edit_failed_staff, { reason }, ["reason"]), replyTo: m.message_id }, nowMs);
    fx.wake.add(conv.customer.id);
    return;
  }
  const signature = signatureOf(ctx, m);
  enqueue(
    world.state,
    conv,
    "customer",
    { kind: "outEdit", g: m.message_id, snap: snapshotOf(m), ...(m.via_bot?.id === ctx.botId ? { viaBot: true } : {}), ...(signature ? { signature } : {}) },
    nowMs,
  );
  fx.wake.add(conv.customer.id);
}

/** A customer blocked (status "kicked") or unblocked the bot: the card says so right away (R20 blocked). */
function onBlockChange(world: World, customerId: number, status: string, nowMs: number, fx: UpdateEffects): void {
  const conv = world.state.conversations[customerId];
  if (!conv) return;
  const blocked = status === "kicked";
  if (conv.blocked === blocked) return;
  conv.blocked = blocked;
  queueCardEdit(world, conv, nowMs);
  fx.wake.add(customerId);
  fx.log.push(`customer ${customerId} ${blocked ? "blocked" : "unblocked"} the bot`);
}

/** A staff member blocked or (re)started the bot: private notifications stop or may be tried again. */
function onStaffBlockChange(world: World, id: number, status: string, nowMs: number, fx: UpdateEffects): void {
  if (status === "kicked") {
    if (markUnreachable(world, id, nowMs)) fx.log.push(`staff member ${id} blocked the bot: no private notifications to them until they write to it`);
  } else if (markReachable(world, id)) {
    fx.log.push(`staff member ${id} started the bot again: private notifications to them are tried again`);
  }
}

/** R22 pinned-queue: the "pinned a message" notice of our own pin is removed. */
function onChannelPost(world: World, ctx: CoreContext, m: TelegramMessage, fx: UpdateEffects): void {
  // Pinning a card makes Telegram post "pinned a message" in the channel: noise for the team.
  const pinned = m.pinned_message;
  if (pinned && m.chat.id === ctx.channel && world.index.cards.has(pinned.message_id)) {
    fx.immediate.push({ method: "deleteMessage", params: { chat_id: ctx.channel, message_id: m.message_id } });
  }
}

/** A plain text of the customer's that may go merged with the next ones under backlog (src/core/merge.ts). */
function mergeableText(ctx: CoreContext, m: TelegramMessage): { text?: TextPart } {
  if (!ctx.coalesce || m.text === undefined || m.forward_origin || m.via_bot || m.reply_markup) return {};
  return { text: textPart(m.text, m.entities) };
}
