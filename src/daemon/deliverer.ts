import type { CoreContext } from "../core/context.ts";
import type { Refusal } from "../core/failures.ts";
import { LANES, type InJob, type Job, type Lane } from "../core/jobs.ts";
import { claimRun } from "../core/merge.ts";
import { checkCard, ensureCard, fitAdded, onFailure, onSuccess, planJob, type CallPlan, type Delivery } from "../core/plan.ts";
import { jobsIn, markDirty, type Conversation, type World } from "../core/state.ts";
import { OperatorError, operatorLine } from "../errors.ts";
import type { Logger } from "../log.ts";
import { backoffMs, classify } from "../telegram/errors.ts";
import type { TelegramPort } from "../telegram/port.ts";
import type { FairTurns, Turn } from "../telegram/turns.ts";

/** What the deliverer needs; all of it injected, so tests can watch or fake each part. */
export interface DelivererDeps {
  world: World;
  /** The current context (staff and texts may be reloaded while running). */
  ctx: () => CoreContext;
  /** A port that already paces sends (limitedPort): the deliverer only handles failures. */
  port: TelegramPort;
  log: Logger;
  /** Durably stores the current state; concurrent calls share one write (group commit). */
  persist: () => Promise<void>;
  now?: () => number;
  /** How long to wait before retrying a delivery only the operator can unblock (rights). */
  laterMs?: number;
  /** After this long without a thread root for a posted card, warn the operator. Default 30 s. */
  rootWarnMs?: number;
  /**
   * A customer's message into the thread first checks that the card still exists (staff
   * may have deleted it), unless the card was seen this recently. Default 10 minutes: each
   * check is an edit, out of the channel's budget of 20 a minute.
   */
  cardCheckMs?: number;
  /**
   * Turns at the group, shared round-robin between conversations (absent: none, e.g. limits
   * off). A job that had to wait for its turn may go merged with the texts after it.
   */
  turns?: FairTurns;
}

type Key = `${number}:${Lane}`;

/** How long the same unexpected error stays a debug line after it was logged. */
const SAY_AGAIN_MS = 5 * 60_000;

/**
 * Delivers every conversation's queued jobs: each lane strictly in order, one call at a
 * time; lanes and conversations in parallel. A job leaves its queue only once its effects
 * (links, card id) are stored, so a crash repeats at most the one call in flight per lane.
 */
export class Deliverer {
  private readonly running = new Map<Key, Promise<void>>();
  /** Lanes kicked while running: looked at again when their run ends, so no job is stranded. */
  private readonly rekick = new Set<Key>();
  private readonly timers = new Map<Key, NodeJS.Timeout>();
  /** A lane that must not send before this time (429 retry_after, backoff): kicks do not shorten it. */
  private readonly notBefore = new Map<Key, number>();
  /**
   * Fires when the grace period is over: every call in flight is abandoned. One signal for
   * all calls (a controller per call cost about 4% of the daemon's CPU per message); the
   * port's layers keep one abort listener on it however many calls wait or run
   * (src/telegram/abort-watch.ts).
   */
  private readonly halt = new AbortController();
  /** The options of every call: the halt signal, and the staff lane's background priority. */
  private readonly callOpts = { signal: this.halt.signal };
  private readonly staffCallOpts = { signal: this.halt.signal, priority: "background" as const };
  /** stop() was called: no new runs, no new timers. */
  private stopping = false;
  /** Fires as stopping starts: lanes waiting for a turn at the group give up at once. */
  private readonly quit = new AbortController();
  /** The grace period is over: calls still in flight are abandoned, and none starts. */
  private aborting = false;
  /** Lanes that failed unexpectedly: how often in a row (drives their backoff). */
  private readonly troubled = new Map<Key, number>();
  /** Unexpected errors already logged, and when: the same one again is only a debug line for a while. */
  private readonly said = new Map<string, number>();
  /** When each conversation's card was last seen to exist (a call on it went through), epoch ms. */
  private readonly cardSeen = new Map<number, number>();
  /** The job each conversation's last card check was made for (one check per delivery at most). */
  private readonly checkedFor = new Map<number, number>();
  /**
   * The card edit in flight per conversation (a check in the team lane or an update in the
   * card lane), settled once its answer is handled. Another edit of that card waits for it:
   * two edits in flight would render the same card twice, and the older one may land last.
   */
  private readonly cardEditing = new Map<number, Promise<void>>();
  /** Conversations already warned about a missing thread root (one warning each). */
  private readonly warnedRoot = new Set<number>();
  private readonly now: () => number;

  constructor(private readonly deps: DelivererDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Looks at every conversation with pending work (at start-up, after a restart). */
  kickAll(): void {
    for (const id of Object.keys(this.deps.world.state.conversations)) this.kick(Number(id));
  }

  /**
   * A conversation always has a card or a card job (a store written before this rule may
   * hold one with neither: it would wait for a thread root forever). Puts the card back.
   */
  private heal(customerId: number): void {
    const conv = this.deps.world.state.conversations[customerId];
    if (conv && ensureCard(this.deps.world, conv, this.now())) {
      this.deps.log.warn(`customer ${customerId} had no card and none queued: posting it again`);
    }
  }

  /** Looks at a conversation's lanes again (new jobs, or a root that arrived). */
  kick(customerId: number): void {
    if (this.stopping) return;
    this.heal(customerId);
    for (const lane of LANES) {
      const key: Key = `${customerId}:${lane}`;
      if (this.running.has(key)) {
        this.rekick.add(key);
        continue;
      }
      const timer = this.timers.get(key);
      if (timer) {
        clearTimeout(timer);
        this.timers.delete(key);
      }
      const conv = this.deps.world.state.conversations[customerId];
      if (!conv || jobsIn(conv, lane).length === 0) continue;
      const wait = this.notBefore.get(key);
      if (wait !== undefined && wait > this.now()) {
        this.later(customerId, lane, wait);
        continue;
      }
      this.notBefore.delete(key);
      const run = this.runLane(customerId, lane)
        .catch((err: unknown) => this.laneFailed(customerId, lane, err))
        .finally(() => {
          this.running.delete(key);
          if (this.rekick.delete(key)) this.kick(customerId);
        });
      this.running.set(key, run);
    }
  }

  /**
   * Stops starting calls; resolves when the calls in flight have ended, or after `graceMs`
   * were abandoned. An abandoned job stays queued, as it was: it goes out after the next
   * start (at most once more, if Telegram had taken it), and is never reported as failed
   * (R13 nothing-lost).
   */
  async stop(graceMs = 3000): Promise<void> {
    this.stopping = true;
    this.quit.abort(new Error("stopping"));
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    const timeout = setTimeout(() => {
      this.aborting = true;
      this.halt.abort(new ShutdownError());
    }, graceMs);
    await Promise.allSettled([...this.running.values()]);
    clearTimeout(timeout);
    this.aborting = true;
  }

  private later(customerId: number, lane: Lane, atMs: number): void {
    if (this.stopping) return;
    const key: Key = `${customerId}:${lane}`;
    const old = this.timers.get(key);
    if (old) clearTimeout(old);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.kick(customerId);
    }, Math.max(0, atMs - this.now()));
    this.timers.set(key, timer);
  }

  private async runLane(customerId: number, lane: Lane): Promise<void> {
    const { world, log } = this.deps;
    // Let the caller finish its synchronous work (e.g. a whole batch of updates) first.
    await Promise.resolve();
    while (!this.stopping) {
      const conv = world.state.conversations[customerId];
      const job = conv && jobsIn(conv, lane)[0];
      if (!conv || !job) return;
      const unseen = lane === "team" && this.cardUnseen(conv, job);
      if (job.kind === "cardEdit" || unseen) {
        // Its answer is the freshest news of the card: this edit is planned after it (and a
        // check may then be needless).
        const editing = this.cardEditing.get(customerId);
        if (editing) {
          await editing;
          continue;
        }
      }
      const d: Delivery = { world, ctx: this.deps.ctx(), now: this.now(), conv, lane, job };
      if (unseen) {
        this.checkedFor.set(customerId, job.id);
        checkCard(d);
        continue;
      }
      if (fitAdded(d)) continue;
      let plan = planJob(d);
      let turn: Turn | undefined;
      if (plan.type === "call" && plan.chat === d.ctx.group && this.deps.turns) {
        // A new conversation's first message goes before older backlog.
        const first = !world.state.links[customerId]?.length;
        try {
          turn = await this.deps.turns.take(d.ctx.group, { first, signal: this.quit.signal });
        } catch {
          return; // stopping
        }
        if (world.state.conversations[customerId] !== conv || jobsIn(conv, lane)[0] !== job) {
          turn.done(); // the lane changed while it waited (e.g. a card to recreate first)
          continue;
        }
        // Planned again now that the group has room: whatever queued meanwhile may go with it.
        d.now = this.now();
        d.merge = turn.waited;
        plan = planJob(d);
        if (plan.type !== "call") turn.done();
      }
      if (plan.type === "skip") {
        log.debug(`skip ${job.kind} for customer ${customerId}: ${plan.why}`);
        this.finish(conv.queues[lane], job);
        markDirty(world, "conversations", customerId);
        continue;
      }
      if (plan.type === "wait") {
        if (plan.until !== undefined) this.later(customerId, lane, plan.until);
        else this.watchRoot(customerId, conv.card, lane, job);
        return; // an event (the thread root arriving) kicks the lane again
      }
      if (plan.also?.length && job.kind === "in") {
        const run = [job, ...(plan.also as InJob[])];
        if (claimRun(world, customerId, run)) {
          // Which jobs this comment carries is stored before it is sent, in one write: a crash
          // while it is on its way resends this same comment once, not each text in a comment
          // of its own. Busy meanwhile: an edit of one of them waits for the comment.
          for (const j of run) world.busy.add(j.id);
          try {
            await this.deps.persist();
          } catch (err) {
            turn?.done();
            throw err;
          } finally {
            for (const j of run) world.busy.delete(j.id);
          }
        }
      }
      const release = job.kind === "cardEdit" ? this.holdCard(customerId) : undefined;
      try {
        const outcome = await this.attempt(plan, job, lane, turn);
        if (outcome.type === "stopped") return;
        if (outcome.type === "retry") {
          // The job's attempt count (its backoff) changed: it is stored with the next write.
          markDirty(world, "conversations", customerId);
          const at = this.now() + outcome.afterMs;
          this.notBefore.set(`${customerId}:${lane}`, at);
          this.later(customerId, lane, at);
          return;
        }
        const queue = conv.queues[lane];
        markDirty(world, "conversations", customerId);
        if (outcome.type === "ok") {
          if (job.kind === "card" || job.kind === "cardEdit" || (job.kind === "pin" && job.card === undefined)) this.cardSeen.set(customerId, this.now());
          onSuccess({ ...d, now: this.now() }, plan, outcome.result);
          // The links and the jobs' leaving go in the same store write: exactly once across crashes.
          this.finish(queue, job);
          for (const also of plan.also ?? []) this.finish(queue, also);
          log.info(`relayed: ${plan.note} (${plan.call.method})`, { customer: customerId, conversation: conv.card, method: plan.call.method });
        } else {
          const res = onFailure({ ...d, now: this.now() }, plan, outcome.refusal);
          const hint = (res.type === "drop" && res.hint) || outcome.hint;
          const line = `${plan.note}: ${res.log} [${outcome.refusal.description}; hint: ${hint}]`;
          const fields = { customer: customerId, conversation: conv.card, method: plan.call.method, cause: outcome.refusal.cause };
          if (res.type === "drop") {
            this.finish(queue, job);
            if (res.quiet) log.debug(`not delivered: ${line}`, fields);
            else log.warn(`not delivered: ${line}`, fields);
          } else if (res.type === "moot") {
            this.finish(queue, job);
            log.info(line, fields);
          } else if (res.type === "later") {
            log.error(line, fields);
            await this.deps.persist();
            this.troubled.delete(`${customerId}:${lane}`);
            const at = this.now() + (this.deps.laterMs ?? 60_000);
            this.notBefore.set(`${customerId}:${lane}`, at);
            this.later(customerId, lane, at);
            return;
          } else {
            log.warn(line, fields);
          }
          // A failure may queue notices in the other lane (and in this one): look at both.
          queueMicrotask(() => this.kick(customerId));
        }
        await this.deps.persist();
        this.troubled.delete(`${customerId}:${lane}`);
      } finally {
        release?.();
      }
    }
  }

  /** Marks a card edit in flight until the returned function is called (see {@link cardEditing}). */
  private holdCard(customerId: number): () => void {
    let release!: () => void;
    this.cardEditing.set(customerId, new Promise<void>((r) => (release = r)));
    return () => {
      this.cardEditing.delete(customerId);
      release();
    };
  }

  /** Whether a customer's message is about to go into the thread of a card not seen for a while. */
  private cardUnseen(conv: Conversation, job: Job): boolean {
    if (job.kind !== "in" && job.kind !== "inAlbum") return false;
    if (conv.card === undefined || conv.root === undefined || this.checkedFor.get(conv.customer.id) === job.id) return false;
    const seen = this.cardSeen.get(conv.customer.id);
    return seen === undefined || this.now() - seen >= (this.deps.cardCheckMs ?? 10 * 60_000);
  }

  /**
   * The one place for a lane's unexpected errors (a store write that failed, a bug): the
   * jobs stay queued, the lane is tried again with backoff, and the daemon keeps running.
   * Logged once with its context; the same error again, from any lane, is only a debug
   * line for {@link SAY_AGAIN_MS} (a full disk fails every lane at once).
   */
  private laneFailed(customerId: number, lane: Lane, err: unknown): void {
    const key: Key = `${customerId}:${lane}`;
    const attempts = (this.troubled.get(key) ?? 0) + 1;
    this.troubled.set(key, attempts);
    const afterMs = backoffMs(attempts);
    const conv = this.deps.world.state.conversations[customerId];
    const head = conv && jobsIn(conv, lane)[0];
    const what = operatorLine(err);
    const line = `${lane} deliveries of customer ${customerId} (next: ${head ? `${head.kind} job ${head.id}` : "none"}) stopped by an unexpected error, retrying in ${(afterMs / 1000).toFixed(1)} s; nothing is dropped: ${what}`;
    // An operator error (a full disk) says what to do; anything else is a bug, and its stack is what a report needs.
    const fields = { customer: customerId, ...(conv?.card !== undefined ? { conversation: conv.card } : {}), ...(err instanceof OperatorError ? {} : { error: err }) };
    const now = this.now();
    const last = this.said.get(what);
    if (last !== undefined && now - last < SAY_AGAIN_MS) this.deps.log.debug(line, fields);
    else {
      this.said.set(what, now);
      this.deps.log.error(line, fields);
    }
    if (this.stopping) return;
    const at = this.now() + afterMs;
    this.notBefore.set(key, at);
    this.later(customerId, lane, at);
  }

  /**
   * Messages wait for the card's automatic forward into the group. If it never comes
   * (the group is not linked to the channel, or the bot cannot see it), say so instead
   * of waiting in silence; the messages keep waiting and go out once it is fixed.
   */
  private watchRoot(customerId: number, card: number | undefined, lane: Lane, job: Job): void {
    if (card === undefined || this.warnedRoot.has(customerId)) return;
    const after = this.deps.rootWarnMs ?? 30_000;
    const waited = this.now() - job.at;
    if (waited < after) {
      this.later(customerId, lane, job.at + after);
      return;
    }
    this.warnedRoot.add(customerId);
    this.deps.log.error(
      `card ${card} of customer ${customerId} has had no comment thread for ${Math.round(waited / 1000)} s: ` +
        "its messages are waiting (hint: the group must be the channel's linked discussion group and the bot an admin there; run `clientes check`)",
      { customer: customerId, conversation: card },
    );
  }

  private finish(queue: Job[] | undefined, job: Job): void {
    const i = queue?.indexOf(job) ?? -1;
    if (i >= 0) queue!.splice(i, 1);
  }

  private async attempt(
    plan: CallPlan,
    job: Job,
    lane: Lane,
    turn?: Turn,
  ): Promise<
    | { type: "ok"; result: unknown }
    | { type: "retry"; afterMs: number }
    | { type: "fatal"; refusal: Refusal; hint: string }
    | { type: "stopped" }
  > {
    if (this.aborting) {
      turn?.done();
      return { type: "stopped" };
    }
    const jobs = [job, ...(plan.also ?? [])];
    for (const j of jobs) this.deps.world.busy.add(j.id);
    try {
      // Private messages to staff are sent only when no customer's message waits for its turn.
      const sent = this.deps.port.call(plan.call.method, plan.call.params, lane === "staff" ? this.staffCallOpts : this.callOpts);
      turn?.done(); // the call has taken its slot in the limiter: the next turn may be granted
      const result = await sent;
      return { type: "ok", result };
    } catch (err) {
      // Whatever the call ended with, the daemon stopping is not the job failing.
      if (this.halt.signal.aborted) return { type: "stopped" };
      const attempts = (job.attempts ?? 0) + 1;
      const f = classify(err, attempts);
      if (f.kind === "done") return { type: "ok", result: undefined };
      if (f.kind === "retry") {
        job.attempts = attempts;
        this.deps.log.warn(`retrying ${plan.note} in ${Math.round(f.afterMs)} ms: ${f.reason}`, { method: plan.call.method });
        return { type: "retry", afterMs: f.afterMs };
      }
      return { type: "fatal", refusal: { cause: f.cause, description: f.description }, hint: f.hint };
    } finally {
      turn?.done();
      for (const j of jobs) this.deps.world.busy.delete(j.id);
    }
  }
}

/** Why a call was abandoned: the daemon is stopping (the job stays queued). */
export class ShutdownError extends Error {
  override name = "AbortError";
  constructor() {
    super("the daemon is stopping: the call was abandoned and its job kept for the next start");
  }
}
