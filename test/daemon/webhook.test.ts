/**
 * Webhook mode end to end (issue 13): the real daemon receiving updates from the sandbox's
 * webhook deliveries, judged by what customers and the team see. The relay suites run by
 * webhook too: webhook-relay.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SECRET_HEADER } from "../../src/daemon/webhook.ts";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { runChecks } from "../../src/setup/checks.ts";
import { createTelegram } from "../../src/telegram/client.ts";
import { run } from "../cli/helpers.ts";
import { eventually, FAST_WEBHOOK_RETRIES, freePort, openConversation, spawnDaemon, startDesk, threadTexts, writeConfig, type Desk } from "./harness.ts";
import { startWebhookProxy, type WebhookProxy } from "./webhook-proxy.ts";

/** POSTs `body` to the daemon's own listener, as someone who is not Telegram might. */
function post(port: number, body: unknown, secret?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, method: "POST", path: "/telegram", agent: false, headers: { "content-type": "application/json", ...(secret ? { [SECRET_HEADER]: secret } : {}) } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode!));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

function get(port: number, path: string): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path, agent: false }, (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode!, json: JSON.parse(text) as Record<string, unknown> }));
      })
      .on("error", reject);
  });
}

/** A desk whose webhook goes through a test proxy (Telegram → proxy → the daemon's listener). */
async function deskBehindProxy(extra: Parameters<typeof startDesk>[0] = {}): Promise<{ desk: Desk; proxy: WebhookProxy }> {
  const listen = await freePort();
  const proxy = await startWebhookProxy({ port: listen });
  const desk = await startDesk({ mode: "webhook", ...extra, config: { webhook: { url: proxy.url, listen: { host: "127.0.0.1", port: listen }, maxConnections: 40 } } });
  return { desk, proxy };
}

/** The update id the sandbox gave a customer's message just sent (the proxy sees ids, the test sees messages). */
function updateIdOf(sb: Sandbox, text: string): number {
  const id = sb.pendingUpdates().find((u) => u.message?.text === text)?.update_id;
  assert.ok(id !== undefined, `an update for ${JSON.stringify(text)} waits for delivery`);
  return id;
}

test("a request without the right secret token gets 401, is logged and handled not at all; Telegram's own go on", async () => {
  const desk = await startDesk({ mode: "webhook" });
  try {
    const { sb } = desk;
    const port = desk.config.webhook!.listen.port;
    const forged = { update_id: 1, message: { message_id: 1, date: 0, chat: { id: 777, type: "private", first_name: "Mallory" }, from: { id: 777, is_bot: false, first_name: "Mallory" }, text: "forged" } };
    assert.equal(await post(port, forged), 401, "no secret");
    assert.equal(await post(port, forged, "guessed-secret"), 401, "a wrong secret");
    await eventually(() => desk.logs.find((l) => /refused a request without a secret token .*\(401\), nothing handled/.test(l)), "the refusal in the log");
    const real = await openConversation(desk, "Real");
    assert.deepEqual(threadTexts(desk, real.root), ["hi from Real"], "Telegram's update is relayed");
    assert.ok(!sb.messages(sb.channelId).some((m) => m.text?.includes("Mallory")), "no card for the forged update");
  } finally {
    await desk.close();
  }
});

test("GET /healthz on the webhook listener answers with the health JSON", async () => {
  const desk = await startDesk({ mode: "webhook" });
  try {
    await openConversation(desk, "Healthy");
    const h = await get(desk.config.webhook!.listen.port, "/healthz");
    assert.equal(h.status, 200);
    assert.equal(h.json["state"], "webhook");
    assert.equal(typeof h.json["last_update_at"], "string", "the last update is told");
    assert.equal(h.json["unreachable_since"], null);
  } finally {
    await desk.close();
  }
});

test("a 5xx answer: Telegram sends the update again until it goes through, the daemon logs Telegram's error, the customer's message arrives once", async () => {
  const { desk, proxy } = await deskBehindProxy({ webhookCheckMs: 50 });
  try {
    const { sb } = desk;
    const c = await openConversation(desk, "Retried");
    let failing = true;
    proxy.rule = () => (failing ? { status: 502 } : "pass");
    sb.sendPrivate(c.id, { text: "through a broken proxy" });
    const id = updateIdOf(sb, "through a broken proxy");
    await eventually(() => proxy.seen.filter((x) => x === id).length >= 2, "Telegram trying again");
    const warned = await eventually(() => desk.logs.find((l) => /Telegram cannot deliver updates to .*Wrong response from the webhook: 502/.test(l)), "the daemon saying what Telegram sees");
    assert.match(warned, /[1-9]\d* updates? pending/, "with the updates waiting (the pin notice of the card may wait too)");
    assert.match(warned, /reverse proxy/);
    failing = false;
    await sb.waitFor(() => threadTexts(desk, c.root).includes("through a broken proxy"), 5000, "the message, once the proxy lets it through");
    await sb.waitFor((s) => s.webhookInfo().pending_update_count === 0 || undefined, 5000, "confirmed");
    assert.deepEqual(threadTexts(desk, c.root), ["hi from Retried", "through a broken proxy"], "once");
  } finally {
    await desk.close();
    await proxy.close();
  }
});

test("two chats at once: Telegram delivers them in parallel, each chat's messages stay in order", async () => {
  const { desk, proxy } = await deskBehindProxy();
  try {
    const { sb } = desk;
    const a = await openConversation(desk, "Parallel A");
    const b = await openConversation(desk, "Parallel B");
    const n = 15;
    for (let i = 1; i <= n; i++) {
      sb.sendPrivate(a.id, { text: `a${i}` });
      sb.sendPrivate(b.id, { text: `b${i}` });
    }
    await sb.waitFor(() => threadTexts(desk, a.root).length === n + 1 && threadTexts(desk, b.root).length === n + 1, 10_000, "both threads complete");
    assert.deepEqual(threadTexts(desk, a.root), ["hi from Parallel A", ...Array.from({ length: n }, (_, i) => `a${i + 1}`)]);
    assert.deepEqual(threadTexts(desk, b.root), ["hi from Parallel B", ...Array.from({ length: n }, (_, i) => `b${i + 1}`)]);
    assert.ok(proxy.maxConcurrent >= 2, `requests of the two chats were in flight together (at most ${proxy.maxConcurrent})`);
  } finally {
    await desk.close();
    await proxy.close();
  }
});

test("another program removes the webhook: the daemon logs it as an error and sets it again", async () => {
  const desk = await startDesk({ mode: "webhook", webhookCheckMs: 50 });
  try {
    const { sb } = desk;
    await openConversation(desk, "Before");
    const other = createTelegram({ token: sb.token, apiRoot: sb.apiRoot });
    await other.call("deleteWebhook", {} as never);
    await eventually(() => desk.logs.find((l) => /the webhook was removed by another program using this bot token/.test(l)), "the error in the log");
    await sb.waitFor((s) => s.webhookInfo().url === desk.config.webhook!.url || undefined, 5000, "the webhook set again");
    const after = await openConversation(desk, "After");
    assert.deepEqual(threadTexts(desk, after.root), ["hi from After"]);
  } finally {
    await desk.close();
  }
});

test("switching modes needs no manual step: webhook → polling → webhook, nothing sent meanwhile lost or doubled; check follows", async () => {
  const desk = await startDesk({ mode: "webhook" });
  try {
    const { sb, config } = desk;
    const c = await openConversation(desk, "Switcher");
    const webhook = config.webhook!;
    const target = { channel: config.channel, group: config.group, staff: config.staff };
    const check = async (updates: { webhook?: string }) => (await runChecks(desk.port, { ...target, updates })).find((x) => x.id === "webhook")!;
    assert.equal((await check({ webhook: webhook.url })).state, "ok", "check: the webhook as configured");

    await desk.stop();
    sb.sendPrivate(c.id, { text: "while switching to polling" });
    delete config.webhook; // the operator removes webhook: from the config
    const mismatch = await check({});
    assert.equal(mismatch.state, "fail", "check: a webhook is set but the config polls");
    assert.match(mismatch.fix ?? "", /just run `clientes start`: it removes the webhook/);
    await desk.restart();
    await sb.waitFor(() => threadTexts(desk, c.root).includes("while switching to polling"), 5000, "relayed by polling");
    assert.equal(sb.webhookInfo().url, "", "polling removed the webhook");
    assert.equal((await check({})).state, "ok");

    await desk.stop();
    sb.sendPrivate(c.id, { text: "while switching back" });
    config.webhook = webhook;
    assert.equal((await check({ webhook: webhook.url })).state, "fail", "check: webhook.url but no webhook");
    await desk.restart();
    await sb.waitFor(() => threadTexts(desk, c.root).includes("while switching back"), 5000, "relayed by webhook");
    sb.sendPrivate(c.id, { text: "by webhook again" });
    await sb.waitFor(() => threadTexts(desk, c.root).includes("by webhook again"), 5000);
    assert.deepEqual(threadTexts(desk, c.root), ["hi from Switcher", "while switching to polling", "while switching back", "by webhook again"], "each once, in order");
  } finally {
    await desk.close();
  }
});

test("a crash between storing an update and answering it (SIGKILL): Telegram sends it again, it has no second effect", async () => {
  const sb = await startSandbox({ autoForwardDelayMs: 5, ...FAST_WEBHOOK_RETRIES });
  const dir = await mkdtemp(join(tmpdir(), "clientes-webhook-"));
  const listen = await freePort();
  const proxy = await startWebhookProxy({ port: listen });
  const ana = sb.addUser({ first_name: "Ana" });
  const config = await writeConfig(dir, sb, [ana.id], { webhook: { port: listen, url: proxy.url } });
  const args = ["--webhook", "--no-pacing", "--log-level", "debug"];
  let d = spawnDaemon(config, sb.token, args);
  try {
    await d.waitForLog(/relaying .* receiving updates by webhook/);
    const u = sb.addUser({ first_name: "Crash" });
    sb.sendPrivate(u.id, { text: "before the crash" });
    const card = await sb.waitFor(() => sb.messages(sb.channelId).find((m) => m.text?.includes(String(u.id))), 5000, "the card");
    const root = await sb.waitFor(() => sb.rootFor(card.message_id), 5000, "the thread");
    await sb.waitFor(() => sb.thread(root).length === 2, 5000, "the first copy");

    // The copy waits (429, retry after 5 s), so what a crash can repeat is only the update itself.
    sb.failNext({ method: "copyMessage", code: 429, description: "Too Many Requests: retry after 5", retryAfter: 5 });
    const killed = d;
    let answered = -1;
    const crashed = new Promise<void>((resolve) => {
      proxy.rule = () => ({
        dropAnswer: (status) => {
          answered = status;
          killed.child.kill("SIGKILL");
          proxy.rule = () => "pass";
          resolve();
        },
      });
    });
    sb.sendPrivate(u.id, { text: "the crash" });
    const id = updateIdOf(sb, "the crash");
    await crashed;
    await killed.exited;
    assert.equal(answered, 200, "the daemon had stored it and answered; Telegram never heard");

    d = spawnDaemon(config, sb.token, args);
    await d.waitForLog(new RegExp(`update ${id} was handled already \\(Telegram sent it again\\)`), 10_000);
    await sb.waitFor(() => sb.thread(root).some((m) => m.text === "the crash"), 10_000, "the copy after the restart");
    await sb.waitFor((s) => s.webhookInfo().pending_update_count === 0 || undefined, 5000, "confirmed");
    assert.ok(proxy.seen.filter((x) => x === id).length >= 2, "Telegram delivered it again");
    assert.deepEqual(sb.thread(root).slice(1).map((m) => m.text), ["before the crash", "the crash"], "in the thread once");
    assert.equal(sb.messages(sb.channelId).filter((m) => m.text?.includes(String(u.id))).length, 1, "one card");
  } finally {
    d.child.kill("SIGTERM");
    await d.exited;
    await proxy.close();
    await sb.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test("start --webhook without webhook.url, or a URL Telegram refuses: exit 2 with the fix", async () => {
  const sb = await startSandbox();
  const dir = await mkdtemp(join(tmpdir(), "clientes-webhook-"));
  try {
    const env = { CLIENTES_BOT_TOKEN: sb.token };
    const polling = await writeConfig(dir, sb, []);
    const missing = await run(["--config", polling, "start", "--webhook"], { cwd: dir, env });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /error: webhook mode needs webhook\.url in .*config\.yaml/);
    assert.match(missing.stderr, /url: "https:\/\/desk\.example\.com\/telegram"/);

    const refused = join(dir, "refused.yaml");
    await writeFile(refused, `${await readFile(polling, "utf8")}\nwebhook:\n  url: "https://desk.example.com/telegram"\n  listen: "127.0.0.1:${await freePort()}"\n`);
    const bad = await run(["--config", refused, "start", "--webhook"], { cwd: dir, env });
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /error: Telegram refused the webhook https:\/\/desk\.example\.com\/telegram: .*bad webhook/i);
    assert.match(bad.stderr, /hint: check webhook\.url/);
  } finally {
    await sb.close();
    await rm(dir, { recursive: true, force: true });
  }
});
