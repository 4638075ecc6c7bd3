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

/** A job as the journal holds it: its copy, and the last encode that found it still queued. */
interface JobMemo {
  copy: Job;
  seen: number;
}

/** What the journal holds of a lane: the array it journaled, and a copy of each of its jobs (none if it was empty). */
interface LaneMemo {
  queue: Job[];
  jobs: Map<number, JobMemo> | undefined;
}

/** What the journal holds of a conversation: a copy of its fields (once journaled since the open), and of its lanes. */
interface Memo {
  fields?: object;
  lanes: Partial<Record<Lane, LaneMemo>>;
}

/** What one encode found changed in a conversation, applied to its memo once the line is appended. */
interface Found {
  conv: Conversation;
  /** The fields' copy, when they changed. */
  fields: object | undefined;
  /** Lanes journaled whole: the array and its jobs' copies. */
  whole: Array<[Lane, Job[], Map<number, JobMemo> | undefined]> | undefined;
  /** Lanes journaled as changes: the memo, the ids gone and the copies of the jobs put. */
  changed: Array<[LaneMemo, number[] | undefined, JobMemo[] | undefined]> | undefined;
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
 *
 * It runs for every record of every journal line (twice per relayed message: its job queued,
 * then gone), so a lane is walked once: its order, its jobs' changes and (by a mark on each
 * copy found) the jobs gone, with no set or second pass.
 */
export function conversationCodec(): RecordCodec {
  const memos = new WeakMap<Conversation, Memo>();
  /** Marks the job copies an encode found still queued: the others are gone. */
  let stamp = 0;
  const copies = (queue: Job[]): Map<number, JobMemo> | undefined => {
    if (queue.length === 0) return undefined;
    const jobs = new Map<number, JobMemo>();
    for (const j of queue) jobs.set(j.id, { copy: copyJson(j), seen: 0 });
    return jobs;
  };
  const commit = (found: Found): void => {
    let m = memos.get(found.conv);
    if (m === undefined) memos.set(found.conv, (m = { lanes: {} }));
    if (found.fields !== undefined) m.fields = found.fields;
    for (const [lane, queue, jobs] of found.whole ?? []) m.lanes[lane] = { queue, jobs };
    for (const [known, gone, puts] of found.changed ?? []) {
      const jobs = (known.jobs ??= new Map());
      for (const id of gone ?? []) jobs.delete(id);
      for (const put of puts ?? []) jobs.set(put.copy.id, put);
      if (jobs.size === 0) known.jobs = undefined;
    }
  };
  return {
    saved(value) {
      const conv = value as Conversation;
      let memo: Memo | undefined;
      for (const lane of LANES) {
        const queue = conv.queues[lane]; // a spare lane (card, staff) is absent while it holds no job
        if (queue && queue.length > 0) (memo ??= { lanes: {} }).lanes[lane] = { queue, jobs: copies(queue) };
      }
      if (memo) memos.set(conv, memo);
    },
    encode(value) {
      const conv = value as Conversation;
      const queues = conv.queues;
      let extra: QueuesChange | undefined;
      const memo = memos.get(conv);
      const found: Found = { conv, fields: undefined, whole: undefined, changed: undefined };
      // Compared and copied without the queues (journaled apart), and without making the record
      // without them unless it goes into the line (a rest copy per line cost CPU too).
      let record: object | undefined;
      if (memo?.fields === undefined || !sameJson(conv, memo.fields, "queues")) {
        const { queues: _queues, ...fields } = conv;
        record = fields;
        found.fields = copyJson(conv, "queues");
      }
      for (const lane of LANES) {
        const queue = queues[lane] as Job[] | undefined;
        if (queue === undefined) continue;
        const known = memo?.lanes[lane];
        const jobs = known?.jobs;
        if (known !== undefined && known.queue === queue && queue.length === 0 && jobs === undefined) continue; // stayed empty
        let put: Job[] | undefined;
        let ordered = known !== undefined && known.queue === queue;
        let kept = 0;
        const mark = ++stamp;
        for (let i = 0; ordered && i < queue.length; i++) {
          const job = queue[i]!;
          if (i > 0 && jobOrder(queue[i - 1]!, job) > 0) ordered = false;
          const was = jobs?.get(job.id);
          if (was !== undefined) {
            kept++;
            was.seen = mark;
            if (sameJson(job, was.copy)) continue;
          }
          (put ??= []).push(job);
        }
        if (!ordered) {
          (extra ??= {})[lane] = { all: queue };
          (found.whole ??= []).push([lane, queue, copies(queue)]);
          continue;
        }
        let gone: number[] | undefined;
        if (jobs !== undefined && kept < jobs.size) {
          for (const was of jobs.values()) if (was.seen !== mark) (gone ??= []).push(was.copy.id);
        }
        if (put === undefined && gone === undefined) continue;
        const change: { put?: Job[]; gone?: number[] } = {};
        if (put !== undefined) change.put = put;
        if (gone !== undefined) change.gone = gone;
        (extra ??= {})[lane] = change;
        // Copied now: a job changed after this line is built (before it is appended) differs from the copy.
        (found.changed ??= []).push([known!, gone, put?.map((job) => ({ copy: copyJson(job), seen: 0 }))]);
      }
      const out: { record?: unknown; extra?: unknown; commit(): void } = { commit: commit.bind(undefined, found) };
      if (record !== undefined) out.record = record;
      if (extra !== undefined) out.extra = extra;
      return out;
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
