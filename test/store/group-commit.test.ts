import { test } from "node:test";
import assert from "node:assert/strict";
import { GroupCommit } from "../../src/store/group-commit.ts";

/** A flush the test finishes by hand, to see exactly which requests share which flush. */
function controlledFlush() {
  const pending: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  const flush = () =>
    new Promise<void>((resolve, reject) => {
      pending.push({ resolve, reject });
    });
  return { pending, flush };
}

const settled = () => new Promise((r) => setImmediate(r));

test("requests during a flush share exactly one next flush", async () => {
  const { pending, flush } = controlledFlush();
  const commit = new GroupCommit(flush);
  const order: string[] = [];
  const first = commit.request().then(() => order.push("first"));
  const burst = Array.from({ length: 50 }, (_, i) => commit.request().then(() => order.push(`burst${i}`)));
  assert.equal(pending.length, 1);

  pending[0]!.resolve();
  await first;
  await settled();
  assert.deepEqual(order, ["first"], "the burst waits for a flush that started after it");
  assert.equal(pending.length, 2, "one flush for the whole burst");
  pending[1]!.resolve();
  await Promise.all(burst);
  assert.equal(order.length, 51);
  assert.equal(pending.length, 2);
});

test("a failed flush rejects only its own callers; the next one runs", async () => {
  const { pending, flush } = controlledFlush();
  const commit = new GroupCommit(flush);
  const first = commit.request();
  const second = commit.request();
  pending[0]!.reject(new Error("disk full"));
  await assert.rejects(first, /disk full/);
  await settled();
  pending[1]!.resolve();
  await second;
  let idle = false;
  const waiting = commit.idle().then(() => (idle = true));
  await waiting;
  assert.ok(idle);
});

test("idle waits for queued flushes too", async () => {
  const { pending, flush } = controlledFlush();
  const commit = new GroupCommit(flush);
  void commit.request();
  void commit.request();
  let idle = false;
  const waiting = commit.idle().then(() => (idle = true));
  pending[0]!.resolve();
  await settled();
  assert.equal(idle, false, "the queued flush is still to come");
  pending[1]!.resolve();
  await waiting;
  assert.ok(idle);
});
