import type { Job, Lane } from "./jobs.ts";

/** Schema version of the daemon's store; bump it with a migration in src/daemon/store.ts. */
export const STATE_VERSION = 1;

/** What Telegram lets a bot know about a customer (PRODUCT.md rule 5): nothing more is kept. */
export interface Customer {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
}

export type ConversationStatus = "open" | "closed";

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
  /** Deliveries still owed, per lane: each lane is delivered in order. */
  queues: Record<Lane, Job[]>;
}

/**
 * A message and its copy: `g` in the discussion group, `p` in the customer's private chat.
 * Stored as `links[g] = [customerId, p, epochSeconds]`.
 */
export type Link = [customer: number, p: number, at: number];

/**
 * Everything the daemon persists: scalars plus three keyed collections, so a store can
 * save just the records that changed. Keys are numbers written as strings (JSON).
 */
export interface State {
  /** The next update_id to ask for: every update below it has had its effects stored. */
  offset: number;
  nextJobId: number;
  /** By customer id (= their private chat id). */
  conversations: Record<string, Conversation>;
  /** Automatic forwards seen before their card's sendMessage returned: channel post id -> group message id. */
  pendingRoots: Record<string, number>;
  links: Record<string, Link>;
}

/** The collections of {@link State} that change record by record. */
export const COLLECTIONS = ["conversations", "pendingRoots", "links"] as const;
export type Collection = (typeof COLLECTIONS)[number];

/** A fresh, empty state. */
export function emptyState(): State {
  return { offset: 0, nextJobId: 1, conversations: {}, pendingRoots: {}, links: {} };
}

/**
 * In-memory indexes derived from {@link State}, rebuilt at start-up, never stored:
 * card and thread root -> customer, and the reverse of `links` (customer message -> copy).
 */
export class Indexes {
  private readonly p2g = new Map<string, number>();
  /** Channel post id of a card -> customer id. */
  readonly cards = new Map<number, number>();
  /** Group message id of a thread root -> customer id. */
  readonly roots = new Map<number, number>();

  constructor(state: State) {
    // Keys, not Object.entries: at 500,000 links the [key, value] pairs are ~30 MB of start-up garbage.
    const links = state.links;
    for (const g of Object.keys(links)) {
      const l = links[g]!;
      this.p2g.set(`${l[0]}:${l[1]}`, Number(g));
    }
    for (const conv of Object.values(state.conversations)) {
      if (conv.card !== undefined) this.cards.set(conv.card, conv.customer.id);
      for (const root of conv.formerRoots ?? []) this.roots.set(root, conv.customer.id);
      if (conv.root !== undefined) this.roots.set(conv.root, conv.customer.id);
    }
  }

  /** Group message id for a private-chat message of customer `c`. */
  groupFor(c: number, p: number): number | undefined {
    return this.p2g.get(`${c}:${p}`);
  }

  onLink(g: number, c: number, p: number): void {
    this.p2g.set(`${c}:${p}`, g);
  }

  onUnlink(c: number, p: number): void {
    this.p2g.delete(`${c}:${p}`);
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
  return { state, index: new Indexes(state), busy: new Set(), dirty: dirty ?? { conversations: new Set(), pendingRoots: new Set(), links: new Set() } };
}

/** Marks a record as changed, so the store saves it. */
export function touch(world: World, collection: Collection, key: number | string): void {
  world.dirty[collection].add(String(key));
}

/** Records that group message `g` and customer `c`'s private message `p` are copies of each other. */
export function link(world: World, g: number, c: number, p: number, nowMs: number): void {
  world.state.links[g] = [c, p, Math.floor(nowMs / 1000)];
  world.index.onLink(g, c, p);
  touch(world, "links", g);
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
  touch(world, "conversations", conv.customer.id);
}

/** Drops links older than `retentionDays`, so the store stays bounded. Returns how many went. */
export function pruneLinks(world: World, retentionDays: number, nowMs: number): number {
  const cutoff = Math.floor(nowMs / 1000) - retentionDays * 86_400;
  let removed = 0;
  const links = world.state.links;
  for (const g of Object.keys(links)) {
    const l = links[g]!;
    if (l[2] < cutoff) {
      delete links[g];
      world.index.onUnlink(l[0], l[1]);
      touch(world, "links", g);
      removed += 1;
    }
  }
  return removed;
}
