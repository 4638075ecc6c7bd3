/**
 * How a conversation goes into the store's journal (see src/store/journal.ts): its fields
 * as one record, and its queued jobs one by one, as the changes since the last line. A
 * delivery then journals what it changed (a job gone, a link added), whatever the backlog:
 * rewriting the whole queue on every delivery cost 18 KB a message with 300 queued.
 *
 * Order within a lane follows from the jobs themselves ({@link jobOrder}), so a job journaled
 * alone finds its place on replay. A lane whose order does not follow it is journaled whole.
 */
import type { RecordCodec } from "../store/journal.ts";
import { LANES, type Job, type Lane } from "./jobs.ts";
import { copyJson, sameJson } from "./same.ts";
import type { Conversation } from "./state.ts";

/**
 * The order of a lane: jobs put at the front (`first`, newest first), then the others by id
 * (the order they were queued in). enqueue and enqueueFirst keep every lane in this order.
 */
export function jobOrder(a: Job, b: Job): number {
  if (a.first && b.first) return b.id - a.id;
  if (a.first) return -1;
  if (b.first) return 1;
  return a.id - b.id;
}

/**
 * Marks `first` the leading jobs of a lane stored before the marks existed (store version 4
 * or older): jobs put at the front came last, so each has a higher id than some job behind it.
 * Anything but a list of jobs with ids is left as it is, for the state check to name it.
 */
export function markFirst(value: unknown): void {
  if (!Array.isArray(value) || !value.every((j: unknown) => typeof (j as Job | null)?.id === "number")) return;
  const queue = value as Job[];
  let lowest = Infinity;
  const lowestBehind = queue.map(() => 0);
  for (let i = queue.length - 1; i >= 0; i--) {
    lowestBehind[i] = lowest;
    lowest = Math.min(lowest, queue[i]!.id);
  }
  for (let i = 0; i < queue.length && queue[i]!.id > lowestBehind[i]!; i++) queue[i]!.first = true;
}

/** A lane's change in a journal line: the whole lane, or the jobs put (new or changed) and the ids gone. */
type LaneChange = { all: Job[] } | { put?: Job[]; gone?: number[] };
type QueuesChange = Partial<Record<Lane, LaneChange>>;

/** What the journal holds of a lane: the array it journaled, and a copy of each of its jobs (none if it was empty). */
interface LaneMemo {
  queue: Job[];
  jobs: Map<number, Job> | undefined;
}

/** What the journal holds of a conversation: a copy of its fields (once journaled since the open), and of its lanes. */
interface Memo {
  fields?: object;
  lanes: Partial<Record<Lane, LaneMemo>>;
}

/**
 * The journal codec for `State.conversations`. It remembers, per conversation, a copy of its
 * fields as the journal holds them, and per lane a copy of each job the journal holds (a
 * backlog's worth of copies, gone with the jobs). A change is found by comparing with the
 * copies ({@link sameJson}), whatever changed it and however (in place included): a record
 * whose fields did not change is not journaled again, nor a job that did not change, nor a
 * lane that stayed empty.
 *
 * At open only the lanes that hold jobs are remembered: a copy of every record's fields and
 * a memo of every empty lane would cost tens of MB at 100,000 conversations. A record is
 * remembered once a line journals it, so memory grows with the conversations active since.
 */
export function conversationCodec(): RecordCodec {
  const memos = new WeakMap<Conversation, Memo>();
  const copies = (queue: Job[]): Map<number, Job> | undefined => (queue.length > 0 ? new Map(queue.map((j) => [j.id, copyJson(j)])) : undefined);
  return {
    saved(value) {
      const conv = value as Conversation;
      let memo: Memo | undefined;
      for (const lane of LANES) {
        const queue = conv.queues[lane] as Job[] | undefined; // no card lane in a store older than it (worldOf adds it)
        if (queue && queue.length > 0) (memo ??= { lanes: {} }).lanes[lane] = { queue, jobs: copies(queue) };
      }
      if (memo) memos.set(conv, memo);
    },
    encode(value) {
      const conv = value as Conversation;
      const queues = conv.queues;
      const extra: QueuesChange = {};
      const after: Array<(memo: Memo) => void> = [];
      const memo = memos.get(conv);
      // Compared and copied without the queues (journaled apart), and without making the record
      // without them unless it goes into the line (a rest copy per line cost CPU too).
      const changed = memo?.fields === undefined || !sameJson(conv, memo.fields, "queues");
      let record: object | undefined;
      if (changed) {
        const { queues: _queues, ...fields } = conv;
        record = fields;
        const copy = copyJson(conv, "queues");
        after.push((m) => (m.fields = copy));
      }
      for (const lane of LANES) {
        const queue = queues[lane] as Job[] | undefined;
        if (queue === undefined) continue;
        const known = memo?.lanes[lane];
        if (known === undefined || known.queue !== queue || !inOrder(queue)) {
          extra[lane] = { all: queue };
          const jobs = copies(queue);
          after.push((m) => (m.lanes[lane] = { queue, jobs }));
          continue;
        }
        const put: Job[] = [];
        let kept = 0;
        for (const job of queue) {
          const was = known.jobs?.get(job.id);
          if (was !== undefined) {
            kept++;
            if (sameJson(job, was)) continue;
          }
          put.push(job);
        }
        const gone: number[] = [];
        if (known.jobs !== undefined && kept < known.jobs.size) {
          const ids = new Set(queue.map((j) => j.id));
          for (const id of known.jobs.keys()) if (!ids.has(id)) gone.push(id);
        }
        if (put.length === 0 && gone.length === 0) continue;
        extra[lane] = { ...(put.length > 0 ? { put } : {}), ...(gone.length > 0 ? { gone } : {}) };
        // Copied now: a job changed after this line is built (before it is appended) differs from the copy.
        const puts = put.map((job): [number, Job] => [job.id, copyJson(job)]);
        after.push(() => {
          const jobs = (known.jobs ??= new Map());
          for (const id of gone) jobs.delete(id);
          for (const [id, copy] of puts) jobs.set(id, copy);
          if (jobs.size === 0) known.jobs = undefined;
        });
      }
      return {
        ...(record !== undefined ? { record } : {}),
        ...(Object.keys(extra).length > 0 ? { extra } : {}),
        commit: () => {
          let m = memos.get(conv);
          if (m === undefined) memos.set(conv, (m = { lanes: {} }));
          for (const f of after) f(m);
        },
      };
    },
    forget(value) {
      memos.delete(value as Conversation);
    },
    decode(current, record, extra) {
      // A line of store version 4 or older holds the whole conversation, queues included,
      // with no `first` marks (as in migrateState's step to version 5).
      const whole = (record as Partial<Conversation> | undefined)?.queues;
      if (whole !== undefined) {
        if (typeof whole === "object" && whole !== null) for (const queue of Object.values(whole)) markFirst(queue);
        return record;
      }
      const now = current as Conversation | undefined;
      // No record: its fields are as the lines before left them (a line of store version 7 or newer).
      if (record === undefined && now === undefined) return undefined;
      const queues = now?.queues ?? emptyQueues();
      for (const [lane, change] of Object.entries((extra ?? {}) as QueuesChange) as Array<[Lane, LaneChange]>) {
        if ("all" in change) {
          queues[lane] = change.all;
          continue;
        }
        const gone = new Set(change.gone);
        const had = (queues[lane] as Job[] | undefined) ?? [];
        const queue = gone.size > 0 ? had.filter((j) => !gone.has(j.id)) : had;
        for (const job of change.put ?? []) place(queue, job);
        queues[lane] = queue;
      }
      if (record === undefined) {
        now!.queues = queues;
        return now;
      }
      return { ...(record as object), queues };
    },
  };
}

function emptyQueues(): Record<Lane, Job[]> {
  return Object.fromEntries(LANES.map((lane) => [lane, []])) as unknown as Record<Lane, Job[]>;
}

function inOrder(queue: Job[]): boolean {
  for (let i = 1; i < queue.length; i++) if (jobOrder(queue[i - 1]!, queue[i]!) > 0) return false;
  return true;
}

/** Puts `job` in its place in an ordered lane, replacing the job of the same id. */
function place(queue: Job[], job: Job): void {
  const i = queue.findIndex((j) => j.id === job.id);
  if (i >= 0) {
    queue[i] = job;
    return;
  }
  let at = queue.length;
  while (at > 0 && jobOrder(queue[at - 1]!, job) > 0) at--;
  queue.splice(at, 0, job);
}
