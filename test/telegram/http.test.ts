import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { once } from "node:events";
import { inspect } from "node:util";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import https from "node:https";
import { LOOPBACK_CERT, LOOPBACK_KEY } from "./tls-fixture.ts";
import type { AddressInfo } from "node:net";
import { createTelegram } from "../../src/telegram/client.ts";
import { NetworkError, classify } from "../../src/telegram/errors.ts";

// The wire-level cases of the transport (src/telegram/http.ts): a raw TCP server writes the
// answers byte for byte, the way a proxy or a server other than Node's might.

const TOKEN = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

interface RawRequest {
  head: string;
  body: string;
}

/** What the raw server does with its n-th request (from 0, over all connections), which came on `socket`. */
type RawReply = (socket: net.Socket, req: RawRequest, n: number) => void;

/** A TCP server that reads HTTP/1.1 requests and lets `reply` write the answer by hand. */
async function rawServer(reply: RawReply) {
  const requests: RawRequest[] = [];
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    socket.setNoDelay(true);
    let pending = Buffer.alloc(0);
    socket.on("error", () => undefined);
    socket.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const end = pending.indexOf("\r\n\r\n");
        if (end === -1) return;
        const head = pending.toString("latin1", 0, end);
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        const req = { head, body: pending.toString("utf8", end + 4, end + 4 + length) };
        pending = pending.subarray(end + 4 + length);
        requests.push(req);
        reply(socket, req, requests.length - 1);
      }
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    requests,
    sockets,
    async close() {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, "close");
    },
  };
}

/** Writes `parts` one at a time, each in its own turn of the event loop (its own TCP segment on loopback). */
/** Runs `fn` with a client of a raw server answering by `reply`, and closes the server after. */
async function withTelegram<T>(reply: RawReply, fn: (telegram: ReturnType<typeof createTelegram>, api: Awaited<ReturnType<typeof rawServer>>) => Promise<T>): Promise<T> {
  const api = await rawServer(reply);
  try {
    return await fn(createTelegram({ token: TOKEN, apiRoot: api.apiRoot }), api);
  } finally {
    await api.close();
  }
}

function writeApart(socket: net.Socket, parts: readonly (string | Buffer)[], then?: () => void): void {
  const [first, ...rest] = parts;
  if (socket.destroyed) return;
  if (first === undefined) return then?.();
  socket.write(first, () => setImmediate(() => writeApart(socket, rest, then)));
}

function answer(body: string, extra = ""): string {
  return `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
}

const OK_TRUE = '{"ok":true,"result":true}';

/** Makes two calls answered by `reply` (each must succeed); resolves with how many connections they used. */
async function connectionsForTwoCalls(reply: RawReply): Promise<number> {
  return withTelegram(reply, async (telegram, api) => {
    assert.equal(await telegram.call("deleteWebhook", {}), true);
    assert.equal(await telegram.call("deleteWebhook", {}), true);
    assert.equal(api.requests.length, 2, "each call went out once");
    return api.sockets.length;
  });
}

test("the request is one HTTP/1.1 POST with Host, JSON content type and a Content-Length in bytes", async () => {
  await withTelegram((socket) => socket.write(answer(OK_TRUE)), async (telegram, api) => {
    await telegram.call("sendMessage", { chat_id: 7, text: "Olá — ✓" });
    const [req] = api.requests;
    const lines = req!.head.split("\r\n");
    assert.equal(lines[0], `POST /bot${TOKEN}/sendMessage HTTP/1.1`);
    assert.ok(lines.includes(`Host: ${new URL(api.apiRoot).host}`));
    assert.ok(lines.includes("Content-Type: application/json"));
    assert.deepEqual(JSON.parse(req!.body), { chat_id: 7, text: "Olá — ✓" }, "the body came whole: its length was counted in bytes");
  });
});

test("a chunked answer, with chunk extensions and trailers and split across packets, is read whole and the connection reused", async () => {
  const body = JSON.stringify({ ok: true, result: { message_id: 42, text: "é".repeat(300) } });
  const bytes = Buffer.from(body);
  const reply: RawReply = (socket) =>
    writeApart(socket, [
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
      `${(100).toString(16)};name=value\r\n`,
      bytes.subarray(0, 100),
      "\r",
      "\n",
      `${(bytes.length - 100).toString(16).toUpperCase()}\r\n`,
      Buffer.concat([bytes.subarray(100), Buffer.from("\r\n0\r\nX-Trailer: 1\r")]),
      "\n\r\n",
    ]);
  await withTelegram(reply, async (telegram, api) => {
    for (let n = 0; n < 2; n++) {
      const message = (await telegram.call("copyMessage", { chat_id: 1, from_chat_id: 2, message_id: 3 })) as unknown as { message_id: number; text: string };
      assert.equal(message.message_id, 42);
      assert.equal(message.text, "é".repeat(300));
    }
    assert.equal(api.sockets.length, 1, "the second call went out on the same connection");
  });
});

test("Node's own chunked answers (res.write without a length) are read whole", async () => {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"ok":true,');
    setImmediate(() => res.end('"result":[1,2,3]}'));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  try {
    const telegram = createTelegram({ token: TOKEN, apiRoot: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    assert.deepEqual(await telegram.call("getUpdates", { timeout: 0 }), [1, 2, 3]);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test("an answer split into one TCP segment per byte is read whole", async () => {
  const text = answer(JSON.stringify({ ok: true, result: { id: 99, first_name: "Bót" } }), "X-Extra: yes\r\n");
  await withTelegram((socket) => writeApart(socket, [...Buffer.from(text)].map((b) => Buffer.from([b]))), async (telegram, api) => {
    const me = await telegram.call("getMe", undefined);
    assert.equal(me.first_name, "Bót", "a UTF-8 character split across segments came whole");
    assert.equal(me.id, 99);
  });
});

test("a header block over several packets, split inside its final CRLF CRLF, is read", async () => {
  const full = answer(OK_TRUE);
  const end = full.indexOf("\r\n\r\n");
  const parts = [full.slice(0, 9), full.slice(9, end + 1), full.slice(end + 1, end + 3), full.slice(end + 3)];
  assert.equal(await connectionsForTwoCalls((socket) => writeApart(socket, parts)), 1, "the connection was kept");
});

test("a Connection: close answer is used, and the next call opens a new connection", async () => {
  assert.equal(await connectionsForTwoCalls((socket) => socket.end(answer(OK_TRUE, "Connection: close\r\n"))), 2);
});

test("an answer with no length is read until the server closes", async () => {
  const reply: RawReply = (socket) => writeApart(socket, ["HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n", '{"ok":true,', '"result":"whole"}'], () => socket.end());
  await withTelegram(reply, async (telegram, api) => {
    assert.equal(await telegram.call("getMe", undefined), "whole");
    assert.equal(await telegram.call("getMe", undefined), "whole", "the next call opened a new connection");
    assert.equal(api.sockets.length, 2);
  });
});

test("a connection the server closed while idle is never used again: the next call opens a new one and succeeds", async () => {
  await withTelegram((socket) => socket.write(answer(OK_TRUE)), async (telegram, api) => {
    assert.equal(await telegram.call("deleteWebhook", {}), true);
    const first = api.sockets[0]!;
    first.end(); // the server's own idle timeout
    await once(first, "close"); // our side saw the FIN and closed too
    assert.equal(await telegram.call("deleteWebhook", {}), true);
    assert.equal(api.sockets.length, 2);
  });
});

test("a Keep-Alive: timeout=1 hint is honoured with Node's 1 s margin: the connection is not kept", async () => {
  const connections = await connectionsForTwoCalls((socket) => socket.write(answer(OK_TRUE, "Connection: keep-alive\r\nKeep-Alive: timeout=1\r\n")));
  assert.equal(connections, 2, "a connection the server drops within 1 s is not reused");
});

test("a reused connection reset before any answer byte fails the call as unreachable, and the call is not sent again", async () => {
  await withTelegram((socket, _req, n) => {
    if (n === 1) socket.resetAndDestroy();
    else socket.write(answer(OK_TRUE));
  }, async (telegram, api) => {
    assert.equal(await telegram.call("deleteWebhook", {}), true);
    const err = await telegram.call("copyMessage", { chat_id: 1, from_chat_id: 2, message_id: 3 }).catch((e: unknown) => e);
    assert.ok(err instanceof NetworkError, `got ${inspect(err)}`);
    assert.equal(err.problem, "unreachable");
    assert.equal(classify(err, 1).kind, "retry");
    assert.equal(api.requests.length, 2, "copyMessage is not idempotent: it went out once");
    assert.equal(api.sockets.length, 1);
    assert.equal(await telegram.call("deleteWebhook", {}), true, "the next call opens a new connection");
  });
});

test("a malformed status line is a retryable bad response, and its connection is dropped", async () => {
  await withTelegram((socket, _req, n) => socket.write(n === 0 ? "HTTP/1.1 2OO Fine\r\nContent-Length: 2\r\n\r\n{}" : answer(OK_TRUE)), async (telegram, api) => {
    const err = await telegram.call("sendMessage", { chat_id: 1, text: "x" }).catch((e: unknown) => e);
    assert.ok(err instanceof NetworkError, `got ${inspect(err)}`);
    assert.equal(err.problem, "bad_response");
    assert.match(err.message, /malformed status line/);
    assert.equal(classify(err, 1).kind, "retry");
    assert.ok(!err.message.includes(TOKEN));
    assert.equal(await telegram.call("deleteWebhook", {}), true);
    assert.equal(api.sockets.length, 2);
  });
});

test("bytes after a whole answer (nothing asked for them) drop that connection, not the answer", async () => {
  assert.equal(await connectionsForTwoCalls((socket) => socket.write(answer(OK_TRUE) + "HTTP/1.1 200 OK\r\n")), 2);
});

const CLIENT = fileURLToPath(new URL("../../src/telegram/client.ts", import.meta.url));

/** Runs an ES module `script` in a child node (with tsx), killed after 20 s; its exit code and stdout. */
async function runModule(script: string, env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, ...env } });
  let out = "";
  child.stdout.setEncoding("utf8"); // a character split across two reads stays whole
  child.stdout.on("data", (c: string) => (out += c));
  const timer = setTimeout(() => child.kill(), 20_000);
  const [code] = (await once(child, "exit")) as [number | null];
  clearTimeout(timer);
  return { code, out };
}

test("an idle keep-alive connection never keeps the process alive", async () => {
  const api = await rawServer((socket) => socket.write(answer(OK_TRUE)));
  try {
    const script = `import { createTelegram } from ${JSON.stringify(CLIENT)};
      const t = createTelegram({ token: ${JSON.stringify(TOKEN)}, apiRoot: ${JSON.stringify(api.apiRoot)}, idleMs: 60000 });
      console.log(await t.call("deleteWebhook", {}));`;
    const { code, out } = await runModule(script);
    assert.equal(out.trim(), "true");
    assert.equal(code, 0, "the process ended on its own with its connection still open and idle for 60 s");
    assert.equal(api.sockets.length, 1);
  } finally {
    await api.close();
  }
});

/** A result of ~300 KB: several reads (and TLS records) into the transport's one read buffer. */
const BIG = Array.from({ length: 3000 }, (_, n) => `message ${n}: ${"ç".repeat(40)}`);

test("a large answer spanning many reads is read whole, byte for byte", async () => {
  await withTelegram((socket) => socket.write(answer(JSON.stringify({ ok: true, result: BIG }))), async (telegram, api) => {
    const [a, b] = await Promise.all([telegram.call("getUpdates", { timeout: 0 }), telegram.call("getUpdates", { timeout: 0 })]);
    assert.deepEqual(a, BIG);
    assert.deepEqual(b, BIG, "two answers read at the same time on two connections do not mix");
  });
});

test("over TLS with a trusted certificate, calls are answered (small, chunked and large) on one kept connection", async () => {
  let connections = 0;
  const server = https.createServer({ cert: LOOPBACK_CERT, key: LOOPBACK_KEY }, (req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    if (req.url?.endsWith("/getUpdates")) {
      res.write('{"ok":true,"result":');
      setImmediate(() => res.end(`${JSON.stringify(BIG)}}`)); // chunked: no length given
    } else res.end('{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"Bót"}}');
  });
  server.on("connection", () => connections++);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const dir = await mkdtemp(join(tmpdir(), "clientes-tls-"));
  try {
    const ca = join(dir, "ca.pem");
    await writeFile(ca, LOOPBACK_CERT);
    const apiRoot = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const script = `import { createTelegram } from ${JSON.stringify(CLIENT)};
      const t = createTelegram({ token: ${JSON.stringify(TOKEN)}, apiRoot: ${JSON.stringify(apiRoot)} });
      const me = await t.call("getMe", undefined);
      const updates = await t.call("getUpdates", { timeout: 0 });
      const again = await t.call("getMe", undefined);
      console.log(JSON.stringify({ name: me.first_name, updates, again: again.first_name }));`;
    // The child trusts the loopback certificate (NODE_EXTRA_CA_CERTS); the transport takes no CA option.
    const { code, out } = await runModule(script, { NODE_EXTRA_CA_CERTS: ca });
    assert.equal(code, 0);
    const seen = JSON.parse(out) as { name: string; updates: unknown; again: string };
    assert.equal(seen.name, "Bót");
    assert.deepEqual(seen.updates, BIG);
    assert.equal(seen.again, "Bót");
    assert.equal(connections, 1, "the three calls went out on one TLS connection");
  } finally {
    server.closeAllConnections();
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
