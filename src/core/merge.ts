/**
 * Coalescing under backlog: when the group's budget (~20 messages a minute for every
 * conversation together) makes a conversation's texts wait anyway, the consecutive texts at
 * the head of its team lane go as ONE comment: in order, one per line, their entities
 * shifted, within Telegram's 4096 UTF-16 units (a text is never split across comments).
 * Media, albums, replies to a specific message and forwarded messages always go alone.
 *
 * Each original keeps its own link to the comment (so a staff reply to it reaches the last
 * one), and the comment's parts are kept (`State.merged`, one record per comment, so storing
 * one costs that comment, not the customer's history) so an edit of one re-renders it.
 */
import type { TelegramMessageEntity } from "@gramio/types";
import type { InJob, Job } from "./jobs.ts";
import { markDirty, type World } from "./state.ts";

/** Telegram's limit on a message's text after entity parsing, in UTF-16 units (JS string length). */
export const TEXT_LIMIT = 4096;
/** Between two texts of one merged comment. */
const SEPARATOR = "\n";

/** A customer's text as it goes into a merged comment. */
export interface TextPart {
  text: string;
  entities?: TelegramMessageEntity[];
}

/** A text and its entities, the entities only when there are some (as Telegram sends them). */
export function textPart(text: string, entities: readonly TelegramMessageEntity[] | undefined): TextPart {
  return entities?.length ? { text, entities: entities as TelegramMessageEntity[] } : { text };
}

/** One original of a merged comment: the customer's private message id and its current text. */
export interface MergedPart extends TextPart {
  p: number;
}

/**
 * The jobs at the head of `lane` that go as one comment. A comment already decided (the head's
 * `carries`, stored before it was sent) is that same comment again, whatever the backlog is
 * now: it may have reached Telegram before a crash, so it is resent once as it was, never cut
 * differently (which would repeat each of its texts in a comment of its own). Otherwise, when
 * `fresh` (the group's budget made the head wait), the head plus the texts right after it that fit.
 */
export function mergeRun(lane: readonly Job[], busy: ReadonlySet<number>, fresh: boolean): InJob[] {
  const head = lane[0];
  if (!head || !mergeable(head)) return [];
  if (head.carries) {
    const carried = new Set(head.carries);
    return [head, ...lane.filter((j): j is InJob => carried.has(j.id) && j.kind === "in")];
  }
  if (!fresh) return [];
  const run: InJob[] = [head];
  let length = head.text!.text.length;
  for (let i = 1; i < lane.length; i++) {
    const job = lane[i]!;
    if (!mergeable(job) || busy.has(job.id)) break;
    length += SEPARATOR.length + job.text!.text.length;
    if (length > TEXT_LIMIT) break;
    run.push(job);
  }
  return run;
}

function mergeable(job: Job): job is InJob & { text: TextPart } {
  return job.kind === "in" && job.text !== undefined && job.replyTo === undefined && !job.alone;
}

/**
 * Makes "which jobs this comment carries" part of the head job before the comment is sent.
 * Returns true when that changed: the caller stores it (one write, the conversation's
 * record) before making the call.
 */
export function claimRun(world: World, customerId: number, run: readonly InJob[]): boolean {
  const [head, ...also] = run;
  if (!head || also.length === 0) return false;
  const ids = also.map((j) => j.id);
  if (head.carries && head.carries.length === ids.length && head.carries.every((id, i) => id === ids[i])) return false;
  head.carries = ids;
  markDirty(world, "conversations", customerId);
  return true;
}

/** The texts as one: in order, one per line, each text's entities moved to where it now starts. */
export function joinParts(parts: readonly TextPart[]): { text: string; entities: TelegramMessageEntity[] } {
  let text = "";
  const entities: TelegramMessageEntity[] = [];
  parts.forEach((part, i) => {
    if (i > 0) text += SEPARATOR;
    const at = text.length;
    for (const e of part.entities ?? []) entities.push({ ...e, offset: e.offset + at });
    text += part.text;
  });
  return { text, entities };
}

/** The parts of group message `g`, if it is a merged comment. */
export function mergedParts(world: World, g: number): MergedPart[] | undefined {
  return world.state.merged[g];
}

/** Remembers that comment `g` carries `parts` (in order). */
export function recordMerged(world: World, g: number, parts: MergedPart[]): void {
  world.state.merged[g] = parts;
  markDirty(world, "merged", g);
}

/** Drops what is kept of merged comments whose links are gone (pruned with them). */
export function forgetMerged(world: World, gs: Iterable<number>): void {
  const merged = world.state.merged;
  for (const g of gs) {
    if (merged[g] === undefined) continue;
    delete merged[g];
    markDirty(world, "merged", g);
  }
}
