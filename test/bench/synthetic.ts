/**
 * Synthetic daemon stores for the scale runs: realistic conversations (card and thread
 * root ids, a rendered card text, mostly closed, empty queues) and message links spread
 * over the retention period. Deterministic: the same sizes give the same file.
 */
import { writeFile } from "node:fs/promises";
import { cardHash, renderCard } from "../../src/core/card.ts";
import { emptyState, STATE_VERSION, type Conversation, type State } from "../../src/core/state.ts";
import { resolveTexts } from "../../src/texts.ts";

export interface SyntheticOptions {
  conversations: number;
  /** Message links per conversation on average (both directions), within `days`. */
  linksPerConversation: number;
  /** Links are spread over this many days before `nowMs` (the retention period). */
  days: number;
  /** Share of conversations still open. */
  openShare: number;
  nowMs: number;
}

/** A small fast PRNG (mulberry32), so every run builds the same store. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ["Ana", "Bruno", "Carla", "Diego", "Elisa", "Fábio", "Gabriela", "Heitor", "Isabela", "João", "Larissa", "Marcos", "Natália", "Otávio", "Paula", "Rafael"];
const LAST = ["Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes", "Costa", "Ribeiro"];

/**
 * Message ids start far above what a fresh sandbox hands out, so a daemon started on this
 * store can still take new customers in the sandbox without an id meaning two things.
 */
const FIRST_ID = 10_000_000;

/** Builds the state: conversation i has card id FIRST_ID+2i+1 (a pin notice follows each card) and its thread root in the group. */
export function syntheticState(opts: SyntheticOptions): State {
  const rnd = random(opts.conversations * 31 + opts.linksPerConversation);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const texts = resolveTexts("pt-BR");
  const state = emptyState();
  const ids: number[] = [];
  const day = 86_400_000;
  let groupId = FIRST_ID;
  for (let i = 0; i < opts.conversations; i++) {
    const id = 100_000_000 + i * 7 + Math.floor(rnd() * 7);
    ids.push(id);
    const first = pick(FIRST);
    const customer: Conversation["customer"] = { id, first_name: first };
    if (rnd() < 0.7) customer.last_name = pick(LAST);
    if (rnd() < 0.6) customer.username = `${first.toLowerCase().normalize("NFD").replace(/[^a-z]/g, "")}_${i}`;
    const createdAt = opts.nowMs - Math.floor(rnd() * 365 * day);
    const open = rnd() < opts.openShare;
    const conv: Conversation = {
      customer,
      status: open ? "open" : "closed",
      banned: rnd() < 0.002,
      blocked: rnd() < 0.01,
      priority: rnd() < 0.8 ? 3 : 1 + Math.floor(rnd() * 5),
      card: FIRST_ID + 2 * i + 1,
      root: groupId,
      failures: rnd() < 0.01 ? 1 : 0,
      createdAt,
      firstMessageAt: createdAt,
      queues: { team: [], customer: [] }, // as the daemon stores them: empty spare lanes left out (SPARE_LANES)
    };
    if (rnd() < 0.1) conv.origin = `ad_campaign_${i % 50}`;
    if (open && rnd() < 0.5) conv.waitingSince = opts.nowMs - Math.floor(rnd() * day);
    if (!open || rnd() < 0.5) conv.firstResponseAt = createdAt + Math.floor(rnd() * 3_600_000);
    conv.cardHash = cardHash(renderCard(conv, { texts, staffNames: new Map() }));
    state.conversations[id] = conv;
    groupId += 1;
  }
  // Links: group message ids keep increasing after the roots; each links to a private message of its customer.
  const total = Math.round(opts.conversations * opts.linksPerConversation);
  const privateNext = new Map<number, number>();
  const span = opts.days * day - 60_000; // strictly inside the retention period: nothing is pruned at start-up
  for (let k = 0; k < total; k++) {
    const customer = ids[Math.floor(rnd() * ids.length)]!;
    const p = (privateNext.get(customer) ?? 1) + 1 + Math.floor(rnd() * 2);
    privateNext.set(customer, p);
    const at = Math.floor((opts.nowMs - span + (k / Math.max(1, total)) * span) / 1000);
    (state.links[customer] ??= []).push(groupId, p, at);
    groupId += 1;
  }
  // offset stays 0: update ids are the sandbox's, and it starts afresh each run.
  state.nextJobId = 3 * total + 4 * opts.conversations + 1;
  return state;
}

/** Writes `state` as a store snapshot (the envelope the store reads) and returns its size in bytes. */
export async function writeSnapshot(path: string, state: State): Promise<number> {
  const text = JSON.stringify({ version: STATE_VERSION, data: state });
  await writeFile(path, text, { mode: 0o600 });
  return Buffer.byteLength(text);
}
