import { test } from "node:test";
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { RateLimiter } from "../../src/telegram/limiter.ts";
import { FairTurns } from "../../src/telegram/turns.ts";

const GROUP = -100;

/** Takes a turn for `who` and, once granted, sends (records) at once: returns the order of sends. */
function sender(turns: FairTurns, limiter: RateLimiter, order: string[]) {
  return async (who: string, first = false): Promise<boolean> => {
    const turn = await turns.take(GROUP, { first });
    limiter.record(GROUP);
    order.push(who);
    turn.done();
    return turn.waited;
  };
}

test("senders that wait are served in the order they asked; a new conversation's first send goes first", async () => {
  const limiter = new RateLimiter({ perChatIntervalMs: 5, perGroupPerMinute: 10_000, overallPerSecond: 10_000 });
  const turns = new FairTurns(limiter);
  const order: string[] = [];
  const send = sender(turns, limiter, order);
  const waited = await Promise.all([send("a1"), send("b1"), send("a2"), send("new", true), send("c1")]);
  assert.deepEqual(order, ["a1", "new", "b1", "a2", "c1"]);
  assert.deepEqual(waited, [false, true, true, true, true], "only the first did not wait");
  assert.equal(await send("later"), true, "the group's gap since the last send is a wait too");
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(await send("idle"), false, "with room in the budget nobody waits");
});

/** Turns at a group that was just sent to, with a minute's gap per chat: the next taker waits. */
async function groupJustSentTo(): Promise<{ limiter: RateLimiter; turns: FairTurns }> {
  const limiter = new RateLimiter({ perChatIntervalMs: 60_000 });
  const turns = new FairTurns(limiter);
  const first = await turns.take(GROUP);
  limiter.record(GROUP);
  first.done();
  return { limiter, turns };
}

test("a waiting turn gives up when its signal fires; disabled turns never wait", async () => {
  const { limiter, turns } = await groupJustSentTo();
  const stop = new AbortController();
  const waiting = turns.take(GROUP, { signal: stop.signal });
  assert.equal(turns.waiting(GROUP), 1);
  stop.abort(new Error("stopping"));
  await assert.rejects(waiting, /stopping/);
  assert.equal(turns.waiting(GROUP), 0);
  const off = new FairTurns(limiter, false);
  assert.equal((await off.take(GROUP)).waited, false);
});

test("many lanes waiting for a turn on one stop signal keep one listener on it, and its abort ends them all", async () => {
  const { turns } = await groupJustSentTo();
  const stop = new AbortController();
  // More than Node's 10-listener warning threshold: a backlog of conversations at the group.
  const waiting = Array.from({ length: 30 }, () => turns.take(GROUP, { signal: stop.signal }).catch((e: unknown) => e));
  assert.equal(turns.waiting(GROUP), 30);
  assert.equal(getEventListeners(stop.signal, "abort").length, 1);
  stop.abort(new Error("stopping"));
  const errs = await Promise.all(waiting);
  assert.ok(errs.every((e) => e instanceof Error && e.message === "stopping"), "every waiting lane gave up");
  assert.equal(turns.waiting(GROUP), 0);
  assert.equal(getEventListeners(stop.signal, "abort").length, 0, "nothing left on the signal");
});
