/**
 * Fault suite, the store (issue 11, item 4): the real daemon against the sandbox while
 * the disk under its store fills up in the middle of a backlog and is freed again, and a
 * stop while it is still full. Judged by what the customers and the team see
 * (R25 durable-offset, R13 nothing-lost).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { openStateStore } from "../../src/daemon/daemon.ts";
import { faultyFs } from "../../src/store/faults.ts";
import { StoreError } from "../../src/store/index.ts";
import { chatTexts, eventually, openConversation, startDesk, threadTexts, type Desk } from "../daemon/harness.ts";

/** What the daemon has stored, read from disk as a second process would (no lock). */
async function storedState(desk: Desk) {
  const store = await openStateStore(desk.config.store);
  return structuredClone(store.data);
}

/** The customer's messages as the team sees them: the bot's copies in the thread. */
function relayed(desk: Desk, root: number): string[] {
  return desk.sb
    .thread(root)
    .slice(1)
    .filter((m) => m.from?.id === desk.sb.bot.id)
    .map((m) => m.text ?? "");
}

/** The log lines that would tell the operator something was not delivered or went wrong, the store's own notices aside. */
function failureLines(desk: Desk): string[] {
  return desk.logs.filter((l) => / (warn|error) /.test(l) && !/store journal|store .* written again/.test(l));
}

test("disk full in the middle of a backlog, then freed: every message arrives once, in order, and the store holds it all", { timeout: 60_000 }, async (t) => {
  const faulty = faultyFs();
  const desk = await startDesk({ storeFs: faulty.fs, storeRetry: { firstMs: 50, maxMs: 500 } });
  try {
    const { sb, ana } = desk;
    const customers = await Promise.all(["Bia", "Caio", "Duda"].map((name) => openConversation(desk, name)));
    const PER = 12;
    const ANSWERS = 6;

    // The disk fills after a few more journal lines, in the middle of one: in the middle of what follows.
    faulty.fillAfter(4, { torn: true });
    for (let i = 1; i <= PER; i++) {
      for (const c of customers) sb.sendPrivate(c.id, { text: `msg ${i} from ${c.id}` });
      if (i <= ANSWERS) for (const c of customers) sb.comment(ana.id, c.root, { text: `answer ${i} to ${c.id}` });
    }
    await eventually(() => faulty.full, "the disk to fill up", 10_000);
    const beforeFull = customers.reduce((n, c) => n + relayed(desk, c.root).length - 1 + chatTexts(desk, c.id).filter((x) => x.startsWith("answer")).length, 0);
    const told = await eventually(() => desk.logs.find((l) => / error .*cannot write store journal/.test(l)), "the operator to be told", 10_000);
    assert.match(told, /ENOSPC/);
    assert.match(told, /hint: free disk space where the store lives \(df -h .*\); this write needs [\d.]+ (bytes|KB); meanwhile the desk waits/);
    // The daemon keeps trying (and is alive: nothing rejected, nothing stopped).
    const failuresAtFull = faulty.failures;
    await eventually(() => faulty.failures >= failuresAtFull + 3, "several retries while the disk is full", 10_000);
    assert.equal(desk.logs.filter((l) => /cannot write store journal/.test(l)).length, 1, "told once, not at every retry");

    const freedAt = Date.now();
    faulty.free();
    const expectThread = (c: (typeof customers)[number]) => [`hi from ${["Bia", "Caio", "Duda"][customers.indexOf(c)]}`, ...Array.from({ length: PER }, (_, i) => `msg ${i + 1} from ${c.id}`)];
    const expectChat = (c: (typeof customers)[number]) => Array.from({ length: ANSWERS }, (_, i) => `answer ${i + 1} to ${c.id}`);
    const recovered = await eventually(() => desk.logs.find((l) => /store .* written again after/.test(l)), "the store to work again", 10_000);
    const recoverSeconds = (Date.now() - freedAt) / 1000;
    await sb.waitFor(
      () => customers.every((c) => relayed(desk, c.root).length >= PER + 1 && chatTexts(desk, c.id).filter((x) => x.startsWith("answer")).length >= ANSWERS),
      20_000,
      "the whole backlog delivered",
    );
    const backlogSeconds = (Date.now() - freedAt) / 1000;
    await sb.waitFor(() => sb.pendingUpdates().length === 0 && sb.isPolling(), 10_000, "the daemon idle again");

    let sent = 0;
    let arrived = 0;
    let duplicated = 0;
    for (const c of customers) {
      const thread = relayed(desk, c.root);
      const chat = chatTexts(desk, c.id).filter((x) => x.startsWith("answer"));
      sent += expectThread(c).length - 1 + expectChat(c).length;
      arrived += thread.length - 1 + chat.length;
      duplicated += thread.length - new Set(thread).size + chat.length - new Set(chat).size;
      assert.deepEqual(thread, expectThread(c), `customer ${c.id}'s messages, once each, in order`);
      assert.deepEqual(chat, expectChat(c), `the team's answers to ${c.id}, once each, in order`);
    }
    assert.deepEqual(failureLines(desk), [], "nothing was reported failed");
    assert.match(recovered, / info /);

    // The store on disk holds what the daemon had: every conversation done (a lane stores
    // its last job as done just after the call), every message linked.
    const live = await eventually(async () => {
      const state = await storedState(desk);
      return customers.every((c) => state.conversations[c.id]!.queues.team.length + state.conversations[c.id]!.queues.customer.length === 0) && state;
    }, "every job stored as done");
    for (const c of customers) {
      const conv = live.conversations[c.id]!;
      assert.equal(conv.root, c.root);
      assert.equal(live.links[c.id]!.length / 3, 1 + PER + ANSWERS, "every copy linked to its original");
    }
    await desk.stop();
    assert.deepEqual(await storedState(desk), live, "the store reopens equal to what the running daemon had stored");
    t.diagnostic(
      `disk full mid-backlog (after ${beforeFull} had arrived): ${sent} messages sent, ${arrived} arrived, ${duplicated} duplicated; ` +
        `${faulty.failures} failed writes; store writable ${recoverSeconds.toFixed(2)} s after the disk was freed, backlog done after ${backlogSeconds.toFixed(2)} s`,
    );
  } finally {
    await desk.close();
  }
});

test("a stop while the disk is still full: fails with the store's hint, and the next start delivers what was not stored", { timeout: 60_000 }, async (t) => {
  const faulty = faultyFs();
  const desk = await startDesk({ storeFs: faulty.fs, storeRetry: { firstMs: 20, maxMs: 100, stopGraceMs: 300 } });
  try {
    const { sb } = desk;
    const c = await openConversation(desk, "Eva");
    // Idle: no update waiting, and the conversation's jobs done and stored (no lane is writing).
    await sb.waitFor(() => sb.pendingUpdates().length === 0 && sb.isPolling(), 5000, "the daemon idle");
    await eventually(async () => {
      const q = (await storedState(desk)).conversations[c.id]?.queues;
      return q !== undefined && q.team.length === 0 && q.customer.length === 0;
    }, "every job of the conversation stored as done");
    faulty.fill();
    sb.sendPrivate(c.id, { text: "written while the disk is full" });
    await eventually(() => desk.logs.some((l) => /cannot write store journal/.test(l)), "the failing write", 10_000);

    const stopped = Date.now();
    await assert.rejects(desk.stop(), (err: unknown) => {
      assert.ok(err instanceof StoreError, String(err));
      assert.match(err.message, /the last changes could not be saved/);
      assert.match(err.hint, /free disk space where the store lives/);
      assert.match(err.hint, /the next start fetches the updates that were not stored from Telegram again/);
      return true;
    });
    const stopSeconds = (Date.now() - stopped) / 1000;
    assert.ok(stopSeconds < 10, "the stop does not hang on the disk");
    assert.deepEqual(threadTexts(desk, c.root), ["hi from Eva"], "nothing relayed that the store did not hold");
    assert.equal(sb.pendingUpdates().length, 1, "the update was not confirmed to Telegram");

    faulty.free();
    await desk.restart();
    await sb.waitFor(() => threadTexts(desk, c.root).includes("written while the disk is full"), 10_000, "delivered after the restart");
    await sb.waitFor(() => sb.pendingUpdates().length === 0 && sb.isPolling(), 5000, "the daemon idle");
    assert.deepEqual(threadTexts(desk, c.root), ["hi from Eva", "written while the disk is full"], "exactly once");
    t.diagnostic(`stop on a full disk took ${stopSeconds.toFixed(2)} s; 1 message sent, 1 arrived after the restart, 0 duplicated`);
  } finally {
    await desk.close();
  }
});

test("a sync that fails after the copy went out: the line is written again with the copy's success, once, and nothing repeats", { timeout: 60_000 }, async (t) => {
  const faulty = faultyFs();
  const desk = await startDesk({ storeFs: faulty.fs, storeRetry: { firstMs: 20, maxMs: 100 } });
  try {
    const { sb } = desk;
    const c = await openConversation(desk, "Eva");
    await sb.waitFor(() => sb.pendingUpdates().length === 0 && sb.isPolling(), 5000, "the daemon idle");
    const before = await eventually(async () => {
      const s = await storedState(desk);
      const q = s.conversations[c.id]?.queues;
      return q !== undefined && Object.values(q).every((lane) => lane.length === 0) && s;
    }, "every job of the conversation stored as done");
    // The line that holds the update is appended, then its sync fails: the copy has gone out meanwhile.
    faulty.failNext("sync", "EIO", { match: (p) => p.endsWith(".journal") });
    sb.sendPrivate(c.id, { text: "sent while its line failed to sync" });
    await sb.waitFor(() => threadTexts(desk, c.root).includes("sent while its line failed to sync"), 10_000, "the copy");
    await eventually(() => desk.logs.some((l) => /written again after/.test(l)), "the store written again", 10_000);
    await sb.waitFor(() => sb.pendingUpdates().length === 0 && sb.isPolling(), 10_000, "the update confirmed");
    const after: typeof before = await eventually(async () => {
      const s = await storedState(desk);
      const q = s.conversations[c.id]?.queues;
      return q !== undefined && Object.values(q).every((lane) => lane.length === 0) && (s.links[c.id]?.length ?? 0) > (before.links[c.id]?.length ?? 0) && s;
    }, "the copy's success stored: no job left, its link added");
    assert.ok(after.links[c.id]!.length > (before.links[c.id]?.length ?? 0));
    assert.equal(faulty.failures, 1);
    await desk.stop();
    await desk.restart();
    await sb.waitFor(() => sb.pendingUpdates().length === 0 && sb.isPolling(), 10_000, "the daemon idle after a restart");
    assert.deepEqual(threadTexts(desk, c.root), ["hi from Eva", "sent while its line failed to sync"], "exactly once, before and after a restart");
    t.diagnostic("1 failed sync; the copy out once, its success stored, nothing sent again after a restart");
  } finally {
    await desk.close();
  }
});
