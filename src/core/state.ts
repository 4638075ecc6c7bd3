import type { ReportEvent } from "./events.ts";
import { LANES, type Job, type Lane } from "./jobs.ts";
import { forgetMerged, type MergedPart } from "./merge.ts";
import { markFirst } from "./state-journal.ts";

/** Schema version of the daemon's store; bump it with a migration in {@link migrateState}. */
export const STATE_VERSION = 7;

/** What Telegram lets a bot know about a customer (R5 minimal-profile): nothing more is kept. */
export interface Customer {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  /** The IETF tag of their Telegram language, if Telegram gave one: picks the customer's texts. */
  language_code?: string;
}

export type ConversationStatus = "open" | "closed";

/** A satisfaction survey: the open period it rates (`since`, epoch ms), when it went out, and the customer's rating. */
export interface Survey {
  since: number;
  sentAt: number;
  score?: number;
  /** When the rating was tapped (epoch ms). */
  ratedAt?: number;
}

/** One customer's conversation: its card, its thread and the deliveries still owed. */
export interface Conversation {
  customer: Customer;
  status: ConversationStatus;
  banned: boolean;
  /** The customer blocked the bot (a delivery got 403); cleared when they write again. */
  blocked: boolean;
  /** 1 (lowest) to 5 (most urgent). */
  priority: number;
  /** `/start <payload>` of the first contact. */
  origin?: string;
  /** Channel post id of the topic card. */
  card?: number;
  /** Group message id of the card's automatic forward: the comment thread's root. */
  root?: number;
  /** Roots of threads this conversation had before its card was recreated: staff may still answer there. */
  formerRoots?: number[];
  /** Deliveries that failed for good, shown on the card. */
  failures: number;
  /** Epoch ms. */
  createdAt: number;
  /** When the customer started waiting for an answer (unanswered message), else undefined. */
  waitingSince?: number;
  /** Epoch ms of the team's first answer in this conversation. */
  firstResponseAt?: number;
  /** Epoch ms of the first customer message that got the first answer (for response times). */
  firstMessageAt: number;
  /**
   * A hash of the card text last sent, so a card is edited only when what it shows
   * changes (the text itself would cost ~400 bytes a conversation in memory).
   */
  cardHash?: string;
  /** End of the closed period (business hours) whose away text this customer got: once per period. */
  awayUntil?: number;
  /** Staff user id of the team member who owns the conversation (`/take`, `/assign`, the Take button). */
  owner?: number;
  /** The owner's name when they took it, for an owner no longer named in the config. */
  ownerName?: string;
  /** Tags (`/tag`), lower-case slugs, shown on the card as hashtags; at most MAX_TAGS. */
  tags?: string[];
  /**
   * Opened by a bare `/start` and nothing asked since: not waiting, and its card not pinned
   * (pressing Start is not a question). Cleared by the customer's next message.
   */
  nothingAsked?: boolean;
  /** When the owner was last told in private that this customer waits (at most one per OWNER_WAITING_EVERY_MS). */
  ownerNotifiedAt?: number;
  /** The latest satisfaction survey sent (config `csat`, src/core/csat.ts), and its rating once tapped. */
  survey?: Survey;
  /** The start of the wait whose response target passed (R27 response-targets): the card shows ⏰ while that wait lasts. */
  overdueSince?: number;
  /**
   * Deliveries still owed, per lane: each lane is delivered in order, the order of jobOrder
   * (src/core/state-journal.ts): add jobs with enqueue / enqueueFirst, never in between.
   */
  queues: Queues;
}

/** The lanes a conversation may lack: an empty one is left out of the store (see {@link SPARE_LANES}). */
export type SpareLane = "card" | "staff";
/** A conversation's lanes: team and customer always, the spare lanes once they hold jobs (read them with {@link jobsIn}). */
export type Queues = Record<Exclude<Lane, SpareLane>, Job[]> & Partial<Record<SpareLane, Job[] | undefined>>;

/**
 * The lanes a conversation holds only while they are in use: stores older than the card (v2)
 * and staff (v4) lanes have none, so every version's shape check accepts a record without
 * them. Parsed from the store, an empty array cost 40 bytes: the two lanes added 8 MB to the
 * daemon's memory at 100,000 conversations, most of which never use them.
 */
export const SPARE_LANES: readonly SpareLane[] = ["card", "staff"];

const NO_JOBS: readonly Job[] = Object.freeze([]);

/** The jobs queued in a lane of `conv` (none for a spare lane it does not hold). */
export function jobsIn(conv: Conversation, lane: Lane): readonly Job[] {
  return conv.queues[lane] ?? NO_JOBS;
}

/** What the daemon remembers about a staff member, by user id (`State.staff`). */
export interface StaffRecord {
  /** Their `/notify on|off` in private with the bot: wins over the config's `notify`. */
  notify?: boolean;
  /**
   * When a private message to them was refused (they never started the bot, or blocked it):
   * nothing more is tried until they write to the bot, so a refusal is logged once.
   */
  unreachableSince?: number;
}

/** How often a canned reply reached a customer (`State.replyUses`, by reply id). */
export interface ReplyUse {
  count: number;
  /** Epoch ms of the latest use. */
  last: number;
}

/**
 * A customer's message links: each message and its copy, `g` in the discussion group and
 * `p` in the customer's private chat, with when the link was made (epoch seconds), as one
 * flat array `[g, p, at, g, p, at, …]` in the order they were made. Flat numbers, not
 * an object per link: at 500,000 links that is ~25 MB of memory instead of ~90 MB.
 * Changed in place only by appending (the journal then writes just the new link);
 * anything else replaces the array (see `appendOnly` in src/store/journal.ts).
 */
export type Links = number[];

/**
 * Everything the daemon persists: scalars plus three keyed collections, so a store can
 * save just the records that changed. Keys are numbers written as strings (JSON).
 */
export interface State {
  /** The next update_id to ask for: every update below it has had its effects stored. */
  offset: number;
  /** Update ids handled recently, as ranges (src/core/handled.ts): an update sent again has no second effect. */
  handled?: number[];
  nextJobId: number;
  /** By customer id (= their private chat id). */
  conversations: Record<string, Conversation>;
  /** Automatic forwards seen before their card's sendMessage returned: channel post id -> group message id. */
  pendingRoots: Record<string, number>;
  /** By customer id: see {@link Links}. */
  links: Record<string, Links>;
  /** By customer id: what `clientes report` counts, oldest first (see src/core/events.ts). */
  events: Record<string, ReportEvent[]>;
  /** By staff user id: notification choices and reachability (see src/core/notify.ts). */
  staff: Record<string, StaffRecord>;
  /** By canned reply id: how often it reached a customer (the replies file holds no counts). */
  replyUses: Record<string, ReplyUse>;
  /**
   * By group message id: the parts of each comment that carries several of a customer's
   * texts (see src/core/merge.ts), so an edit of one re-renders it. One record per comment:
   * storing one costs that comment, not the customer's history. Pruned with the links.
   */
  merged: Record<string, MergedPart[]>;
  /**
   * By chat (the group, the channel): the times (epoch ms, ascending) of the sends the rate
   * limiter counts in Telegram's last minute, so a restart during a backlog does not
   * overfill that window. Appended to as sends happen (see {@link keepRecentSends}).
   */
  recentSends: Record<string, number[]>;
}

/**
 * The collections of {@link State} that change record by record (mark one with markDirty):
 * the store journals each dirty record whole unless it is {@link APPEND_ONLY} or has a codec
 * (src/core/README.md says how to add one).
 */
export const COLLECTIONS = ["conversations", "pendingRoots", "links", "events", "staff", "replyUses", "merged", "recentSends"] as const;
export type Collection = (typeof COLLECTIONS)[number];
/** The collections whose arrays change in place only by appending (journaled as the new items); anything else assigns a new array. */
export const APPEND_ONLY = ["links", "events", "recentSends"] as const satisfies readonly Collection[];

/** A fresh, empty state. */
export function emptyState(): State {
  return { offset: 0, nextJobId: 1, conversations: {}, pendingRoots: {}, links: {}, events: {}, staff: {}, replyUses: {}, merged: {}, recentSends: {} };
}

/**
 * In-memory indexes derived from {@link State}, rebuilt at start-up, never stored:
 * card and thread root -> customer, and group message -> conversation for the links.
 */
export class Indexes {
  /** Channel post id of a card -> customer id. */
  readonly cards = new Map<number, number>();
  /** Group message id of a thread root -> customer id. */
  readonly roots = new Map<number, number>();
  /** Group message id of a linked message -> its conversation (whose links hold the pair). */
  readonly linked = new Map<number, Conversation>();

  constructor(state: State) {
    for (const conv of Object.values(state.conversations)) {
      if (conv.card !== undefined) this.cards.set(conv.card, conv.customer.id);
      for (const root of conv.formerRoots ?? []) this.roots.set(root, conv.customer.id);
      if (conv.root !== undefined) this.roots.set(conv.root, conv.customer.id);
      const links = state.links[conv.customer.id];
      if (links) for (let i = 0; i < links.length; i += 3) this.linked.set(links[i]!, conv);
    }
  }
}

/** The state with its indexes: what the core reads and changes. */
export interface World {
  state: State;
  index: Indexes;
  /** Ids of jobs whose call is in flight right now (kept by the deliverer, never stored). */
  busy: Set<number>;
  /** Records changed since the store last saved them (the store takes and clears these). */
  dirty: Record<Collection, Set<string>>;
}

/** Wraps a loaded state with fresh indexes; `dirty` is the store's set of changed records. */
export function worldOf(state: State, dirty?: Record<Collection, Set<string>>): World {
  const world: World = { state, index: new Indexes(state), busy: new Set(), dirty: dirty ?? (Object.fromEntries(COLLECTIONS.map((c) => [c, new Set<string>()])) as Record<Collection, Set<string>>) };
  for (const conv of Object.values(state.conversations)) {
    // An empty spare lane goes (undefined, not deleted: the record keeps its shape in memory):
    // the next snapshot leaves it out, so the start after that does not parse it at all.
    for (const lane of SPARE_LANES) if (conv.queues[lane]?.length === 0) conv.queues[lane] = undefined;
  }
  return world;
}

/** Marks a record as changed, so the store saves it. */
export function markDirty(world: World, collection: Collection, key: number | string): void {
  world.dirty[collection].add(String(key));
}

/** Records that group message `g` and customer `c`'s private message `p` are copies of each other. */
export function link(world: World, g: number, c: number, p: number, nowMs: number): void {
  const conv = world.state.conversations[c];
  if (!conv) return;
  (world.state.links[c] ??= []).push(g, p, Math.floor(nowMs / 1000));
  world.index.linked.set(g, conv);
  markDirty(world, "links", c);
}

/** The group counterpart of customer `c`'s private message `p`, if linked (newest first). */
export function groupFor(world: World, c: number, p: number): number | undefined {
  const links = world.state.links[c];
  if (!links) return undefined;
  for (let i = links.length - 3; i >= 0; i -= 3) if (links[i + 1] === p) return links[i];
  return undefined;
}

/** The customer and private-chat counterpart of group message `g`, if linked. */
export function linkOf(world: World, g: number): { customer: number; p: number } | undefined {
  const conv = world.index.linked.get(g);
  if (!conv) return undefined;
  const links = world.state.links[conv.customer.id];
  if (!links) return undefined;
  for (let i = links.length - 3; i >= 0; i -= 3) if (links[i] === g) return { customer: conv.customer.id, p: links[i + 1]! };
  return undefined;
}

/** R37 reply-uses: canned reply `id` reached a customer. */
export function countUse(world: World, id: string, nowMs: number): void {
  const use = (world.state.replyUses[id] ??= { count: 0, last: nowMs });
  use.count += 1;
  use.last = nowMs;
  markDirty(world, "replyUses", id);
}

/** Sets (or clears) a conversation's card and thread root, keeping the indexes in step. */
export function setThread(world: World, conv: Conversation, card: number | undefined, root: number | undefined): void {
  const { index } = world;
  if (conv.card !== undefined) index.cards.delete(conv.card);
  if (conv.root !== undefined) index.roots.delete(conv.root);
  conv.card = card;
  conv.root = root;
  if (card !== undefined) index.cards.set(card, conv.customer.id);
  if (root !== undefined) index.roots.set(root, conv.customer.id);
  markDirty(world, "conversations", conv.customer.id);
}

/** Drops links older than `retentionDays`, so the store stays bounded. Returns how many went. */
export function pruneLinks(world: World, retentionDays: number, nowMs: number): number {
  const cutoff = Math.floor(nowMs / 1000) - retentionDays * 86_400;
  let removed = 0;
  const all = world.state.links;
  for (const c of Object.keys(all)) {
    const links = all[c]!;
    // Links are appended as they are made, so the old ones are at the front.
    let keep = 0;
    const gone: number[] = [];
    while (keep < links.length && links[keep + 2]! < cutoff) {
      world.index.linked.delete(links[keep]!);
      gone.push(links[keep]!);
      keep += 3;
    }
    if (keep === 0) continue;
    forgetMerged(world, gone);
    removed += keep / 3;
    if (keep === links.length) delete all[c];
    else all[c] = links.slice(keep); // a new array: the journal writes it whole
    markDirty(world, "links", c);
  }
  return removed;
}

/** Upgrades a store written by an older clientes (the store calls this when it opens one). */
export function migrateState(data: unknown, fromVersion: number): State {
  const state = data as State & { links: Record<string, unknown> };
  if (fromVersion < 2) {
    // v1: links[g] = [customer, p, at]; v2: per customer, flat, oldest first.
    const old = state.links as Record<string, [number, number, number]>;
    const byCustomer: Record<string, Array<[number, number, number]>> = {};
    for (const g of Object.keys(old)) {
      const [c, p, at] = old[g]!;
      (byCustomer[c] ??= []).push([Number(g), p, at]);
    }
    const links: Record<string, Links> = {};
    for (const [c, list] of Object.entries(byCustomer)) links[c] = list.sort((a, b) => a[2] - b[2]).flat();
    state.links = links;
    for (const conv of Object.values(state.conversations)) delete (conv as { cardText?: string }).cardText;
  }
  // v3: report events (src/core/events.ts). Idempotent, so it holds whatever other step shares this version.
  if (fromVersion < 3) state.events ??= {};
  // v4: staff records, reply uses and the staff lane (private messages to staff). Idempotent too.
  if (fromVersion < 4) {
    state.staff ??= {};
    state.replyUses ??= {};
    // A record of the wrong shape is left for the state check to name (it runs after this).
    for (const conv of Object.values(state.conversations ?? {}) as Array<Partial<Conversation> | null>) {
      if (conv && typeof conv === "object" && conv.queues && typeof conv.queues === "object") conv.queues.staff ??= [];
    }
  }
  // v5: the journal writes queued jobs one by one, placed by jobOrder; a job put at the front
  // before v5 carries no `first` mark: mark the lane's leading jobs that are out of id order.
  if (fromVersion < 5) {
    for (const conv of Object.values(state.conversations ?? {}) as Array<Partial<Conversation> | null>) {
      // A record of the wrong shape is left as it is, for the shape check to name it.
      if (conv && typeof conv === "object" && conv.queues && typeof conv.queues === "object") for (const queue of Object.values(conv.queues)) markFirst(queue);
    }
  }
  // v6: merged comments' parts (src/core/merge.ts) and the limiter's last minute.
  if (fromVersion < 6) {
    state.merged ??= {};
    state.recentSends ??= {};
  }
  // v7: nothing to migrate. A journal line may leave out a conversation whose fields did not
  // change (src/core/state-journal.ts), which a clientes reading up to v6 would replay wrong:
  // the version makes it refuse the store instead.
  return state;
}

/** A chat's kept times are replaced by the recent ones (one whole write) once they are this many: at 20 a minute, every ~2 minutes. */
const RECENT_REWRITE_AT = 60;

/**
 * Keeps the rate limiter's memory (`memory`: by chat, its sends of the last minute, ascending)
 * in `recentSends` for the next start. Appending: a store write journals just the new times,
 * not the minute's ~20 of each chat; replaced by the recent ones once a chat holds
 * {@link RECENT_REWRITE_AT}, and dropped once a chat has none left in the window.
 */
export function keepRecentSends(world: World, memory: Record<string, readonly number[]>): void {
  const kept = world.state.recentSends;
  for (const chat of Object.keys(kept)) {
    if (memory[chat]) continue;
    delete kept[chat];
    markDirty(world, "recentSends", chat);
  }
  for (const [chat, times] of Object.entries(memory)) {
    const had = kept[chat];
    const last = had?.at(-1) ?? Number.NEGATIVE_INFINITY;
    // Two sends may complete in the same millisecond: what is new is what `had` does not hold yet.
    const sameAsLast = (list: readonly number[]): number => list.filter((t) => t === last).length;
    const fresh = [...Array<number>(Math.max(0, sameAsLast(times) - (had ? sameAsLast(had) : 0))).fill(last), ...times.filter((t) => t > last)];
    if (fresh.length === 0) continue;
    if (had && had.length + fresh.length <= RECENT_REWRITE_AT) had.push(...fresh);
    else kept[chat] = [...times]; // a new array: the journal writes it whole
    markDirty(world, "recentSends", chat);
  }
}
