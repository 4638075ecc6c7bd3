import { LANES, type Job, type Lane, type NewJob } from "./jobs.ts";
import { jobsIn, type Conversation, type State, type World } from "./state.ts";

/** Appends a job to a conversation's lane and returns it; each lane is delivered in order (R14 order-and-pace). */
export function enqueue(state: State, conv: Conversation, lane: Lane, job: NewJob, nowMs: number): Job {
  const full = { ...job, id: state.nextJobId++, at: nowMs } as Job;
  (conv.queues[lane] ??= []).push(full);
  return full;
}

/** Jobs queued across every conversation and lane: what the daemon has still to deliver. */
export function queuedJobs(state: State): number {
  let n = 0;
  // A spare lane (card, staff) is absent while it holds no job, and a store older than a lane has none (`clientes status` reads it as it is).
  for (const c of Object.values(state.conversations)) for (const lane of LANES) n += jobsIn(c, lane).length;
  return n;
}

/** Puts a job at the front of a lane (before the one being delivered), e.g. a card to recreate. */
export function enqueueFirst(state: State, conv: Conversation, lane: Lane, job: NewJob, nowMs: number): Job {
  const full = { ...job, id: state.nextJobId++, at: nowMs, first: true } as Job;
  (conv.queues[lane] ??= []).unshift(full);
  return full;
}

/** A card edit still waiting in a lane: it renders the card when it is sent, so it covers any change made before. */
export function isPendingCardEdit(world: World, job: Job): boolean {
  return job.kind === "cardEdit" && !world.busy.has(job.id);
}

/**
 * Asks for the card to be brought up to date, in its own lane (an edit waiting for the
 * channel's budget holds up no message). Coalesced: one pending card edit covers every
 * change made before it runs, so a burst of changes costs one edit. That includes a card
 * check waiting in the team lane (see checkCard in plan.ts): it is an edit too, rendered
 * when sent, so it carries the change (R21 card).
 */
export function queueCardEdit(world: World, conv: Conversation, nowMs: number): void {
  if (jobsIn(conv, "card").some((j) => isPendingCardEdit(world, j)) || conv.queues.team.some((j) => isPendingCardEdit(world, j))) return;
  enqueue(world.state, conv, "card", { kind: "cardEdit" }, nowMs);
}

/** Asks for the card to be pinned or unpinned; a pending opposite request is dropped. */
export function setPin(world: World, conv: Conversation, pin: boolean, nowMs: number): void {
  const lane = conv.queues.team;
  for (let i = lane.length - 1; i >= 0; i--) {
    const j = lane[i]!;
    if (j.kind === "pin" && j.card === undefined && !world.busy.has(j.id)) {
      if (j.pin === pin) return;
      lane.splice(i, 1);
    }
  }
  enqueue(world.state, conv, "team", { kind: "pin", pin }, nowMs);
}
