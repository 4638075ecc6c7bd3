/**
 * Throughput where Telegram is the bottleneck (the group's ~20 messages a minute): texts
 * that wait for the group's budget go as one comment; the budget is shared fairly; the
 * limiter's memory survives a restart. End to end, Telegram's limits on in the sandbox.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox } from "../../src/sandbox/index.ts";
import { chatTexts, eventually, FAST_WEBHOOK_RETRIES, freePort, openConversation, spawnDaemon, startDesk, threadOf, threadTexts, writeConfig, type Desk } from "./harness.ts";

let desk: Desk;
before(async () => {
  desk = await startDesk({ rateLimits: true, sandbox: { rateLimits: true } });
});
after(async () => {
  await desk.close();
});

/** The bot's calls into the group, by method, in order. */
const groupCalls = (d: Desk) => d.port.calls.filter((c) => (c.params as { chat_id?: number } | undefined)?.chat_id === d.sb.groupId);

test("texts that wait for the group's budget go as one comment; traffic that does not wait stays one comment each", async () => {
  const { sb } = desk;
  const c = await openConversation(desk, "Bia");
  // Right after a comment the group's gap (1 s) makes the next ones wait: a burst.
  const burst = ["first line", "second line", "**bold** third", "fourth"].map((text, i) =>
    i === 2 ? sb.sendPrivate(c.id, { text: "bold third", entities: [{ type: "bold", offset: 0, length: 4 }] }) : sb.sendPrivate(c.id, { text }),
  );
  const merged = await sb.waitFor(() => sb.thread(c.root).find((m) => m.text?.startsWith("first line")), 8000, "the merged comment");
  assert.equal(merged.text, "first line\nsecond line\nbold third\nfourth", "in order, one per line");
  assert.deepEqual(merged.entities, [{ type: "bold", offset: "first line\nsecond line\n".length, length: 4 }], "the entity moved with its text");
  assert.deepEqual(threadTexts(desk, c.root), ["hi from Bia", merged.text], "four texts, one comment");

  // After the gap, a lone text is copied as it is (copyMessage), not rebuilt.
  const at = Date.now();
  await eventually(() => Date.now() - at > 1200, "the group's gap to pass");
  sb.sendPrivate(c.id, { text: "a calm message" });
  await sb.waitFor(() => threadTexts(desk, c.root).includes("a calm message"), 5000);
  const last = groupCalls(desk).at(-1)!;
  assert.equal(last.method, "copyMessage");

  // A customer's edit of one part re-renders that comment.
  sb.editPrivate(c.id, burst[1]!.message_id, { text: "second line, corrected" });
  await sb.waitFor(() => sb.message(sb.groupId, merged.message_id)?.text === "first line\nsecond line, corrected\nbold third\nfourth", 5000, "the merged comment edited");
  assert.deepEqual(sb.message(sb.groupId, merged.message_id)!.entities, [{ type: "bold", offset: "first line\nsecond line, corrected\n".length, length: 4 }]);

  // A staff reply to the merged comment answers the last text it carries.
  sb.comment(desk.ana.id, merged.message_id, { text: "got all four" });
  const answer = await sb.waitFor(() => sb.messages(c.id).find((m) => m.text === "got all four"), 5000, "the answer in the customer's chat");
  assert.equal(answer.reply_to_message?.message_id, burst[3]!.message_id, "as a reply to the last one");
});

test("media, replies and forwards are never merged", async () => {
  const { sb } = desk;
  const c = await openConversation(desk, "Caio");
  sb.sendPrivate(c.id, { text: "one" });
  sb.sendPrivate(c.id, { text: "a reply" }, { replyTo: c.msg.message_id });
  sb.sendPrivate(c.id, { text: "two" });
  sb.sendPrivate(c.id, { photo: "p1", caption: "a photo" } as never);
  sb.sendPrivate(c.id, { text: "three" });
  sb.sendPrivate(c.id, { text: "four" });
  await sb.waitFor(() => threadTexts(desk, c.root).includes("three\nfour"), 10_000, "the last two merged");
  assert.deepEqual(threadTexts(desk, c.root), ["hi from Caio", "one", "a reply", "two", "a photo", "three\nfour"]);
  const reply = sb.thread(c.root).find((m) => m.text === "a reply")!;
  assert.equal(reply.reply_to_message?.message_id, c.copy.message_id, "the reply kept its target");
});

test("fair share: a new conversation's first message goes before a flooding customer's backlog", async () => {
  const d = await startDesk({ rateLimits: true, sandbox: { rateLimits: true }, config: { coalesce: false } });
  try {
    const { sb } = d;
    const flood = await openConversation(d, "Flood");
    for (let i = 1; i <= 10; i++) sb.sendPrivate(flood.id, { text: `flood ${i}` });
    await sb.waitFor(() => threadTexts(d, flood.root).includes("flood 1"), 5000);
    const newcomer = sb.addUser({ first_name: "Nina" });
    sb.sendPrivate(newcomer.id, { text: "hello, first time" });
    const root = await threadOf(d, newcomer.id);
    const floodAtRoot = threadTexts(d, flood.root).length;
    await sb.waitFor(() => threadTexts(d, root).includes("hello, first time"), 5000, "the newcomer's first message");
    const floodAfter = threadTexts(d, flood.root).length;
    assert.ok(floodAfter - floodAtRoot <= 1, `at most the one in flight went first (${floodAfter - floodAtRoot})`);
    assert.ok(floodAfter < 11, "the flood was still queued");
    await sb.waitFor(() => threadTexts(d, flood.root).length === 11, 15_000, "the whole flood");
    assert.deepEqual(threadTexts(d, flood.root).slice(1), Array.from({ length: 10 }, (_, i) => `flood ${i + 1}`), "in order");
    assert.equal(sb.requests.filter((r) => r.status === 429).length, 0, "no 429");
  } finally {
    await d.close();
  }
});

test("a restart while the group's budget is used up sends nothing early: no 429", async () => {
  // A budget of 3 a minute, so the test fills it in seconds.
  const d = await startDesk({ rateLimits: true, limits: { perGroupPerMinute: 3 }, sandbox: { rateLimits: true, limitRules: { perGroupPerMinute: 3 } }, config: { coalesce: false } });
  try {
    const { sb } = d;
    const c = await openConversation(d, "Rui");
    sb.sendPrivate(c.id, { text: "two" });
    sb.sendPrivate(c.id, { text: "three" });
    await sb.waitFor(() => threadTexts(d, c.root).length === 3, 6000, "three comments: the minute is full");
    sb.sendPrivate(c.id, { text: "four" });
    await d.stop();
    await d.restart();
    // A new customer's card needs the channel, not the group: once it is there, the daemon
    // has long had the chance to send the backlog into the group.
    const late = sb.addUser({ first_name: "Leo" });
    sb.sendPrivate(late.id, { text: "me too" });
    await threadOf(d, late.id);
    const tooMany = sb.requests.filter((r) => r.status === 429);
    assert.deepEqual(tooMany.map((r) => r.method), [], "no 429 after the restart");
    assert.deepEqual(threadTexts(d, c.root), ["hi from Rui", "two", "three"], "the fourth waits for the window");
    assert.ok(chatTexts(d, c.id).length >= 1, "the customer got the welcome");
  } finally {
    await d.close();
  }
});

// Both ways in: the poll loop and the webhook share one intake, and merging happens after it.
for (const mode of ["poll", "webhook"] as const) {
  test(`SIGKILL in the middle of a merged send, then restart (${mode === "poll" ? "polling" : "by webhook"}): nothing lost, at most one comment twice`, async () => {
    const sb = await startSandbox({ autoForwardDelayMs: 5, rateLimits: true, ...(mode === "webhook" ? FAST_WEBHOOK_RETRIES : {}) });
    const dir = await mkdtemp(join(tmpdir(), "clientes-merge-"));
    try {
      const webhook = mode === "webhook" ? { webhook: { port: await freePort() } } : {};
      const config = await writeConfig(dir, sb, [sb.addUser({ first_name: "Ana" }).id], webhook);
      const args = mode === "webhook" ? ["--webhook"] : []; // pacing on
      const d = spawnDaemon(config, sb.token, args);
      await d.waitForLog(/relaying/);
      const u = sb.addUser({ first_name: "Kim" });
      sb.sendPrivate(u.id, { text: "kim 0" });
      const root = await sb.waitFor(() => {
        const card = sb.messages(sb.channelId).find((m) => m.text?.includes(String(u.id)));
        return card ? sb.rootFor(card.message_id) : undefined;
      }, 8000, "Kim's thread");
      await sb.waitFor(() => sb.thread(root).length === 2, 5000, "the first copy");
      const sent = Array.from({ length: 12 }, (_, i) => `kim ${i + 1}`);
      for (const text of sent) sb.sendPrivate(u.id, { text });
      // Killed as soon as the merged comment is in the group: its store write may not have happened.
      await sb.waitFor(() => sb.thread(root).some((m) => m.text?.startsWith("kim 1\n")), 8000, "a merged comment");
      d.child.kill("SIGKILL");
      await d.exited;

      const again = spawnDaemon(config, sb.token, args);
      try {
        await again.waitForLog(/relaying/);
        const lines = () => sb.thread(root).slice(2).flatMap((m) => (m.text ?? "").split("\n"));
        await sb.waitFor(() => sent.every((t) => lines().includes(t)), 15_000, "every text");
        const comments = sb.thread(root).slice(2).map((m) => m.text ?? "");
        const unique = [...new Set(lines())];
        assert.deepEqual(unique, sent, `all twelve, in order: ${JSON.stringify(sb.thread(root).map((m) => m.text))}`);
        const repeated = comments.filter((text, i) => comments.slice(0, i).some((before) => before.split("\n").some((l) => text.split("\n").includes(l))));
        assert.ok(repeated.length <= 1, `at most one comment repeated: ${JSON.stringify(comments)}`);
        assert.equal(sb.requests.filter((r) => r.status === 429).length, 0, "no 429, also after the restart");
      } finally {
        again.child.kill("SIGTERM");
        assert.equal(await again.exited, 0);
      }
    } finally {
      await sb.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
}
