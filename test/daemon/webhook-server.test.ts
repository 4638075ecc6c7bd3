/**
 * The webhook server on its own (src/daemon/webhook.ts): what Telegram's requests get back,
 * with a fake intake. The daemon with it, against the sandbox: webhook.test.ts.
 */
import assert from "node:assert/strict";
import http from "node:http";
import { test } from "node:test";
import type { TelegramUpdate } from "@gramio/types";
import type { Logger } from "../../src/log.ts";
import { ListenError, SECRET_HEADER, startWebhookServer, webhookSecret, type WebhookServerOptions } from "../../src/daemon/webhook.ts";

const SECRET = "s3cret-token_1";

function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (m: string) => void lines.push(`${level} ${m}`);
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

async function serve(over: Partial<WebhookServerOptions> = {}) {
  const log = recordingLog();
  const taken: TelegramUpdate[] = [];
  const server = await startWebhookServer({
    host: "127.0.0.1",
    port: 0,
    secret: SECRET,
    take: async (u) => void taken.push(...u),
    health: () => ({ ok: true, body: { state: "webhook" } }),
    log,
    ...over,
  });
  return { server, log, taken };
}

function request(port: number, opts: { method?: string; path?: string; secret?: string; body?: string }): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, method: opts.method ?? "POST", path: opts.path ?? "/telegram", agent: false, headers: { "content-type": "application/json", ...(opts.secret !== undefined ? { [SECRET_HEADER]: opts.secret } : {}) } },
      (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode!, body, headers: res.headers }));
      },
    );
    req.on("error", reject);
    req.end(opts.body ?? "");
  });
}

const update = (id: number) => JSON.stringify({ update_id: id, message: { message_id: 1, date: 0, chat: { id: 5, type: "private" }, from: { id: 5, is_bot: false, first_name: "Ana" }, text: "hi" } });

test("a request without the right secret token gets 401, nothing handled, and one log line a minute", async () => {
  const { server, log, taken } = await serve();
  try {
    const port = server.address.port;
    assert.equal((await request(port, { body: update(1) })).status, 401, "no header");
    assert.equal((await request(port, { secret: "wrong", body: update(2) })).status, 401, "a wrong one");
    assert.equal((await request(port, { secret: SECRET + "x", body: update(3) })).status, 401, "a longer one");
    assert.equal((await request(port, { secret: "ção", body: update(4) })).status, 401, "not ASCII");
    assert.deepEqual(taken, [], "nothing handled");
    const warned = log.lines.filter((l) => l.startsWith("warn"));
    assert.equal(warned.length, 1, "logged once, not once per request");
    assert.match(warned[0]!, /refused a request without a secret token from 127\.0\.0\.1 \(401\), nothing handled/);
    assert.ok(!log.lines.join("\n").includes(SECRET), "the secret is never logged");
  } finally {
    await server.close();
  }
});

test("an update is answered 200 only once the intake has stored it", async () => {
  let release!: () => void;
  const stored = new Promise<void>((r) => (release = r));
  let entered!: (id: number) => void;
  const inIntake = new Promise<number>((r) => (entered = r));
  const { server } = await serve({
    take: async (u) => {
      entered(u[0]!.update_id);
      await stored;
    },
  });
  try {
    let answered = false;
    const res = request(server.address.port, { secret: SECRET, body: update(7) }).then((r) => ((answered = true), r));
    assert.equal(await inIntake, 7, "handed to the intake");
    // Another request round trip: the server is free, yet the update is still unanswered.
    assert.equal((await request(server.address.port, { method: "GET", path: "/healthz" })).status, 200);
    assert.equal(answered, false, "no answer while the write is under way");
    release();
    assert.equal((await res).status, 200);
  } finally {
    await server.close();
  }
});

test("a body that is no update gets 400; anything but POST gets 405; GET /healthz the health JSON", async () => {
  let ok = true;
  const { server, taken } = await serve({ health: () => ({ ok, body: { state: "webhook", pid: 42 } }) });
  try {
    const port = server.address.port;
    assert.equal((await request(port, { secret: SECRET, body: "not json" })).status, 400);
    assert.equal((await request(port, { secret: SECRET, body: '{"message":{}}' })).status, 400);
    assert.equal((await request(port, { method: "GET", path: "/telegram" })).status, 405);
    const h = await request(port, { method: "GET", path: "/healthz" });
    assert.equal(h.status, 200);
    assert.deepEqual(JSON.parse(h.body), { state: "webhook", pid: 42 });
    ok = false;
    assert.equal((await request(port, { method: "GET", path: "/healthz" })).status, 503, "unhealthy: 503, for monitors");
    assert.deepEqual(taken, []);
  } finally {
    await server.close();
  }
});

test("closing: the update in flight is stored and answered 200, a later one gets 503 to come again", async () => {
  let release!: () => void;
  const stored = new Promise<void>((r) => (release = r));
  let started!: () => void;
  const inIntake = new Promise<void>((r) => (started = r));
  const { server } = await serve({
    take: async () => {
      started();
      await stored;
    },
  });
  const port = server.address.port;
  const first = request(port, { secret: SECRET, body: update(1) });
  await inIntake;
  const closed = server.close();
  const later = await request(port, { secret: SECRET, body: update(2) }).catch((err: Error) => ({ status: 0, body: err.message, headers: {} }));
  // A new connection is refused once the server stops listening; a kept-alive one gets 503.
  assert.ok(later.status === 503 || later.status === 0, `a later update is not taken (got ${later.status})`);
  release();
  assert.equal((await first).status, 200);
  await closed;
});

test("a store that cannot be written: 500 (Telegram sends it again) and the daemon is told", async () => {
  const { server } = await serve({
    take: async () => {
      throw new Error("disk full");
    },
  });
  try {
    assert.equal((await request(server.address.port, { secret: SECRET, body: update(1) })).status, 500);
    await assert.rejects(server.failed, /disk full/);
  } finally {
    await server.close();
  }
});

test("a port already in use is a clear error with the fix", async () => {
  const { server } = await serve();
  try {
    await assert.rejects(
      serve({ port: server.address.port }),
      (err: unknown) => err instanceof ListenError && /cannot listen on 127\.0\.0\.1:\d+: another program uses that port/.test(err.message) && /webhook\.listen/.test(err.hint),
    );
  } finally {
    await server.close();
  }
});

test("the secret: the configured one, else one derived from the token (stable, in Telegram's alphabet)", () => {
  assert.equal(webhookSecret({ secretToken: "mine" }, "1:abc"), "mine");
  const derived = webhookSecret({}, "123:token");
  assert.match(derived, /^[A-Za-z0-9_-]{1,256}$/);
  assert.equal(webhookSecret({}, "123:token"), derived, "the same after a restart");
  assert.notEqual(webhookSecret({}, "123:other"), derived);
  assert.ok(!derived.includes("token"));
});
