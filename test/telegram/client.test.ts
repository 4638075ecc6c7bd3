import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import https from "node:https";
import { getEventListeners, once } from "node:events";
import { inspect } from "node:util";
import type { AddressInfo, Socket } from "node:net";
import { createTelegram } from "../../src/telegram/client.ts";
import { NetworkError, TelegramApiError, classify, describeForOperator } from "../../src/telegram/errors.ts";
import { LOOPBACK_CERT, LOOPBACK_KEY } from "./tls-fixture.ts";

const SECRET = "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const TOKEN = `123456:${SECRET}`;

interface SeenRequest {
  httpMethod: string;
  path: string;
  contentType: string | undefined;
  body: unknown;
}

type Reply = (req: SeenRequest, res: http.ServerResponse) => void;

/** A stand-in for api.telegram.org on 127.0.0.1, answering with `reply`. */
async function fakeTelegram(reply: Reply) {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const request: SeenRequest = {
        httpMethod: req.method ?? "",
        path: req.url ?? "",
        contentType: req.headers["content-type"],
        body: raw ? JSON.parse(raw) : undefined,
      };
      seen.push(request);
      server.emit("seen", request, res);
      reply(request, res);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    seen,
    server,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function assertNoToken(err: unknown): void {
  const views = [inspect(err, { depth: 20 }), String((err as Error).stack), describeForOperator(err)];
  for (const view of views) {
    assert.ok(!view.includes(TOKEN), `token leaked: ${view}`);
    assert.ok(!view.includes(SECRET), `token's secret leaked: ${view}`);
  }
}

test("sendMessage POSTs JSON to /bot<token>/sendMessage and resolves with Telegram's result", async () => {
  const api = await fakeTelegram((_req, res) =>
    json(res, 200, { ok: true, result: { message_id: 42, date: 1, chat: { id: 7, type: "private" }, text: "Olá" } }),
  );
  try {
    const telegram = createTelegram({ token: TOKEN, apiRoot: api.apiRoot });
    const message = await telegram.call("sendMessage", { chat_id: 7, text: "Olá" });
    assert.equal(message.message_id, 42);
    const [req] = api.seen;
    assert.equal(req?.httpMethod, "POST");
    assert.equal(req?.path, `/bot${TOKEN}/sendMessage`);
    assert.match(req?.contentType ?? "", /application\/json/);
    assert.deepEqual({ chat_id: (req?.body as { chat_id: number }).chat_id, text: (req?.body as { text: string }).text }, { chat_id: 7, text: "Olá" });
  } finally {
    await api.close();
  }
});

test("a trailing slash in api_root still reaches /bot<token>/<method>", async () => {
  const api = await fakeTelegram((_req, res) => json(res, 200, { ok: true, result: true }));
  try {
    const telegram = createTelegram({ token: TOKEN, apiRoot: `${api.apiRoot}/` });
    assert.equal(await telegram.call("deleteWebhook", {}), true);
    assert.equal(api.seen[0]?.path, `/bot${TOKEN}/deleteWebhook`);
  } finally {
    await api.close();
  }
});

test("a 400 becomes a TelegramApiError with method, code, description and an operator hint", async () => {
  const api = await fakeTelegram((_req, res) =>
    json(res, 400, { ok: false, error_code: 400, description: "Bad Request: chat not found" }),
  );
  try {
    const telegram = createTelegram({ token: TOKEN, apiRoot: api.apiRoot });
    const err = await telegram.call("sendMessage", { chat_id: -1001, text: "x" }).then(
      () => assert.fail("should have failed"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof TelegramApiError);
    assert.equal(err.method, "sendMessage");
    assert.equal(err.code, 400);
    assert.equal(err.description, "Bad Request: chat not found");
    assert.match(err.hint, /channel and group in the config/);
    assert.deepEqual(classify(err, 1), { kind: "fatal", cause: "chat_missing", description: "Bad Request: chat not found", hint: err.hint });
    assertNoToken(err);
  } finally {
    await api.close();
  }
});

test("a 429 carries retry_after, and classify waits exactly that long", async () => {
  const api = await fakeTelegram((_req, res) =>
    json(res, 429, { ok: false, error_code: 429, description: "Too Many Requests: retry after 3", parameters: { retry_after: 3 } }),
  );
  try {
    const telegram = createTelegram({ token: TOKEN, apiRoot: api.apiRoot });
    const err = await telegram.call("sendMessage", { chat_id: 7, text: "x" }).catch((e: unknown) => e);
    assert.ok(err instanceof TelegramApiError);
    assert.equal(err.retryAfter, 3);
    const failure = classify(err, 5);
    assert.equal(failure.kind, "retry");
    assert.equal(failure.kind === "retry" && failure.afterMs, 3000);
  } finally {
    await api.close();
  }
});

test("a 401 tells the operator to check the token, without printing it", async () => {
  const api = await fakeTelegram((_req, res) => json(res, 401, { ok: false, error_code: 401, description: "Unauthorized" }));
  try {
    const telegram = createTelegram({ token: TOKEN, apiRoot: api.apiRoot });
    const err = await telegram.call("getMe", undefined).catch((e: unknown) => e);
    assert.ok(err instanceof TelegramApiError);
    assert.equal(classify(err, 1).kind, "fatal");
    assert.match(describeForOperator(err), /^Telegram refused getMe: Unauthorized \(hint: .*CLIENTES_BOT_TOKEN.*clientes check/);
    assertNoToken(err);
  } finally {
    await api.close();
  }
});

test("a proxy's HTML 502 becomes a retryable NetworkError, even when the page echoes the token", async () => {
  const api = await fakeTelegram((req, res) => {
    res.writeHead(502, { "content-type": "text/html" });
    res.end(`<html><body>502 Bad Gateway for POST ${req.path}</body></html>`);
  });
  try {
    const telegram = createTelegram({ token: TOKEN, apiRoot: api.apiRoot });
    const err = await telegram.call("sendMessage", { chat_id: 7, text: "x" }).catch((e: unknown) => e);
    assert.ok(err instanceof NetworkError, `got ${inspect(err)}`);
    assert.equal(err.problem, "bad_response");
    assert.equal(err.method, "sendMessage");
    assert.match(err.message, /unreadable answer to sendMessage/);
    assert.match(err.hint, /api_root/);
    assert.equal(classify(err, 1).kind, "retry");
    assertNoToken(err);
  } finally {
    await api.close();
  }
});

test("JSON that is not a Bot API answer is a bad response, not a Telegram refusal", async () => {
  const api = await fakeTelegram((_req, res) => json(res, 503, { error: "upstream unavailable" }));
  try {
    const telegram = createTelegram({ token: TOKEN, apiRoot: api.apiRoot });
    const err = await telegram.call("getMe", undefined).catch((e: unknown) => e);
    assert.ok(err instanceof NetworkError);
    assert.equal(err.problem, "bad_response");
    assert.equal(classify(err, 1).kind, "retry");
  } finally {
    await api.close();
  }
});

test("connection refused becomes an unreachable NetworkError with the token nowhere in it", async () => {
  const api = await fakeTelegram(() => undefined);
  const apiRoot = api.apiRoot;
  await api.close(); // nothing listens on this port any more
  const telegram = createTelegram({ token: TOKEN, apiRoot });
  const err = await telegram.call("getUpdates", { timeout: 0 }).catch((e: unknown) => e);
  assert.ok(err instanceof NetworkError, `got ${inspect(err)}`);
  assert.equal(err.problem, "unreachable");
  assert.equal(err.origin, apiRoot);
  assert.match(err.message, /Could not reach Telegram at http:\/\/127\.0\.0\.1:\d+ for getUpdates: .*ECONNREFUSED/);
  assert.equal(classify(err, 1).kind, "retry");
  assertNoToken(err);
});

test("a connection dropped mid-request is a retryable NetworkError", async () => {
  const api = await fakeTelegram((_req, res) => res.socket?.destroy());
  try {
    const telegram = createTelegram({ token: TOKEN, apiRoot: api.apiRoot });
    const err = await telegram.call("sendMessage", { chat_id: 7, text: "x" }).catch((e: unknown) => e);
    assert.ok(err instanceof NetworkError, `got ${inspect(err)}`);
    assert.equal(err.problem, "unreachable");
    assertNoToken(err);
  } finally {
    await api.close();
  }
});

test("a connection dropped in the middle of the answer is a retryable NetworkError", async () => {
  const api = await fakeTelegram((_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": "200" });
    res.write('{"ok":true,"result":{"message_id":');
    setImmediate(() => res.socket?.destroy());
  });
  try {
    const telegram = createTelegram({ token: TOKEN, apiRoot: api.apiRoot });
    const err = await telegram.call("copyMessage", { chat_id: 7, from_chat_id: 8, message_id: 9 }).catch((e: unknown) => e);
    assert.ok(err instanceof NetworkError, `got ${inspect(err)}`);
    assert.equal(err.problem, "unreachable");
    assert.equal(classify(err, 1).kind, "retry");
    assertNoToken(err);
  } finally {
    await api.close();
  }
});

test("aborting a pending long poll ends it within ~100 ms and closes the connection; other calls are untouched", async () => {
  const api = await fakeTelegram((req, res) => {
    if (req.path.endsWith("/getMe")) json(res, 200, { ok: true, result: { id: 123456, is_bot: true, first_name: "Bot" } });
    // getUpdates: hold the request, like a 25 s long poll with nothing to deliver.
  });
  try {
    const telegram = createTelegram({ token: TOKEN, apiRoot: api.apiRoot });
    const controller = new AbortController();
    const arrived = once(api.server, "seen");
    const poll = telegram.call("getUpdates", { timeout: 25 }, { signal: controller.signal });
    const pollOutcome = poll.catch((e: unknown) => e);
    const [, res] = (await arrived) as [SeenRequest, http.ServerResponse];
    const closed = once(res, "close");

    // A call without the signal, made while the poll hangs, is not affected by the abort.
    const me = telegram.call("getMe", undefined);

    const started = performance.now();
    controller.abort();
    const err = await pollOutcome;
    const elapsed = performance.now() - started;
    assert.ok(err instanceof Error && err.name === "AbortError", `got ${inspect(err)}`);
    assert.ok(elapsed < 500, `abort took ${elapsed} ms`);
    await closed;
    assert.equal((await me).id, 123456);
  } finally {
    await api.close();
  }
});

test("one signal shared by several hung calls ends them all at once, and only them", async () => {
  const api = await fakeTelegram((req, res) => {
    if (req.path.endsWith("/getMe")) json(res, 200, { ok: true, result: { id: 123456, is_bot: true, first_name: "Bot" } });
    // sendMessage: held, like a half-open connection.
  });
  try {
    const telegram = createTelegram({ token: TOKEN, apiRoot: api.apiRoot });
    // The deliverer's way: one signal for every call in flight, aborted when stopping gives up.
    const shared = new AbortController();
    let arrived = 0;
    const allArrived = new Promise<void>((resolve) => api.server.on("seen", () => ++arrived === 3 && resolve()));
    const sends = Array.from({ length: 3 }, (_, n) => telegram.call("sendMessage", { chat_id: n, text: "hello" }, { signal: shared.signal }).catch((e: unknown) => e));
    await allArrived;
    const me = telegram.call("getMe", undefined, { signal: new AbortController().signal });
    const started = performance.now();
    shared.abort(new Error("stopping"));
    const errs = await Promise.all(sends);
    assert.ok(performance.now() - started < 500, "every call ended at the abort");
    assert.deepEqual(errs.map((e) => (e as Error).message), ["stopping", "stopping", "stopping"]);
    assert.equal((await me).id, 123456, "a call on another signal goes on");
    assert.equal(getEventListeners(shared.signal, "abort").length, 0);
  } finally {
    await api.close();
  }
});

test("an already aborted signal fails at once, without a request", async () => {
  const api = await fakeTelegram((_req, res) => json(res, 200, { ok: true, result: [] }));
  try {
    const telegram = createTelegram({ token: TOKEN, apiRoot: api.apiRoot });
    const err = await telegram.call("getUpdates", { timeout: 25 }, { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    assert.ok(err instanceof Error && err.name === "AbortError");
    assert.equal(api.seen.length, 0);
  } finally {
    await api.close();
  }
});

test("a call left unanswered past its deadline is abandoned as a retryable timeout", async () => {
  // A half-open connection: the request arrives, the answer never does.
  const api = await fakeTelegram(() => undefined);
  try {
    const telegram = createTelegram({ token: TOKEN, apiRoot: api.apiRoot, timeoutMs: 200 });
    const started = performance.now();
    const err = await telegram.call("sendMessage", { chat_id: 1, text: "hi" }).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    assert.ok(err instanceof NetworkError && err.problem === "timeout", `got ${inspect(err)}`);
    assert.match(err.message, /did not answer sendMessage: no answer within 0.2 s, the call was abandoned/);
    assert.match(err.hint, /retrying.*at most once/);
    assert.ok(elapsed >= 190 && elapsed < 2000, `gave up after ${elapsed} ms`);
    assert.equal(classify(err, 1).kind, "retry");
    assertNoToken(err);
  } finally {
    await api.close();
  }
});

test("calls hung one after another are each abandoned at their own deadline", async () => {
  const api = await fakeTelegram(() => undefined);
  try {
    const telegram = createTelegram({ token: TOKEN, apiRoot: api.apiRoot, timeoutMs: 300 });
    const ended: number[] = [];
    const started = performance.now();
    const first = telegram.call("sendMessage", { chat_id: 1, text: "one" }).catch((e: unknown) => (ended.push(performance.now() - started), e));
    // Not a wait for an outcome: the second call starts later so that its deadline differs.
    await new Promise((r) => setTimeout(r, 150));
    const second = telegram.call("sendMessage", { chat_id: 2, text: "two" }).catch((e: unknown) => (ended.push(performance.now() - started), e));
    const errs = await Promise.all([first, second]);
    assert.ok(errs.every((e) => e instanceof NetworkError && e.problem === "timeout"), `got ${inspect(errs)}`);
    assert.ok(ended[0]! >= 290 && ended[0]! < 2000, `the first was given up after ${ended[0]} ms`);
    assert.ok(ended[1]! >= 440 && ended[1]! < 2500, `the second was given up after ${ended[1]} ms, not with the first`);
  } finally {
    await api.close();
  }
});

test("getUpdates' deadline is its long poll (at least Telegram's 3 s guard) plus the call deadline", async () => {
  const api = await fakeTelegram(() => undefined);
  try {
    const telegram = createTelegram({ token: TOKEN, apiRoot: api.apiRoot, timeoutMs: 200 });
    const started = performance.now();
    const err = await telegram.call("getUpdates", { timeout: 1 }).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    assert.ok(err instanceof NetworkError && err.problem === "timeout");
    // A repeated poll may be held 3 s by Telegram even with timeout 1: that is no hang.
    assert.match(err.message, /no answer within 3.2 s/);
    assert.ok(elapsed >= 3150, `a 1 s long poll was given up after ${elapsed} ms`);
  } finally {
    await api.close();
  }
});

test("no listener stays on the caller's signal once its calls end", async () => {
  const api = await fakeTelegram((_req, res) => json(res, 200, { ok: true, result: true }));
  const warnings: Error[] = [];
  const onWarning = (w: Error): void => void warnings.push(w);
  process.on("warning", onWarning);
  try {
    const telegram = createTelegram({ token: TOKEN, apiRoot: api.apiRoot });
    // One long-lived signal (the daemon's shutdown) for many calls, as the poll loop uses it.
    const shared = new AbortController();
    for (let n = 0; n < 30; n++) await telegram.call("deleteWebhook", {}, { signal: shared.signal });
    await Promise.all(Array.from({ length: 5 }, () => telegram.call("deleteWebhook", {}, { signal: shared.signal })));
    await telegram.call("sendMessage", { chat_id: 1, text: "refused" }, { signal: shared.signal }).catch(() => undefined);
    assert.equal(getEventListeners(shared.signal, "abort").length, 0);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(warnings.filter((w) => w.name === "MaxListenersExceededWarning").map((w) => w.message), []);
  } finally {
    process.off("warning", onWarning);
    await api.close();
  }
});

test("consecutive calls reuse one keep-alive connection", async () => {
  const api = await fakeTelegram((_req, res) => json(res, 200, { ok: true, result: true }));
  let connections = 0;
  api.server.on("connection", () => connections++);
  try {
    const telegram = createTelegram({ token: TOKEN, apiRoot: api.apiRoot });
    for (let n = 0; n < 5; n++) assert.equal(await telegram.call("deleteWebhook", {}), true);
    assert.equal(api.seen.length, 5);
    assert.equal(connections, 1, "every call after the first went out on the open connection");
  } finally {
    await api.close();
  }
});

test("an idle connection is let go after idleMs; the next call opens a new one", async () => {
  const api = await fakeTelegram((_req, res) => json(res, 200, { ok: true, result: true }));
  const sockets: Socket[] = [];
  api.server.on("connection", (s: Socket) => sockets.push(s));
  try {
    const telegram = createTelegram({ token: TOKEN, apiRoot: api.apiRoot, idleMs: 100 });
    await telegram.call("deleteWebhook", {});
    await once(sockets[0]!, "close"); // the client closed it, idle
    await telegram.call("deleteWebhook", {});
    assert.equal(sockets.length, 2);
  } finally {
    await api.close();
  }
});

test("a call slower than idleMs is still answered: only idle connections are let go", async () => {
  const api = await fakeTelegram((_req, res) => void setTimeout(() => json(res, 200, { ok: true, result: [] }), 400));
  try {
    const telegram = createTelegram({ token: TOKEN, apiRoot: api.apiRoot, idleMs: 50, timeoutMs: 5000 });
    assert.deepEqual(await telegram.call("getUpdates", { timeout: 0 }), []);
  } finally {
    await api.close();
  }
});

test("a hung call on a reused connection is still abandoned at its deadline", async () => {
  let answered = 0;
  const api = await fakeTelegram((_req, res) => {
    if (answered++ === 0) json(res, 200, { ok: true, result: true }); // the first opens the connection; the second hangs on it
  });
  let connections = 0;
  api.server.on("connection", () => connections++);
  try {
    const telegram = createTelegram({ token: TOKEN, apiRoot: api.apiRoot, timeoutMs: 200 });
    await telegram.call("deleteWebhook", {});
    const started = performance.now();
    const err = await telegram.call("sendMessage", { chat_id: 1, text: "hi" }).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    assert.equal(connections, 1);
    assert.ok(err instanceof NetworkError && err.problem === "timeout", `got ${inspect(err)}`);
    assert.ok(elapsed >= 190 && elapsed < 2000, `gave up after ${elapsed} ms`);
  } finally {
    await api.close();
  }
});

test("an https api_root is spoken to over TLS: a certificate nobody trusts is an unreachable NetworkError that names it", async () => {
  const server = https.createServer({ cert: LOOPBACK_CERT, key: LOOPBACK_KEY }, (_req, res) => json(res, 200, { ok: true, result: true }));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  try {
    const telegram = createTelegram({ token: TOKEN, apiRoot: `https://127.0.0.1:${port}` });
    const err = await telegram.call("getMe", undefined).catch((e: unknown) => e);
    assert.ok(err instanceof NetworkError, `got ${inspect(err)}`);
    assert.equal(err.problem, "unreachable");
    assert.match(err.message, /self-signed certificate/); // only a TLS handshake says that
    assertNoToken(err);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
