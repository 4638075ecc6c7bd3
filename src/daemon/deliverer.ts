import type { APIMethods } from "@gramio/types";
import type { CoreContext } from "../core/context.ts";
import { LANES, type Job, type Lane } from "../core/jobs.ts";
import { onFailure, onSuccess, planJob, type Plan, type Rewrite } from "../core/plan.ts";
import { markDirty, type World } from "../core/state.ts";
import type { Logger } from "../log.ts";
import { classify, isAbortError } from "../telegram/errors.ts";
import type { TelegramPort } from "../telegram/port.ts";

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
  /** Fills placeholders in canned replies (see src/replies). */
  fill: Rewrite;
  /** How long to wait before retrying a delivery only the operator can unblock (rights). */
  laterMs?: number;
  /** After this long without a thread root for a posted card, warn the operator. Default 30 s. */
  rootWarnMs?: number;
}

type Key = `${number}:${Lane}`;

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
  private readonly stopper = new AbortController();
  private stopping = false;
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

  /** Looks at a conversation's lanes again (new jobs, or a root that arrived). */
  kick(customerId: number): void {
    if (this.stopper.signal.aborted) return;
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
      if (!conv || conv.queues[lane].length === 0) continue;
      const wait = this.notBefore.get(key);
      if (wait !== undefined && wait > this.now()) {
        this.later(customerId, lane, wait);
        continue;
      }
      this.notBefore.delete(key);
      const run = this.runLane(customerId, lane).finally(() => {
        this.running.delete(key);
        if (this.rekick.delete(key)) this.kick(customerId);
      });
      this.running.set(key, run);
    }
  }

  /** Stops starting calls; resolves when the calls in flight have ended (or were aborted). */
  async stop(graceMs = 3000): Promise<void> {
    const timeout = setTimeout(() => this.stopper.abort(new Error("shutting down")), graceMs);
    this.stopping = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.running.values()]);
    clearTimeout(timeout);
    this.stopper.abort(new Error("stopped"));
  }


  /** Number of jobs still queued, all conversations. */
  pending(): number {
    let n = 0;
    for (const conv of Object.values(this.deps.world.state.conversations)) for (const lane of LANES) n += conv.queues[lane].length;
    return n;
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
      const job = conv?.queues[lane][0];
      if (!conv || !job) return;
      const ctx = this.deps.ctx();
      const plan = planJob(world, ctx, conv, lane, job, this.now(), this.deps.fill);
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
      const outcome = await this.attempt(plan, job);
      if (outcome.type === "stopped") return;
      if (outcome.type === "retry") {
        const at = this.now() + outcome.afterMs;
        this.notBefore.set(`${customerId}:${lane}`, at);
        this.later(customerId, lane, at);
        return;
      }
      const queue = conv.queues[lane];
      markDirty(world, "conversations", customerId);
      if (outcome.type === "ok") {
        onSuccess(world, ctx, conv, job, plan, outcome.result, this.now());
        this.finish(queue, job);
        log.info(`relayed: ${plan.note} (${plan.call.method})`, { customer: customerId, conversation: conv.card, method: plan.call.method });
      } else {
        const res = onFailure(world, ctx, conv, lane, job, plan, outcome.cause, outcome.description, this.now());
        const line = `${plan.note}: ${res.log} [${outcome.description}; hint: ${outcome.hint}]`;
        const fields = { customer: customerId, conversation: conv.card, method: plan.call.method, cause: outcome.cause };
        if (res.type === "drop") {
          this.finish(queue, job);
          log.warn(`not delivered: ${line}`, fields);
        } else if (res.type === "later") {
          log.error(line, fields);
          await this.deps.persist();
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
    }
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

  private finish(queue: Job[], job: Job): void {
    const i = queue.indexOf(job);
    if (i >= 0) queue.splice(i, 1);
  }

  private async attempt(
    plan: Extract<Plan, { type: "call" }>,
    job: Job,
  ): Promise<
    | { type: "ok"; result: unknown }
    | { type: "retry"; afterMs: number }
    | { type: "fatal"; cause: import("../telegram/errors.ts").FatalCause; description: string; hint: string }
    | { type: "stopped" }
  > {
    this.deps.world.busy.add(job.id);
    try {
      const result = await this.deps.port.call(plan.call.method as keyof APIMethods, plan.call.params as never, { signal: this.stopper.signal });
      return { type: "ok", result };
    } catch (err) {
      if (this.stopper.signal.aborted && isAbortError(err)) return { type: "stopped" };
      const attempts = (job.attempts ?? 0) + 1;
      const f = classify(err, attempts);
      if (f.kind === "done") return { type: "ok", result: undefined };
      if (f.kind === "retry") {
        job.attempts = attempts;
        this.deps.log.warn(`retrying ${plan.note} in ${Math.round(f.afterMs)} ms: ${f.reason}`, { method: plan.call.method });
        return { type: "retry", afterMs: f.afterMs };
      }
      return { type: "fatal", cause: f.cause, description: f.description, hint: f.hint };
    } finally {
      this.deps.world.busy.delete(job.id);
    }
  }
}
