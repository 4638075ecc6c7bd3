import assert from "node:assert/strict";
import { test } from "node:test";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { card, ok, useSandbox } from "./helpers.ts";

const ctx = useSandbox();

async function post(sb: Sandbox, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sb.apiRoot}/sandbox/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

async function get(sb: Sandbox, path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sb.apiRoot}/sandbox/${path}`);
  return { status: res.status, body: await res.json() };
}

test("people act over HTTP: users, private messages, edits, blocking", async () => {
  const sb = ctx.sb;
  const user = (await post(sb, "users", { first_name: "Ana", username: "ana" })).body;
  assert.equal(user.first_name, "Ana");
  const m = (await post(sb, "sendPrivate", { userId: user.id, content: { text: "oi" } })).body;
  assert.equal(m.text, "oi");
  assert.equal((await post(sb, "editPrivate", { userId: user.id, messageId: m.message_id, content: { text: "oi!" } })).body.text, "oi!");
  assert.equal((await post(sb, "sendAlbum", { userId: user.id, items: [{ photo: "a.jpg" }, { photo: "b.jpg" }] })).body.length, 2);
  assert.deepEqual((await post(sb, "blockBot", { userId: user.id })).body, { ok: true });
  assert.equal(sb.isBlocked(user.id), true);
  assert.deepEqual((await get(sb, `chats/${user.id}/messages`)).body.map((x: any) => x.message_id), [1, 2, 3]);
  assert.equal((await get(sb, `chats/${user.id}/messages/1`)).body.text, "oi!");
});

test("the channel, comments, threads and roots over HTTP", async () => {
  const sb = ctx.sb;
  const staff = sb.addUser({ first_name: "Staff" });
  const { postId, rootId } = await card(sb, "card");
  assert.deepEqual((await get(sb, `roots/${postId}`)).body, { rootId });
  const c = (await post(sb, "comment", { as: staff.id, replyTo: rootId, content: { text: "hi" } })).body;
  assert.equal(c.message_thread_id, rootId);
  const asChannel = (await post(sb, "comment", { as: "channel", replyTo: c.message_id, content: { text: "as channel" } })).body;
  assert.equal(asChannel.sender_chat.id, sb.channelId);
  assert.deepEqual((await get(sb, `threads/${rootId}`)).body.map((m: any) => m.message_id), [rootId, c.message_id, asChannel.message_id]);
  const edited = (await post(sb, "editInChat", { chatId: sb.groupId, as: staff.id, messageId: c.message_id, content: { text: "hi (edited)" } })).body;
  assert.equal(edited.text, "hi (edited)");
  assert.deepEqual((await post(sb, "deleteAs", { chatId: sb.groupId, messageId: c.message_id })).body, { ok: true });
  const preflight = await fetch(`${sb.apiRoot}/sandbox/state`, { method: "OPTIONS" });
  assert.equal(preflight.headers.get("access-control-allow-origin"), null, "no CORS: other sites' pages cannot call the control API");
  await preflight.arrayBuffer();
  const state = (await get(sb, "state")).body;
  assert.deepEqual(state.roots, [{ postId, rootId, preview: "card" }]);
  assert.equal(state.channel.linked_chat_id, sb.groupId);
  assert.equal(state.bot.id, sb.bot.id);
  const inGroup = (await post(sb, "postInGroup", { as: staff.id, content: { text: "general" } })).body;
  assert.equal(inGroup.message_thread_id, undefined);
  const inChannel = (await post(sb, "postInChannel", { content: { text: "by admin" } })).body;
  assert.equal(inChannel.chat.id, sb.channelId);
});

test("faults, rate limits, rights and the clock over HTTP", async () => {
  const sb = ctx.sb;
  await post(sb, "failNext", { method: "getMe", code: 500, description: "Internal Server Error: restart" });
  const res = await fetch(`${sb.apiRoot}/bot${sb.token}/getMe`);
  assert.equal(res.status, 500);
  await post(sb, "rateLimits", { on: true });
  assert.equal((await get(sb, "state")).body.rateLimits, true);
  await post(sb, "botRights", { chat: "channel", rights: null });
  assert.equal((await get(sb, "state")).body.botRights.channel, null);
  const m = await ok(sb, "sendMessage", { chat_id: sb.groupId, text: "x" });
  await post(sb, "advanceClock", { ms: 49 * 3600_000 });
  const edit = await fetch(`${sb.apiRoot}/bot${sb.token}/editMessageText`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ chat_id: sb.groupId, message_id: m.message_id, text: "y" }),
  });
  assert.equal(edit.status, 400);
});

test("update ids restart over HTTP, and a restart with updates pending is refused with 400", async () => {
  const sb = ctx.sb;
  assert.deepEqual((await post(sb, "restartUpdateIds", { firstId: 42 })).body, { firstId: 42 });
  sb.sendPrivate(sb.addUser({ first_name: "Ana" }).id, { text: "hi" });
  assert.equal(sb.pendingUpdates()[0]!.update_id, 42);
  const refused = await post(sb, "restartUpdateIds", {});
  assert.equal(refused.status, 400);
  assert.match(refused.body.error, /still pending/);
});

test("inline queries over HTTP: the request waits for the bot's answer", async () => {
  const sb = ctx.sb;
  const staff = sb.addUser({ first_name: "Staff" });
  const pending = post(sb, "inlineQuery", { userId: staff.id, query: "oi" });
  const q = await sb.waitFor((s) => s.pendingUpdates().find((u) => u.inline_query)?.inline_query);
  await ok(sb, "answerInlineQuery", { inline_query_id: q.id, results: [{ type: "article", id: "a", title: "A", input_message_content: { message_text: "resposta" } }] });
  const answer = (await pending).body;
  assert.equal(answer.results[0].id, "a");
  const sent = (await post(sb, "sendInlineResult", { userId: staff.id, chatId: sb.groupId, answer, resultId: "a" })).body;
  assert.equal(sent.text, "resposta");
  assert.equal(sent.via_bot.id, sb.bot.id);
});

test("errors are {error} with 400 for bad input and 404 for unknown things", async () => {
  const sb = ctx.sb;
  const unknownUser = await post(sb, "sendPrivate", { userId: 42, content: { text: "x" } });
  assert.equal(unknownUser.status, 404);
  assert.match(unknownUser.body.error, /unknown user 42/);
  const bad = await post(sb, "sendPrivate", { userId: "abc", content: { text: "x" } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /"userId" must be a number/);
  const twoKinds = await post(sb, "users", {});
  const both = await post(sb, "sendPrivate", { userId: twoKinds.body.id, content: { text: "x", photo: "y" } });
  assert.equal(both.status, 400);
  assert.match(both.body.error, /exactly one kind/);
  assert.equal((await get(sb, "nope")).status, 404);
  assert.equal((await post(sb, "nope", {})).status, 404);
  assert.equal((await get(sb, `chats/${sb.groupId}/messages/99`)).status, 404);
});

test("closing ends the event streams, and a change after that (a request still being answered) writes to none", async () => {
  const sb = await startSandbox({ pollGuards: false });
  const res = await fetch(`${sb.apiRoot}/sandbox/events`);
  const reader = res.body!.getReader();
  await reader.read(); // the stream is open once the first bytes came
  const closing = sb.close(); // ends the streams at once, before anything else runs
  // A change right after: an ended stream still subscribed got it ("write after end", uncaught).
  sb.addUser({ first_name: "Late" });
  await closing;
  for (;;) if ((await reader.read()).done) break; // ended by the sandbox, nothing after
  assert.ok(sb.state().users.some((u) => u.first_name === "Late"));
});

test("GET /sandbox/events streams one Server-Sent Event per state change", async () => {
  const sb = ctx.sb;
  const controller = new AbortController();
  // A deadline: reads fail instead of hanging if an expected event never comes.
  const deadline = setTimeout(() => controller.abort(new Error("no expected event within 5 s")), 5000);
  const res = await fetch(`${sb.apiRoot}/sandbox/events`, { signal: controller.signal });
  assert.equal(res.headers.get("content-type"), "text/event-stream");
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let received = 0;
  const events: Array<{ event: string; data: any }> = [];
  const readUntil = async (done: () => boolean) => {
    while (!done()) {
      const { value, done: ended } = await reader.read();
      if (ended) throw new Error("stream ended");
      received += value.length;
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const chunk = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(chunk)?.[1];
        const data = /^data: (.*)$/m.exec(chunk)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    }
  };
  // The stream is open once the server sent its first bytes.
  await readUntil(() => received > 0);
  const ana = sb.addUser({ first_name: "Ana" });
  sb.sendPrivate(ana.id, { text: "live" });
  await readUntil(() => events.some((e) => e.event === "message"));
  const message = events.find((e) => e.event === "message")!;
  assert.deepEqual({ chatId: message.data.chatId, messageId: message.data.messageId }, { chatId: ana.id, messageId: 1 });
  assert.ok(events.some((e) => e.event === "user"));
  assert.ok(events.some((e) => e.event === "update"));
  clearTimeout(deadline);
  controller.abort();
});
