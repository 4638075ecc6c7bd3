import assert from "node:assert/strict";
import { test } from "node:test";
import { deadlineOf, overdueAt, recordBreaches } from "../../src/core/sla.ts";
import { emptyState, worldOf, type Conversation } from "../../src/core/state.ts";
import { at, iso, SP } from "./service-helpers.ts";

const MIN = 60_000;
const SLA = { firstResponseMinutes: 30, responseMinutes: 60 };

function conv(id: number, fields: Partial<Conversation>): Conversation {
  return { customer: { id, first_name: `C${id}` }, status: "open", banned: false, blocked: false, priority: 3, failures: 0, createdAt: 0, firstMessageAt: 0, queues: { team: [], customer: [], card: [], staff: [] }, ...fields };
}

test("which waiting conversations are overdue at T, and since when (wall-clock time)", () => {
  const t0 = at("2026-03-09T10:00:00-03:00");
  const state = emptyState();
  state.conversations["1"] = conv(1, { firstMessageAt: t0, waitingSince: t0 }); // first response due 10:30
  state.conversations["2"] = conv(2, { firstMessageAt: t0 - 90 * MIN, firstResponseAt: t0 - 80 * MIN, waitingSince: t0 - 20 * MIN }); // response due 10:40
  state.conversations["3"] = conv(3, { firstMessageAt: t0, firstResponseAt: t0 + MIN }); // answered, not waiting
  state.conversations["4"] = conv(4, { firstMessageAt: t0 - 600 * MIN, waitingSince: t0 - 600 * MIN, status: "closed" });
  state.conversations["5"] = conv(5, { firstMessageAt: t0 - 600 * MIN, waitingSince: t0 - 600 * MIN, banned: true });

  assert.deepEqual(overdueAt(state, SLA, undefined, t0 + 29 * MIN), []);
  assert.deepEqual(overdueAt(state, SLA, undefined, t0 + 45 * MIN), [
    { customer: 1, target: "first_response", since: t0, dueAt: t0 + 30 * MIN },
    { customer: 2, target: "response", since: t0 - 20 * MIN, dueAt: t0 + 40 * MIN },
  ]);
  assert.deepEqual(overdueAt(state, { responseMinutes: 60 }, undefined, t0 + 45 * MIN).map((d) => d.customer), [2], "only the targets set are checked");
});

test("in business time, a Saturday-night message is due Monday at 09:30", () => {
  const sat = at("2026-03-07T23:00:00-03:00");
  const c = conv(1, { firstMessageAt: sat, waitingSince: sat });
  assert.equal(iso(deadlineOf(c, SLA, SP)?.dueAt), "2026-03-09T12:30:00.000Z");
  const state = emptyState();
  state.conversations["1"] = c;
  assert.deepEqual(overdueAt(state, SLA, SP, at("2026-03-09T09:29:00-03:00")), [], "Monday 09:29: 29 business minutes");
  assert.deepEqual(overdueAt(state, SLA, SP, at("2026-03-09T09:30:00-03:00")), [], "09:30 sharp: still in time");
  assert.equal(overdueAt(state, SLA, SP, at("2026-03-09T09:30:01-03:00")).length, 1);
});

test("a breach is recorded once per wait, dated when it happened, and a new wait gets its own", () => {
  const t0 = at("2026-03-09T10:00:00-03:00");
  const w = worldOf(emptyState());
  const c = conv(1, { firstMessageAt: t0, waitingSince: t0 });
  w.state.conversations["1"] = c;
  assert.deepEqual(recordBreaches(w, SLA, undefined, t0 + 10 * MIN), []);
  // Found late (the daemon was down): the event says when the target passed.
  assert.equal(recordBreaches(w, SLA, undefined, t0 + 300 * MIN).length, 1);
  assert.deepEqual(recordBreaches(w, SLA, undefined, t0 + 301 * MIN), [], "once");
  assert.deepEqual(w.state.events["1"], [{ type: "sla_breach", at: t0 + 30 * MIN, since: t0, target: "first_response" }]);
  // Answered, then the customer writes again and waits past the response target.
  c.firstResponseAt = t0 + 310 * MIN;
  c.waitingSince = t0 + 320 * MIN;
  assert.equal(recordBreaches(w, SLA, undefined, t0 + 400 * MIN)[0]?.target, "response");
  assert.equal(w.state.events["1"]?.length, 2);
});
