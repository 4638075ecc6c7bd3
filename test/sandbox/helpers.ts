import assert from "node:assert/strict";
import { createServer, request as httpRequest } from "node:http";
import { afterEach, beforeEach } from "node:test";
import type { Sandbox, SandboxOptions } from "../../src/sandbox/index.ts";
import { startSandbox } from "../../src/sandbox/index.ts";

export interface Answer {
  status: number;
  body: { ok: boolean; result?: any; error_code?: number; description?: string; parameters?: Record<string, number> };
  text: string;
}

/** POSTs a JSON body to the sandbox's Bot API, as GramIO does. */
export async function call(sb: Sandbox, method: string, params: Record<string, unknown> = {}, token = sb.token): Promise<Answer> {
  const res = await fetch(`${sb.apiRoot}/bot${token}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), text };
}

/** Calls a method that must succeed; returns its result. */
export async function ok(sb: Sandbox, method: string, params: Record<string, unknown> = {}): Promise<any> {
  const a = await call(sb, method, params);
  assert.equal(a.body.ok, true, `${method} failed: ${a.text}`);
  assert.equal(a.status, 200);
  return a.body.result;
}

/** Calls a method that must fail; checks HTTP status = error_code and returns the description. */
export async function fails(sb: Sandbox, method: string, params: Record<string, unknown> = {}): Promise<{ code: number; description: string; parameters?: Record<string, number> }> {
  const a = await call(sb, method, params);
  assert.equal(a.body.ok, false, `${method} unexpectedly succeeded: ${a.text}`);
  assert.equal(a.status, a.body.error_code, "HTTP status equals error_code");
  return { code: a.body.error_code!, description: a.body.description!, ...(a.body.parameters ? { parameters: a.body.parameters } : {}) };
}

/**
 * A fresh sandbox for every test of the file (polling guards off unless asked for, so
 * repeated getUpdates calls answer at once).
 */
export function useSandbox(opts: SandboxOptions = {}): { readonly sb: Sandbox } {
  const holder: { sb?: Sandbox } = {};
  beforeEach(async () => {
    holder.sb = await startSandbox({ pollGuards: false, ...opts });
  });
  afterEach(async () => {
    await holder.sb?.close();
  });
  return {
    get sb() {
      return holder.sb!;
    },
  };
}

/** A customer who has started the bot (so the bot may write to them). */
export function customer(sb: Sandbox, first_name = "Ana"): { id: number; firstMessageId: number } {
  const user = sb.addUser({ first_name, last_name: "Souza", username: first_name.toLowerCase() });
  const m = sb.sendPrivate(user.id, { text: "/start" });
  return { id: user.id, firstMessageId: m.message_id };
}

/** Posts a card in the channel as the bot and waits for its automatic forward (the thread root). */
export async function card(sb: Sandbox, text = "Card"): Promise<{ postId: number; rootId: number }> {
  const post = await ok(sb, "sendMessage", { chat_id: sb.channelId, text });
  const rootId = await sb.waitFor((s) => s.rootFor(post.message_id), 2000, "automatic forward");
  return { postId: post.message_id, rootId };
}

/** Drops every pending update (confirms them), so a test sees only what comes next. */
export async function drain(sb: Sandbox): Promise<void> {
  const pending = sb.pendingUpdates();
  const last = pending.at(-1);
  if (last) await ok(sb, "getUpdates", { offset: last.update_id + 1, timeout: 0 });
}

/**
 * An HTTP request with the headers a browser would send (a fetch() may not set Host):
 * for the DNS-rebinding and cross-origin checks. Resolves with the status, headers and body.
 */
export function rawRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: import("node:http").IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: opts.method ?? "GET", headers: opts.headers ?? {} }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** One request a webhook test server received. */
export interface HookRequest {
  body: any;
  headers: import("node:http").IncomingHttpHeaders;
  /** performance.now() when it arrived. */
  at: number;
  /** Answers it (status 200 and "{}" unless given). */
  reply: (status?: number, headers?: Record<string, string>, body?: string) => void;
}

/**
 * A local HTTP server standing for the bot's webhook. Each request waits for `answer` (default:
 * 200 at once); `until` waits, bounded, for a condition on what arrived.
 */
export async function startHookServer(answer: (r: HookRequest) => void = (r) => r.reply()): Promise<{
  url: string;
  port: number;
  received: HookRequest[];
  until: (what: string, predicate: (received: HookRequest[]) => boolean, timeoutMs?: number) => Promise<void>;
  close: () => Promise<void>;
}> {
  const received: HookRequest[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r: HookRequest = {
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
        headers: req.headers,
        at: performance.now(),
        reply: (status = 200, headers = {}, body = "{}") => {
          if (!res.writableEnded && !res.destroyed) res.writeHead(status, { "content-type": "application/json", ...headers }).end(body);
        },
      };
      received.push(r);
      for (const w of [...waiters]) w();
      answer(r);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as import("node:net").AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received,
    until: (what, predicate, timeoutMs = 5000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!predicate(received)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`webhook server: timed out waiting for ${what}; got ${received.length} request(s)`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
