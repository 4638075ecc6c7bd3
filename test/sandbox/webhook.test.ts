// Webhooks as the Bot API server's WebhookActor delivers them (telegram-bot-api WebhookActor.cpp,
// Client.cpp process_set_webhook_query / JsonWebhookInfo).
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { startSandbox, WEBHOOK_CONFLICT_DESCRIPTION } from "../../src/sandbox/index.ts";
import type { Sandbox } from "../../src/sandbox/index.ts";
import { call, customer, drain, fails, ok, startHookServer, useSandbox } from "./helpers.ts";

const ctx = useSandbox({ webhookRetryUnitMs: 20, webhookTimeoutMs: 300 });
const servers: Array<{ close: () => Promise<void> }> = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function hookServer(...args: Parameters<typeof startHookServer>) {
  const server = await startHookServer(...args);
  servers.push(server);
  return server;
}

const texts = (received: Array<{ body: any }>) => received.map((r) => r.body.message?.text);

/** A customer's message delivered and answered, so the webhook counts as active (parallel connections). */
async function warmUp(sb: Sandbox, server: Awaited<ReturnType<typeof hookServer>>): Promise<void> {
  const before = server.received.length;
  const warm = customer(sb, "Warm");
  await server.until("the warm-up update", (r) => r.length > before);
  await sb.waitFor((s) => s.webhookInfo().pending_update_count === 0, 3000, "warm-up delivered");
  void warm;
}

test("setWebhook refuses what Telegram refuses, with its texts", async () => {
  const sb = ctx.sb;
  const bad = async (params: Record<string, unknown>) => (await fails(sb, "setWebhook", params)).description;
  assert.equal(await bad({ url: "ftp://example.com/hook" }), "Bad Request: invalid webhook URL specified");
  assert.equal(await bad({ url: "https://exa mple.com/" }), "Bad Request: invalid webhook URL specified");
  assert.equal(await bad({ url: "http://example.com/hook" }), "Bad Request: bad webhook: An HTTPS URL must be provided for webhook");
  assert.equal(await bad({ url: "https://example.com:444/hook" }), "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443");
  assert.equal(await bad({ url: "https://example.com/hook" }), "Bad Request: bad webhook: Failed to resolve host: Name or service not known");
  assert.equal(await bad({ url: "http://127.0.0.1:9/hook", secret_token: "x".repeat(257) }), "Bad Request: secret token is too long");
  assert.equal(await bad({ url: "http://127.0.0.1:9/hook", secret_token: "not allowed!" }), "Bad Request: secret token contains unallowed characters");
  assert.equal(sb.webhookInfo().url, "", "a refused URL leaves no webhook");
});

test("setWebhook and getWebhookInfo: the fields Telegram reports, max_connections clamped to 1-100", async () => {
  const sb = ctx.sb;
  const url = "http://127.0.0.1:9/hook";
  const set = await call(sb, "setWebhook", { url, max_connections: 500, allowed_updates: ["message", "chat_member"] });
  assert.deepEqual(set.body, { ok: true, result: true, description: "Webhook was set" });
  assert.deepEqual(await ok(sb, "getWebhookInfo"), {
    url,
    has_custom_certificate: false,
    pending_update_count: 0,
    max_connections: 100,
    ip_address: "127.0.0.1",
    allowed_updates: ["message", "chat_member"],
  });
  assert.equal((await call(sb, "setWebhook", { url, max_connections: 100 })).body.description, "Webhook is already set");
  await ok(sb, "setWebhook", { url, max_connections: 0 });
  assert.equal(sb.webhookInfo().max_connections, 1);
  assert.equal((await call(sb, "deleteWebhook")).body.description, "Webhook was deleted");
  assert.equal((await call(sb, "deleteWebhook")).body.description, "Webhook is already deleted");
  const info = await ok(sb, "getWebhookInfo");
  assert.deepEqual([info.url, info.max_connections, info.ip_address], ["", undefined, undefined]);
});

test("one POST per update: the update as JSON body, the secret in X-Telegram-Bot-Api-Secret-Token", async () => {
  const sb = ctx.sb;
  const server = await hookServer();
  await ok(sb, "setWebhook", { url: server.url, secret_token: "s3cr3t_-token" });
  const ana = customer(sb);
  await server.until("the /start update", (r) => r.length === 1);
  const [first] = server.received;
  assert.equal(first!.headers["x-telegram-bot-api-secret-token"], "s3cr3t_-token");
  assert.equal(first!.headers["content-type"], "application/json");
  assert.equal(Object.keys(first!.body)[0], "update_id");
  assert.equal(first!.body.message.text, "/start");
  assert.equal(first!.body.message.from.id, ana.id);
  await sb.waitFor((s) => s.webhookInfo().pending_update_count === 0, 3000, "the answered update is confirmed");
  // Without a secret there is no header.
  await ok(sb, "setWebhook", { url: server.url });
  sb.sendPrivate(ana.id, { text: "again" });
  await server.until("the second update", (r) => r.length === 2);
  assert.equal(server.received[1]!.headers["x-telegram-bot-api-secret-token"], undefined);
});

test("while a webhook is set getUpdates fails with 409; deleteWebhook switches back and keeps undelivered updates", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  // A waiting long poll is ended by setWebhook.
  await drain(sb);
  const poll = call(sb, "getUpdates", { timeout: 5 });
  await sb.waitFor((s) => s.isPolling(), 2000, "the long poll");
  await ok(sb, "setWebhook", { url: "http://127.0.0.1:9/hook" });
  const ended = await poll;
  assert.deepEqual([ended.status, ended.body.description], [409, "Conflict: terminated by setWebhook request"]);
  assert.deepEqual(await fails(sb, "getUpdates", { timeout: 0 }), { code: 409, description: WEBHOOK_CONFLICT_DESCRIPTION });
  // Nothing listens on port 9: the update stays queued.
  sb.sendPrivate(ana.id, { text: "while the hook is down" });
  await sb.waitFor((s) => s.webhookInfo().last_error_message, 3000, "a delivery error");
  assert.equal(sb.webhookInfo().last_error_message, "Connection refused");
  assert.ok(sb.webhookInfo().last_error_date! > 0);
  assert.equal(sb.webhookInfo().pending_update_count, 1);
  assert.equal((await call(sb, "deleteWebhook")).body.description, "Webhook was deleted");
  const updates = await ok(sb, "getUpdates", { timeout: 0 });
  assert.deepEqual(updates.map((u: any) => u.message.text), ["while the hook is down"]);
  assert.equal(sb.webhookInfo().last_error_message, undefined, "a deleted webhook forgets its last error");
});

test("drop_pending_updates on setWebhook and deleteWebhook drops what is queued", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  sb.sendPrivate(ana.id, { text: "old" });
  await ok(sb, "setWebhook", { url: "http://127.0.0.1:9/hook", drop_pending_updates: true });
  assert.equal(sb.webhookInfo().pending_update_count, 0);
  await ok(sb, "deleteWebhook");
  sb.sendPrivate(ana.id, { text: "older" });
  assert.equal((await call(sb, "deleteWebhook", { drop_pending_updates: true })).body.description, "Webhook is already deleted");
  assert.deepEqual(await ok(sb, "getUpdates", { timeout: 0 }), []);
});

test("one chat's updates go one at a time and in order", async () => {
  const sb = ctx.sb;
  let open = 0;
  let maxOpen = 0;
  const server = await hookServer((r) => {
    open++;
    maxOpen = Math.max(maxOpen, open);
    setTimeout(() => {
      open--;
      r.reply();
    }, 30);
  });
  await ok(sb, "setWebhook", { url: server.url });
  await warmUp(sb, server);
  const ana = customer(sb);
  for (const t of ["one", "two", "three"]) sb.sendPrivate(ana.id, { text: t });
  await server.until("Ana's four updates", (r) => texts(r).includes("three"));
  assert.deepEqual(texts(server.received).slice(-4), ["/start", "one", "two", "three"]);
  assert.equal(maxOpen, 1, "never two requests of one chat at once");
});

test("different chats go in parallel, up to max_connections", async () => {
  const sb = ctx.sb;
  const held: Array<() => void> = [];
  let holding = false;
  const server = await hookServer((r) => (holding ? held.push(() => r.reply()) : r.reply()));
  await ok(sb, "setWebhook", { url: server.url, max_connections: 2 });
  await warmUp(sb, server);
  holding = true;
  const start = server.received.length;
  for (const name of ["Ana", "Bia", "Caio"]) customer(sb, name);
  // Two chats are delivered at once while neither is answered; the third waits for a free connection.
  await server.until("two chats at once", (r) => r.length === start + 2);
  assert.deepEqual(new Set(server.received.slice(start).map((r) => r.body.message.from.first_name)), new Set(["Ana", "Bia"]));
  holding = false;
  held.shift()!();
  await server.until("the third chat", (r) => r.length === start + 3);
  assert.equal(server.received.at(-1)!.body.message.from.first_name, "Caio");
  for (const release of held.splice(0)) release();
  await sb.waitFor((s) => s.webhookInfo().pending_update_count === 0, 3000, "all delivered");
});

test("a fresh webhook sends one update at a time until one succeeds", async () => {
  const sb = ctx.sb;
  let open = 0;
  let maxOpen = 0;
  const server = await hookServer((r) => {
    maxOpen = Math.max(maxOpen, ++open);
    setTimeout(() => {
      open--;
      r.reply();
    }, 30);
  });
  await ok(sb, "setWebhook", { url: server.url, max_connections: 10 });
  customer(sb, "Ana");
  customer(sb, "Bia");
  await server.until("both chats", (r) => r.length === 2);
  assert.equal(maxOpen, 1, "no success in the last 10 s: one connection");
});

test("a 5xx answer is retried, and getWebhookInfo shows Telegram's error text", async () => {
  const sb = ctx.sb;
  let failures = 1;
  const server = await hookServer((r) => (failures-- > 0 ? r.reply(500) : r.reply()));
  await ok(sb, "setWebhook", { url: server.url });
  customer(sb);
  await server.until("the retry", (r) => r.length === 2);
  assert.equal(server.received[0]!.body.update_id, server.received[1]!.body.update_id, "the same update again");
  await sb.waitFor((s) => s.webhookInfo().pending_update_count === 0, 3000, "delivered on the retry");
  const info = sb.webhookInfo();
  assert.equal(info.last_error_message, "Wrong response from the webhook: 500 Internal Server Error");
  assert.ok(info.last_error_date! > 0);
});

test("a failing update holds back only its own chat", async () => {
  const sb = ctx.sb;
  const server = await hookServer((r) => (r.body.message?.text === "poison" ? r.reply(502) : r.reply()));
  await ok(sb, "setWebhook", { url: server.url });
  await warmUp(sb, server);
  const ana = customer(sb, "Ana");
  sb.sendPrivate(ana.id, { text: "poison" });
  sb.sendPrivate(ana.id, { text: "after poison" });
  customer(sb, "Bia");
  await server.until("Bia's update and retries of the poison", (r) => r.filter((x) => x.body.message?.text === "poison").length >= 2 && r.some((x) => x.body.message?.from.first_name === "Bia"));
  assert.ok(!texts(server.received).includes("after poison"), "Ana's next message waits behind the failing one");
  assert.equal(sb.webhookInfo().last_error_message, "Wrong response from the webhook: 502 Bad Gateway");
});

test("the retry waits for Retry-After (in the sandbox's retry unit)", async () => {
  const sb = ctx.sb;
  let first = true;
  const server = await hookServer((r) => {
    if (first) {
      first = false;
      r.reply(429, { "retry-after": "5" });
    } else r.reply();
  });
  await ok(sb, "setWebhook", { url: server.url });
  customer(sb);
  await server.until("the retry", (r) => r.length === 2);
  const gap = server.received[1]!.at - server.received[0]!.at;
  assert.ok(gap >= 5 * 20 - 5, `retried after ${gap.toFixed(0)} ms, not before 5 units of 20 ms`);
});

test("no answer within the timeout is 'Read timeout expired', and the update is sent again", async () => {
  const sb = ctx.sb;
  let answer = false;
  const server = await hookServer((r) => {
    if (answer) r.reply();
    answer = true; // the first request is left hanging
  });
  await ok(sb, "setWebhook", { url: server.url });
  customer(sb);
  await server.until("the retry after the timeout", (r) => r.length === 2);
  await sb.waitFor((s) => s.webhookInfo().pending_update_count === 0, 3000, "delivered on the retry");
  assert.equal(sb.webhookInfo().last_error_message, "Read timeout expired");
});

test("an update that keeps failing is dropped once it outlives its 24 hours", async () => {
  const sb = await startSandbox({ pollGuards: false, webhookRetryUnitMs: 10, now: () => 1_700_000_000_000 });
  try {
    const server = await hookServer((r) => r.reply(500));
    await ok(sb, "setWebhook", { url: server.url });
    customer(sb);
    await server.until("a few tries", (r) => r.length >= 2);
    sb.advanceClock(24 * 3600_000);
    await sb.waitFor((s) => s.webhookInfo().pending_update_count === 0, 3000, "the expired update is dropped");
    const tries = server.received.length;
    sb.addUser({ first_name: "Nobody" }); // a state change, no update
    assert.equal(server.received.length, tries);
  } finally {
    await sb.close();
  }
});

test("allowed_updates given to setWebhook filter what is delivered", async () => {
  const sb = ctx.sb;
  const server = await hookServer();
  await ok(sb, "setWebhook", { url: server.url, allowed_updates: ["my_chat_member"] });
  customer(sb);
  sb.setBotRights("group", { can_pin_messages: false });
  await server.until("the my_chat_member update", (r) => r.length === 1);
  assert.ok(server.received[0]!.body.my_chat_member, "only the allowed type");
});

test("with rate limits on, setWebhook with a URL is allowed once a second", async () => {
  const sb = await startSandbox({ pollGuards: false, rateLimits: true });
  try {
    await ok(sb, "setWebhook", { url: "http://127.0.0.1:9/a" });
    assert.deepEqual(await fails(sb, "setWebhook", { url: "http://127.0.0.1:9/b" }), { code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } });
    assert.equal((await call(sb, "deleteWebhook")).body.description, "Webhook was deleted", "deleting is not limited");
  } finally {
    await sb.close();
  }
});

test("the control API shows the webhook", async () => {
  const sb = ctx.sb;
  await ok(sb, "setWebhook", { url: "http://localhost:9/hook" });
  const res = await fetch(`${sb.apiRoot}/sandbox/webhook`);
  assert.equal((await res.json()).url, "http://localhost:9/hook");
  const state = await (await fetch(`${sb.apiRoot}/sandbox/state`)).json();
  assert.equal(state.webhook.url, "http://localhost:9/hook");
});
