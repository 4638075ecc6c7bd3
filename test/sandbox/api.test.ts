import assert from "node:assert/strict";
import { test } from "node:test";
import { call, customer, fails, ok, useSandbox } from "./helpers.ts";

const ctx = useSandbox();

test("a wrong token gets 401 Unauthorized", async () => {
  const a = await call(ctx.sb, "getMe", {}, "123456:wrong");
  assert.equal(a.status, 401);
  assert.deepEqual(a.body, { ok: false, error_code: 401, description: "Unauthorized" });
});

test("an unknown method gets 404 Not Found; method names are case-insensitive", async () => {
  const a = await call(ctx.sb, "sendTelepathy", {});
  assert.equal(a.status, 404);
  assert.deepEqual(a.body, { ok: false, error_code: 404, description: "Not Found" });
  assert.equal((await ok(ctx.sb, "GETME")).username, "clientes_sandbox_bot");
});

test("getMe describes the bot, with its inline and privacy settings", async () => {
  const me = await ok(ctx.sb, "getMe");
  assert.deepEqual(
    { id: me.id, is_bot: me.is_bot, inline: me.supports_inline_queries, readAll: me.can_read_all_group_messages },
    { id: 123456, is_bot: true, inline: true, readAll: false },
  );
  assert.deepEqual(ctx.sb.bot, { id: 123456, is_bot: true, first_name: "Clientes Sandbox", username: "clientes_sandbox_bot" });
});

test("parameters come from the query string, form bodies and JSON bodies alike", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const q = new URLSearchParams({ chat_id: String(ana.id), text: "via query" });
  const byGet = await (await fetch(`${sb.apiRoot}/bot${sb.token}/sendMessage?${q}`)).json();
  assert.equal(byGet.result.text, "via query");
  const byForm = await (
    await fetch(`${sb.apiRoot}/bot${sb.token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ chat_id: String(ana.id), text: "via form", reply_parameters: JSON.stringify({ message_id: ana.firstMessageId }) }),
    })
  ).json();
  assert.equal(byForm.result.text, "via form");
  assert.equal(byForm.result.reply_to_message.message_id, ana.firstMessageId);
});

test("multipart uploads become new files of the requested type", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const form = new FormData();
  form.set("chat_id", String(ana.id));
  form.set("photo", new Blob([new Uint8Array([1, 2, 3])]), "cat.jpg");
  form.set("caption", "a cat");
  const res = await (await fetch(`${sb.apiRoot}/bot${sb.token}/sendPhoto`, { method: "POST", body: form })).json();
  assert.equal(res.ok, true);
  assert.equal(res.result.photo.length, 3);
  assert.equal(res.result.caption, "a cat");
});

test("unknown fields (like GramIO's suppress) are ignored", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const m = await ok(sb, "sendMessage", { chat_id: ana.id, text: "hi", suppress: true, whatever: { a: 1 } });
  assert.equal(m.text, "hi");
});

test("missing required parameters fail with the Bot API server's wording", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  assert.equal((await fails(sb, "sendMessage", { text: "x" })).description, "Bad Request: chat_id is empty");
  assert.equal((await fails(sb, "sendMessage", { chat_id: ana.id })).description, "Bad Request: message text is empty");
  assert.equal((await fails(sb, "sendPhoto", { chat_id: ana.id })).description, "Bad Request: there is no photo in the request");
  assert.equal((await fails(sb, "sendVideoNote", { chat_id: ana.id })).description, "Bad Request: there is no video note in the request");
  assert.equal((await fails(sb, "copyMessage", { chat_id: ana.id, message_id: 1 })).description, 'Bad Request: parameter "from_chat_id" is required');
  assert.equal((await fails(sb, "sendMediaGroup", { chat_id: ana.id })).description, 'Bad Request: parameter "media" is required');
  assert.equal((await fails(sb, "editMessageText", { text: "x" })).description, "Bad Request: message identifier is not specified");
  assert.equal((await fails(sb, "deleteMessage", { chat_id: ana.id })).description, "Bad Request: message identifier is not specified");
  assert.equal((await fails(sb, "sendLocation", { chat_id: ana.id, longitude: 1 })).description, "Bad Request: latitude is empty");
  assert.equal((await fails(sb, "sendContact", { chat_id: ana.id, first_name: "A" })).description, 'Bad Request: parameter "phone_number" is required');
  assert.equal((await fails(sb, "sendMessage", { chat_id: "@nobody", text: "x" })).description, "Bad Request: chat not found");
});

test("failNext makes the next matching calls fail exactly as told, with no effect", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  sb.failNext({ method: "sendMessage", chatId: ana.id, count: 2, code: 429, description: "Too Many Requests: retry after 7", retryAfter: 7 });
  // Another chat is not affected.
  const group = await ok(sb, "sendMessage", { chat_id: sb.groupId, text: "group" });
  assert.equal(group.text, "group");
  for (let i = 0; i < 2; i++) {
    const a = await call(sb, "sendMessage", { chat_id: ana.id, text: "lost?" });
    assert.equal(a.status, 429);
    assert.deepEqual(a.body, { ok: false, error_code: 429, description: "Too Many Requests: retry after 7", parameters: { retry_after: 7 } });
  }
  assert.equal(sb.messages(ana.id).some((m) => m.text === "lost?"), false, "failed calls had no effect");
  assert.equal((await ok(sb, "sendMessage", { chat_id: ana.id, text: "through" })).text, "through");
});

test("failNext without a method matches any call; 5xx descriptions pass through", async () => {
  const sb = ctx.sb;
  sb.failNext({ code: 502, description: "Bad Gateway" });
  assert.deepEqual(await fails(sb, "getMe"), { code: 502, description: "Bad Gateway" });
  assert.equal((await ok(sb, "getMe")).is_bot, true);
});

test("every request is logged with method, params, time, status and response", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  await ok(sb, "sendMessage", { chat_id: ana.id, text: "logged" });
  await call(sb, "sendMessage", { chat_id: ana.id });
  const [sent, failed] = sb.requests.slice(-2);
  assert.equal(sent!.method, "sendMessage");
  assert.deepEqual(sent!.params, { chat_id: ana.id, text: "logged" });
  assert.equal(sent!.status, 200);
  assert.equal((sent!.response as any).result.text, "logged");
  assert.ok(Math.abs(sent!.at - Date.now()) < 5000);
  assert.equal(failed!.status, 400);
  assert.equal(JSON.stringify(sb.requests).includes(sb.token), false, "the token is not logged");
});
