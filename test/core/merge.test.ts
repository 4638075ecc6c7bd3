import { test } from "node:test";
import assert from "node:assert/strict";
import type { InJob, Job } from "../../src/core/jobs.ts";
import { claimRun, joinParts, mergeRun, TEXT_LIMIT } from "../../src/core/merge.ts";
import { onFailure, onSuccess, planJob } from "../../src/core/plan.ts";
import { groupFor, linkOf, pruneLinks, worldOf, type Conversation } from "../../src/core/state.ts";
import { handleUpdate } from "../../src/core/updates.ts";
import { context, CUSTOMER, GROUP, privateMsg, world } from "./helpers.ts";

const text = (id: number, t: string, extra: Partial<InJob> = {}): InJob => ({ id, at: 0, kind: "in", p: id, text: { text: t }, ...extra });

test("texts join one per line; entities move by UTF-16 units (an emoji is two)", () => {
  const joined = joinParts([{ text: "olá 👋" }, { text: "bold", entities: [{ type: "bold", offset: 0, length: 4 }] }]);
  assert.equal(joined.text, "olá 👋\nbold");
  assert.deepEqual(joined.entities, [{ type: "bold", offset: 7, length: 4 }], "'olá 👋' is 6 units, then the line break");
});

test("a run takes the consecutive texts that fit in 4096 units, never splitting one, stopping at anything else", () => {
  const lane: Job[] = [text(1, "x".repeat(2000)), text(2, "y".repeat(2095)), text(3, "a"), text(4, "b")];
  assert.deepEqual(mergeRun(lane, new Set(), true).map((j) => j.p), [1, 2], "2000 + 1 + 2095 = 4096 exactly: the third waits");
  assert.ok(joinParts(mergeRun(lane, new Set(), true).map((j) => j.text!)).text.length <= TEXT_LIMIT);
  const mixed: Job[] = [text(1, "a"), text(2, "b"), { id: 3, at: 0, kind: "in", p: 3 }, text(4, "c")];
  assert.deepEqual(mergeRun(mixed, new Set(), true).map((j) => j.p), [1, 2], "a photo (no text) ends the run");
  assert.deepEqual(mergeRun([text(1, "a"), text(2, "b", { replyTo: 9 })], new Set(), true).map((j) => j.p), [1], "a reply goes alone");
  assert.deepEqual(mergeRun([text(1, "a", { alone: true }), text(2, "b")], new Set(), true), [], "refused merged: alone");
});

test("only texts that are not replies or forwards carry their text; coalesce: false carries none", () => {
  const w = world();
  const ctx = context();
  handleUpdate(w, ctx, privateMsg(1, { text: "first" }), 0);
  handleUpdate(w, ctx, privateMsg(2, { text: "fwd", forward_origin: { type: "hidden_user", sender_user_name: "X", date: 0 } }), 0);
  handleUpdate(w, ctx, privateMsg(3, { text: "re", reply_to_message: { message_id: 1 } as never }), 0);
  handleUpdate(w, context({ coalesce: false }), privateMsg(4, { text: "off" }), 0);
  const ins = w.state.conversations[CUSTOMER]!.queues.team.filter((j): j is InJob => j.kind === "in");
  assert.deepEqual(ins.map((j) => [j.p, j.text?.text]), [[1, "first"], [2, undefined], [3, undefined], [4, undefined]]);
});

/** A customer with a thread and three texts queued for it (t1, t2, t3), nothing else. */
function threeTexts() {
  const w = world();
  const ctx = context();
  for (let i = 1; i <= 3; i++) handleUpdate(w, ctx, privateMsg(i, { text: `t${i}` }), 0);
  const conv: Conversation = w.state.conversations[CUSTOMER]!;
  conv.root = 50;
  conv.card = 5;
  conv.queues.team = conv.queues.team.filter((j) => j.kind === "in");
  return { w, ctx, conv };
}

test("under backlog the run is one sendMessage; each original links to it, a reply to it maps to the last; an edit re-renders it", () => {
  const { w, ctx, conv } = threeTexts();
  const head = conv.queues.team[0]!;
  const d = { world: w, ctx, now: 0, conv, lane: "team" as const, job: head };
  const alone = planJob(d);
  assert.equal(alone.type === "call" && alone.call.method, "copyMessage", "no backlog: a plain copy");
  const plan = planJob({ ...d, merge: true });
  assert.ok(plan.type === "call");
  assert.equal(plan.call.method, "sendMessage");
  assert.equal((plan.call.params as unknown as Record<string, unknown>).text, "t1\nt2\nt3");
  assert.equal(plan.also?.length, 2);
  onSuccess(d, plan, { message_id: 60 });
  assert.deepEqual([1, 2, 3].map((p) => groupFor(w, CUSTOMER, p)), [60, 60, 60]);
  assert.deepEqual(linkOf(w, 60), { customer: CUSTOMER, p: 3 }, "a staff reply to the comment answers the last text");

  const edit: Job = { id: 99, at: 0, kind: "inEdit", p: 2, snap: { text: "t2!", entities: [{ type: "italic", offset: 0, length: 3 }] } };
  const again = planJob({ ...d, job: edit });
  assert.ok(again.type === "call");
  assert.equal(again.call.method, "editMessageText");
  const params = again.call.params as unknown as Record<string, unknown>;
  assert.deepEqual([params.message_id, params.text, params.entities], [60, "t1\nt2!\nt3", [{ type: "italic", offset: 3, length: 3 }]]);
  onSuccess({ ...d, job: edit }, again, true);
  assert.equal(w.state.merged![60]![1]!.text, "t2!", "the part is kept as edited");

  pruneLinks(w, 1, 10 * 86_400_000);
  assert.equal(w.state.merged?.[60], undefined, "pruned with the links");
});

test("a merged comment decided before a crash is the same comment after it: the same texts, even with no backlog, none cut off", () => {
  const { w, ctx, conv } = threeTexts();
  const [head] = conv.queues.team as InJob[];
  const d = { world: w, ctx, now: 0, conv, lane: "team" as const, job: head! };
  const plan = planJob({ ...d, merge: true });
  assert.ok(plan.type === "call" && plan.also);
  assert.equal(claimRun(w, CUSTOMER, [head!, ...(plan.also as InJob[])]), true, "a new choice: stored before the send");
  assert.ok(w.dirty.conversations.has(String(CUSTOMER)), "in the conversation's record: one write");
  assert.equal(claimRun(w, CUSTOMER, [head!, ...(plan.also as InJob[])]), false, "the same choice again: nothing to store");

  // After a restart: a text that came meanwhile, and a send that does not wait (limits off, an empty group).
  const stored = worldOf(JSON.parse(JSON.stringify(w.state)));
  handleUpdate(stored, ctx, privateMsg(4, { text: "t4" }), 0);
  const conv2 = stored.state.conversations[CUSTOMER]!;
  const resend = planJob({ world: stored, ctx, now: 0, conv: conv2, lane: "team", job: conv2.queues.team[0]! });
  assert.ok(resend.type === "call");
  assert.equal(resend.call.method, "sendMessage");
  assert.equal((resend.call.params as unknown as Record<string, unknown>).text, "t1\nt2\nt3", "the comment that may have gone out, once more, as it was");
  const later = planJob({ world: stored, ctx, now: 0, conv: conv2, lane: "team", job: conv2.queues.team[0]!, merge: true });
  assert.equal(later.type === "call" && (later.call.params as unknown as Record<string, unknown>).text, "t1\nt2\nt3", "under backlog too: t4 goes in a comment of its own");

  // Telegram refuses the merged comment: each text goes alone, and the choice is dropped.
  const refused = onFailure({ world: stored, ctx, now: 0, conv: conv2, lane: "team", job: conv2.queues.team[0]! }, resend, { cause: "too_long", description: "Bad Request: message is too long" });
  assert.equal(refused.type, "again");
  const one = planJob({ world: stored, ctx, now: 0, conv: conv2, lane: "team", job: conv2.queues.team[0]!, merge: true });
  assert.equal(one.type === "call" && one.call.method, "copyMessage");
  assert.equal((conv2.queues.team[0] as InJob).carries, undefined);
});
