/**
 * Deliveries under faults (R13 nothing-lost, R15 recreate-thread), the real daemon against
 * the sandbox: a request that never gets an answer (a half-open connection), a card staff
 * deleted. Judged by what the customer and the team see.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { chatTexts, openConversation, startDesk, threadTexts as deskThreadTexts } from "../daemon/harness.ts";
import { botTexts, cardsOf, failureLines, judge, startRig, threadTexts } from "./helpers.ts";

test("a card staff deleted (thread kept) is posted again on the customer's next message; both threads keep working", { timeout: 30_000 }, async (t) => {
  const desk = await startDesk({ cardCheckMs: 0 });
  try {
    const { sb, ana } = desk;
    const c = await openConversation(desk, "Deleted");
    const old = c.card();
    sb.deleteAs(sb.channelId, old.message_id); // only the post: the thread and its history stay
    const t0 = Date.now();
    sb.sendPrivate(c.id, { text: "anyone there?" });
    const card = await sb.waitFor(() => cardsOf(sb, c.id).find((m) => m.message_id !== old.message_id), 5000, "the card posted again");
    const root = await sb.waitFor(() => sb.rootFor(card.message_id), 5000, "its thread");
    await sb.waitFor(() => deskThreadTexts(desk, root).includes("anyone there?"), 5000, "the message in the card's thread");
    const recover = (Date.now() - t0) / 1000;
    assert.equal(cardsOf(sb, c.id).length, 1, "one card for the conversation");
    await sb.waitFor(() => sb.pinned(sb.channelId).includes(card.message_id), 5000, "the new card pinned, as the conversation is open");
    assert.equal(threadTexts(sb, c.id).filter((x) => x === "anyone there?").length, 1, "the message once");
    // Staff answer in the new thread and, out of habit, in the old one: both reach the customer.
    sb.comment(ana.id, root, { text: "here, in the new thread" });
    sb.comment(ana.id, c.copy.message_id, { text: "and from the old one" });
    await sb.waitFor(() => ["here, in the new thread", "and from the old one"].every((x) => chatTexts(desk, c.id).includes(x)), 5000, "both replies");
    assert.deepEqual(failureLines(desk.logs), []);
    t.diagnostic(`card recreated and the message delivered ${recover.toFixed(2)} s after the customer wrote`);
  } finally {
    await desk.close();
  }
});

test("a copy Telegram carried out but never answered: abandoned after request_timeout, sent once more at most, and the lane moves on", { timeout: 60_000 }, async (t) => {
  const rig = await startRig({ extraConfig: "request_timeout: 1" });
  try {
    const { sb } = rig;
    const d = await rig.start();
    const u = sb.addUser({ first_name: "Halfopen" });
    sb.sendPrivate(u.id, { text: "first" });
    await sb.waitFor(() => threadTexts(sb, u.id).includes("first"), 10_000, "the conversation's thread");
    sb.failNext({ method: "copyMessage", chatId: sb.groupId, hang: "after" });
    const sent = ["first", "second", "third", "fourth"];
    const t0 = Date.now();
    for (const text of sent.slice(1)) sb.sendPrivate(u.id, { text });
    await sb.waitFor(() => judge(sent, threadTexts(sb, u.id)).hasOwnProperty("duplicates"), 15_000, "every message in the thread");
    const recover = (Date.now() - t0) / 1000;
    const verdict = judge(sent, threadTexts(sb, u.id));
    assert.ok("duplicates" in verdict && verdict.duplicates <= 1, JSON.stringify(verdict));
    await d.waitForLog(/warn .*did not answer copyMessage: no answer within 1 s, the call was abandoned/);
    assert.deepEqual(failureLines(d.log), []);
    d.child.kill("SIGTERM");
    assert.equal(await d.exited, 0);
    t.diagnostic(`sent ${sent.length - 1} while one copy hung, arrived ${sent.length - 1}, duplicated ${"duplicates" in verdict ? verdict.duplicates : "?"}; ${recover.toFixed(1)} s to deliver all`);
  } finally {
    await rig.close();
  }
});

test("a reply to the customer that never got an answer, not carried out: sent after the deadline, once", { timeout: 60_000 }, async (t) => {
  const rig = await startRig({ extraConfig: "request_timeout: 1" });
  try {
    const { sb, ana } = rig;
    const d = await rig.start();
    const u = sb.addUser({ first_name: "Silent" });
    sb.sendPrivate(u.id, { text: "hello" });
    await sb.waitFor(() => threadTexts(sb, u.id).includes("hello"), 10_000, "the thread");
    const root = sb.rootFor(cardsOf(sb, u.id)[0]!.message_id)!;
    sb.failNext({ method: "copyMessage", chatId: u.id, hang: "before" });
    const t0 = Date.now();
    sb.comment(ana.id, root, { text: "we are on it" });
    sb.comment(ana.id, root, { text: "and it is done" });
    await sb.waitFor(() => botTexts(sb, u.id).includes("and it is done"), 15_000, "both replies");
    const recover = (Date.now() - t0) / 1000;
    const replies = botTexts(sb, u.id).filter((x) => x === "we are on it" || x === "and it is done");
    assert.deepEqual(replies, ["we are on it", "and it is done"], "in order, each once");
    assert.deepEqual(failureLines(d.log), []);
    d.child.kill("SIGTERM");
    assert.equal(await d.exited, 0);
    t.diagnostic(`2 sent, 2 arrived, 0 duplicated; ${recover.toFixed(1)} s with one call hung`);
  } finally {
    await rig.close();
  }
});

test("a getUpdates that never answers: abandoned after its long poll + request_timeout, and polling resumes", { timeout: 60_000 }, async (t) => {
  const rig = await startRig({ extraConfig: "request_timeout: 1" });
  try {
    const { sb } = rig;
    const d = await rig.start();
    sb.failNext({ method: "getUpdates", hang: "before" });
    await sb.waitFor(() => sb.requests.some((r) => r.method === "getUpdates" && r.status === 0), 10_000, "the hung long poll");
    const t0 = Date.now();
    const u = sb.addUser({ first_name: "Polled" });
    sb.sendPrivate(u.id, { text: "are you polling?" });
    await sb.waitFor(() => threadTexts(sb, u.id).includes("are you polling?"), 15_000, "the message relayed");
    const recover = (Date.now() - t0) / 1000;
    await d.waitForLog(/warn .*did not answer getUpdates: no answer within 4 s, the call was abandoned/);
    // A poll Telegram holds for its 3 s busy-loop guard is not taken for a hang.
    assert.equal(d.log.filter((l) => /did not answer getUpdates/.test(l)).length, 1, d.log.join("\n"));
    d.child.kill("SIGTERM");
    assert.equal(await d.exited, 0);
    t.diagnostic(`1 sent, 1 arrived, 0 duplicated; relayed ${recover.toFixed(1)} s after the poll hung (deadline: 3 s guard + 1 s)`);
  } finally {
    await rig.close();
  }
});
