/**
 * R13 nothing-lost and R14 order-and-pace under stops and crashes of the real daemon
 * (`clientes start` as a process) during a backlog paced by Telegram's limits: nothing lost, nothing reported as failed, every message once
 * (at most one repeat per crash), in order; the store reopens every time.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { botTexts, cardsOf, failureLines, judge, repeatedComments, startRig, threadMessages, threadTexts, type Rig } from "./helpers.ts";

/** `n` new customers, each writing `each` texts at once; returns what each one sent. */
function backlog(rig: Rig, n: number, each: number, tag: string): Map<number, string[]> {
  const sent = new Map<number, string[]>();
  for (let i = 0; i < n; i++) {
    const u = rig.sb.addUser({ first_name: `${tag}${i}` });
    const texts = Array.from({ length: each }, (_, k) => `${tag} ${i} #${k + 1}`);
    for (const text of texts) rig.sb.sendPrivate(u.id, { text });
    sent.set(u.id, texts);
  }
  return sent;
}

function arrived(rig: Rig, sent: Map<number, string[]>): number {
  let n = 0;
  for (const id of sent.keys()) n += new Set(threadTexts(rig.sb, id)).size;
  return n;
}

/**
 * Everything of `sent` is in its thread, in order, nothing reported as undelivered. A crash
 * may repeat the one call in flight to each chat: at most `crashes` repeated cards (channel),
 * repeated copies (group) and repeated welcomes (each customer). Returns the repeats.
 */
function assertAllThere(rig: Rig, sent: Map<number, string[]>, crashes: number): { duplicates: number } {
  const { sb } = rig;
  let cards = 0;
  let copies = 0;
  for (const [id, texts] of sent) {
    const mine = cardsOf(sb, id);
    assert.ok(mine.length >= 1, `customer ${id}: a card`);
    cards += mine.length - 1;
    const verdict = judge(texts, threadTexts(sb, id));
    assert.ok("duplicates" in verdict, `customer ${id}: ${"wrong" in verdict ? verdict.wrong : ""}`);
    copies += repeatedComments(sb, id);
    const welcomes = botTexts(sb, id).filter((t) => /^Hello/.test(t)).length;
    assert.ok(welcomes >= 1 && welcomes <= 1 + crashes, `customer ${id}: welcomed ${welcomes} times`);
    // Nothing was reported as undelivered: no warning in the thread, none on the card.
    assert.deepEqual(threadMessages(sb, id).filter((m) => m.from?.id === sb.bot.id && /⚠️/.test(m.text ?? "")).map((m) => m.text), []);
    for (const card of mine) assert.doesNotMatch(card.text ?? "", /Undelivered/);
  }
  assert.ok(cards <= crashes, `${cards} repeated cards (at most ${crashes})`);
  assert.ok(copies <= crashes, `${copies} repeated copies in the group (at most ${crashes})`);
  return { duplicates: cards + copies };
}

test("SIGTERM during a paced backlog: nothing reported as failed, everything goes out after the next start", { timeout: 90_000 }, async (t) => {
  const rig = await startRig();
  try {
    const paced = await rig.start([]);
    const sent = backlog(rig, 12, 2, "Term");
    const total = 24;
    await rig.sb.waitFor((sb) => sb.messages(sb.channelId).length >= 2, 10_000, "the first cards");
    paced.child.kill("SIGTERM");
    assert.equal(await paced.exited, 0, "a clean stop exits 0");
    const before = arrived(rig, sent);
    assert.ok(before < total, "work was still queued at SIGTERM");
    assert.deepEqual(failureLines(paced.log), [], "nothing reported as failed because the daemon stopped");

    const t0 = Date.now();
    const again = await rig.start();
    await rig.sb.waitFor(() => arrived(rig, sent) === total, 30_000, "the whole backlog after the restart");
    const recover = (Date.now() - t0) / 1000;
    const { duplicates } = assertAllThere(rig, sent, 0);
    again.child.kill("SIGTERM");
    assert.equal(await again.exited, 0);
    assert.deepEqual(failureLines(again.log), []);
    t.diagnostic(`sent ${total}, arrived ${total} (${before} before SIGTERM), duplicated ${duplicates}; ${recover.toFixed(1)} s from restart to all delivered`);
  } finally {
    await rig.close();
  }
});

test("repeated SIGKILL during a paced backlog: nothing lost, in order, at most one repeat per crash", { timeout: 120_000 }, async (t) => {
  const rig = await startRig();
  try {
    const sent = backlog(rig, 6, 5, "Kill");
    const total = 30;
    const crashes = 3;
    const seen: number[] = [];
    for (let crash = 0; crash < crashes; crash++) {
      const d = await rig.start([]);
      const from = arrived(rig, sent);
      // Let it make progress, then pull the plug in the middle of the work.
      await rig.sb.waitFor(() => arrived(rig, sent) >= from + 2, 20_000, `progress before crash ${crash + 1}`);
      d.child.kill("SIGKILL");
      await d.exited;
      seen.push(arrived(rig, sent));
    }
    assert.ok(seen.at(-1)! < total, "work was still queued at the last crash");
    const t0 = Date.now();
    const last = await rig.start(); // the store reopens after every crash
    await rig.sb.waitFor(() => arrived(rig, sent) === total, 30_000, "the whole backlog after the crashes");
    const recover = (Date.now() - t0) / 1000;
    // A crash repeats at most the call in flight to each chat: one per crash in the group.
    const { duplicates } = assertAllThere(rig, sent, crashes);
    last.child.kill("SIGTERM");
    assert.equal(await last.exited, 0);
    t.diagnostic(`sent ${total}, arrived ${total} (${seen.join(" → ")} at the ${crashes} crashes), duplicated ${duplicates}; ${recover.toFixed(1)} s from the last start to all delivered`);
  } finally {
    await rig.close();
  }
});

test("SIGTERM while a call hangs: abandoned after the grace, not reported, sent after the next start", { timeout: 60_000 }, async (t) => {
  const rig = await startRig();
  try {
    const { sb } = rig;
    const d = await rig.start();
    const u = sb.addUser({ first_name: "Hung" });
    sb.sendPrivate(u.id, { text: "before" });
    await sb.waitFor(() => threadTexts(sb, u.id).includes("before"), 10_000, "the thread");
    sb.failNext({ method: "copyMessage", chatId: sb.groupId, hang: "before" });
    sb.sendPrivate(u.id, { text: "during the hang" });
    await sb.waitFor(() => sb.requests.some((r) => r.method === "copyMessage" && r.status === 0), 10_000, "the hung copy");
    const t0 = Date.now();
    d.child.kill("SIGTERM");
    assert.equal(await d.exited, 0);
    const stopped = (Date.now() - t0) / 1000;
    assert.ok(stopped < 10, `stopped in ${stopped} s, well before the call's own deadline`);
    assert.deepEqual(failureLines(d.log), []);
    const again = await rig.start();
    await sb.waitFor(() => threadTexts(sb, u.id).includes("during the hang"), 10_000, "the message after the restart");
    assert.deepEqual(threadTexts(sb, u.id), ["before", "during the hang"]);
    again.child.kill("SIGTERM");
    assert.equal(await again.exited, 0);
    t.diagnostic(`1 sent during the hang, 1 arrived after the restart, 0 duplicated; stop took ${stopped.toFixed(1)} s`);
  } finally {
    await rig.close();
  }
});
