import assert from "node:assert/strict";
import { test } from "node:test";
import { HANDLED_KEEP_S, HANDLED_MAX_RANGES, markHandled, wasHandled } from "../../src/core/handled.ts";
import { emptyState } from "../../src/core/state.ts";

const T = 1_800_000_000_000;

test("handled ids: consecutive ids make one range, whatever order they arrive in", () => {
  const state = emptyState();
  for (const id of [105, 101, 103, 102, 104, 100]) markHandled(state, id, T);
  assert.deepEqual(state.handled, [100, 105, T / 1000]);
  for (let id = 100; id <= 105; id++) assert.ok(wasHandled(state, id, T), `${id} handled`);
  assert.ok(!wasHandled(state, 99, T) && !wasHandled(state, 106, T));
});

test("handled ids: agree with a plain set for ids arriving out of order across chats", () => {
  const state = emptyState();
  const seen = new Set<number>();
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let n = 0; n < 3000; n++) {
    const id = 5000 + Math.floor(rand() * 800);
    markHandled(state, id, T);
    seen.add(id);
  }
  for (let id = 4990; id < 5810; id++) assert.equal(wasHandled(state, id, T), seen.has(id), `id ${id}`);
  const r = state.handled!;
  for (let i = 3; i < r.length; i += 3) assert.ok(r[i]! > r[i - 2]! + 1, "ranges sorted, apart, merged");
});

test("handled ids: a range untouched for longer than Telegram keeps updates is forgotten (ids that start again)", () => {
  const state = emptyState();
  markHandled(state, 5000, T);
  const later = T + (HANDLED_KEEP_S + 1) * 1000;
  assert.ok(wasHandled(state, 5000, T + 3_600_000), "still remembered an hour later");
  assert.ok(!wasHandled(state, 5000, later), "a new update with an old id is handled");
  markHandled(state, 5000, later);
  assert.deepEqual(state.handled, [5000, 5000, later / 1000], "the old range went, the new one stays");
});

test("handled ids: bounded, the oldest range goes first; a store holding garbage starts afresh", () => {
  const state = emptyState();
  for (let i = 0; i <= HANDLED_MAX_RANGES; i++) markHandled(state, i * 2, T + i * 1000);
  assert.equal(state.handled!.length / 3, HANDLED_MAX_RANGES);
  assert.ok(!wasHandled(state, 0, T + HANDLED_MAX_RANGES * 1000), "the oldest went");
  assert.ok(wasHandled(state, HANDLED_MAX_RANGES * 2, T + HANDLED_MAX_RANGES * 1000));
  const broken = { ...emptyState(), handled: "oops" as unknown as number[] };
  assert.ok(!wasHandled(broken, 1, T));
  markHandled(broken, 1, T);
  assert.deepEqual(broken.handled, [1, 1, T / 1000]);
});
