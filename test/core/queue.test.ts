/**
 * Card edits coalesce (R21 card): whatever lane they wait in, the edits of one card that
 * have not gone out yet are one edit of its latest rendering. The card check of R15
 * recreate-thread (an edit to the same text before a customer's message goes into the
 * thread) is such an edit too, so an update waiting beside it is carried by it.
 */
import assert from "node:assert/strict";
import { jobsIn } from "../../src/core/state.ts";
import { test } from "node:test";
import type { Lane } from "../../src/core/jobs.ts";
import { checkCard, onSuccess, planJob, type Plan } from "../../src/core/plan.ts";
import { queueCardEdit } from "../../src/core/queue.ts";
import { markOverdue } from "../../src/core/sla.ts";
import type { World } from "../../src/core/state.ts";
import { handleUpdate } from "../../src/core/updates.ts";
import { autoForward, context, CUSTOMER, privateMsg, world } from "./helpers.ts";

const ctx = context();
const t0 = 1_000_000;
const SLA = { firstResponseMinutes: 30 };
const late = t0 + 31 * 60_000;

const conv = (w: World) => w.state.conversations[CUSTOMER]!;

/** Delivers the head of a lane as if Telegram said yes (the card is post 10, its thread root 100). */
function deliverHead(w: World, lane: Lane, result: unknown, at = t0): void {
  const job = jobsIn(conv(w), lane)[0]!;
  const d = { world: w, ctx, now: at, conv: conv(w), lane, job };
  const plan = planJob(d);
  if (plan.type === "call") onSuccess(d, plan, result);
  conv(w).queues[lane]!.shift();
}

/** A customer waiting since t0 in a thread that exists, every job delivered; then a second message, not yet copied. */
function waitingCustomer(): World {
  const w = world();
  handleUpdate(w, ctx, privateMsg(1, { text: "help" }), t0);
  deliverHead(w, "team", { message_id: 10 });
  handleUpdate(w, ctx, autoForward(100, 10), t0);
  for (const lane of ["team", "customer", "card", "staff"] as const) while (jobsIn(conv(w), lane).length > 0) deliverHead(w, lane, { message_id: 101 });
  handleUpdate(w, ctx, privateMsg(2, { text: "anyone?" }), t0 + 60_000);
  while (jobsIn(conv(w), "card").length > 0) deliverHead(w, "card", true); // nothing changed on the card: skipped
  assert.deepEqual(conv(w).queues.team.map((j) => j.kind), ["in"]);
  return w;
}

/** The card edits every lane would send now, planned side by side as the deliverer's parallel lanes do. */
function cardEdits(w: World, at: number): Plan[] {
  const plans: Plan[] = [];
  for (const lane of ["team", "card"] as const) {
    const job = jobsIn(conv(w), lane)[0];
    if (job?.kind !== "cardEdit") continue;
    const plan = planJob({ world: w, ctx, now: at, conv: conv(w), lane, job });
    if (plan.type === "call") plans.push(plan);
  }
  return plans;
}

const text = (p: Plan): string => (p.type === "call" ? String((p.call.params as { text: string }).text) : "");

test("the card check carries an update waiting in the card lane: one edit, showing ⏰ overdue", () => {
  const w = waitingCustomer();
  assert.deepEqual(markOverdue(w, SLA, undefined, late).changed, [CUSTOMER]);
  checkCard({ world: w, conv: conv(w), now: late }); // the message into the thread of a card unseen for 31 minutes
  const edits = cardEdits(w, late);
  assert.equal(edits.length, 1, "one card edit, not a check and then the same update again");
  assert.match(text(edits[0]!), /⏰ overdue/);
  assert.deepEqual(conv(w).queues.team.map((j) => j.kind), ["cardEdit", "in"], "the check still goes before the message");
});

test("a change made while a card check waits is carried by it", () => {
  const w = waitingCustomer();
  checkCard({ world: w, conv: conv(w), now: late });
  markOverdue(w, SLA, undefined, late);
  assert.deepEqual(conv(w).queues.card, [], "no second edit queued");
  const edits = cardEdits(w, late);
  assert.equal(edits.length, 1);
  assert.match(text(edits[0]!), /⏰ overdue/);
});

test("a change made while the check is on its way gets its own edit", () => {
  const w = waitingCustomer();
  checkCard({ world: w, conv: conv(w), now: late });
  w.busy.add(conv(w).queues.team[0]!.id); // sent, not answered yet: it shows the card without ⏰
  markOverdue(w, SLA, undefined, late);
  assert.deepEqual(jobsIn(conv(w), "card").map((j) => j.kind), ["cardEdit"]);
});

test("what Telegram refused of the update (HTML, buttons) stays refused in the check that carries it", () => {
  const w = waitingCustomer();
  queueCardEdit(w, conv(w), late);
  Object.assign(jobsIn(conv(w), "card")[0]!, { plain: true, bare: true });
  checkCard({ world: w, conv: conv(w), now: late });
  assert.deepEqual(conv(w).queues.card, []);
  assert.deepEqual({ ...conv(w).queues.team[0]!, id: 0, at: 0 }, { id: 0, at: 0, first: true, kind: "cardEdit", check: true, plain: true, bare: true });
});
