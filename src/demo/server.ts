/**
 * The demo's web server (on 127.0.0.1 unless told otherwise): the page (plain files from ./page), the demo's own
 * endpoints under /demo/, and the sandbox's control API proxied under /sandbox/.
 *
 *   GET  /                         the page
 *   GET  /<file>.js|.css|.svg      the page's assets; /samples/<name> the sample images
 *   GET  /demo/info                who is who (bot, chats, staff, samples, locale)
 *   GET  /demo/view?customer=&card= what the three places show (see DemoView)
 *   POST /demo/customers           adds the next sample customer (or {first_name, …})
 *   GET  /demo/clock               the desk's clock: its time, open or not, until when
 *   POST /demo/clock {open}        moves that clock forward to the next open (or closed) period
 *   GET  /demo/files/<file_id>     the picture behind a photo's file id
 *   *    /sandbox/…                the sandbox's control API and its event stream
 *
 * Only its own page may use it: a foreign Host (DNS rebinding) or a write from another
 * origin gets 403, and no answer carries CORS headers (see sandbox/same-origin.ts).
 */
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join } from "node:path";
import type { TelegramUser } from "@gramio/types";
import { foreignRequest } from "../sandbox/same-origin.ts";
import { proxyToSandbox } from "./proxy.ts";
import type { ClockStatus } from "./clock.ts";
import type { SampleImages } from "./samples.ts";
import type { DemoView, ViewQuery } from "./view.ts";

/** Page files the server hands out (nothing else from the folder is reachable). */
const ASSET = /^\/(?:[a-z0-9-]+\.(?:html|css|js|svg|png))$/;
const SAMPLE = /^\/samples\/([A-Za-z0-9._-]+)$/;

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** What the server serves; the demo wires it to the sandbox. */
export interface DemoBackend {
  pageDir: string;
  apiRoot: string;
  samples: SampleImages;
  info(): unknown;
  view(query: ViewQuery): DemoView;
  addCustomer(person: Partial<Pick<TelegramUser, "first_name" | "last_name" | "username">>): TelegramUser;
  clock(): ClockStatus;
  moveClock(open: boolean): ClockStatus;
}

/** An HTTP error the page shows as `{"error": message}`. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, type: string, body: Buffer | string): void {
  const buf = typeof body === "string" ? Buffer.from(body) : body;
  res.writeHead(status, { "content-type": type, "content-length": buf.length, "cache-control": "no-store" });
  res.end(buf);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, "application/json", JSON.stringify(body));
}

function optionalId(url: URL, key: string): number | undefined {
  const raw = url.searchParams.get(key);
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new HttpError(400, `"${key}" must be a number, got "${raw}"`);
  return n;
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8").trim();
  if (raw === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new HttpError(400, "the request body must be JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpError(400, "the request body must be a JSON object");
  return body as Record<string, unknown>;
}

function personFrom(body: Record<string, unknown>): Partial<Pick<TelegramUser, "first_name" | "last_name" | "username">> {
  const out: Partial<Pick<TelegramUser, "first_name" | "last_name" | "username">> = {};
  for (const key of ["first_name", "last_name", "username"] as const) {
    const v = body[key];
    if (v === undefined || v === null || v === "") continue;
    if (typeof v !== "string") throw new HttpError(400, `"${key}" must be a string`);
    out[key] = v;
  }
  return out;
}

async function route(b: DemoBackend, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const path = url.pathname;
  if (path.startsWith("/sandbox/")) return proxyToSandbox(b.apiRoot, req, res, b.samples);
  const method = req.method ?? "GET";
  if (method === "GET" && (path === "/" || ASSET.test(path))) {
    const name = path === "/" ? "index.html" : path.slice(1);
    const body = await readFile(join(b.pageDir, name)).catch(() => undefined);
    if (!body) throw new HttpError(404, `no such file: ${path}`);
    return send(res, 200, TYPES[extname(name)] ?? "application/octet-stream", body);
  }
  const sample = SAMPLE.exec(path);
  if (method === "GET" && sample) {
    const file = await b.samples.read(sample[1]!);
    if (!file) throw new HttpError(404, `no such sample: ${sample[1]}`);
    return send(res, 200, file.type, file.body);
  }
  if (method === "GET" && path.startsWith("/demo/files/")) {
    const file = await b.samples.forFileId(decodeURIComponent(path.slice("/demo/files/".length)));
    return send(res, 200, file.type, file.body);
  }
  if (method === "GET" && path === "/demo/info") return sendJson(res, 200, b.info());
  if (method === "GET" && path === "/demo/view") {
    const customer = optionalId(url, "customer");
    const card = optionalId(url, "card");
    return sendJson(res, 200, b.view({ ...(customer !== undefined ? { customer } : {}), ...(card !== undefined ? { card } : {}) }));
  }
  if (method === "POST" && path === "/demo/customers") return sendJson(res, 200, b.addCustomer(personFrom(await jsonBody(req))));
  if (method === "GET" && path === "/demo/clock") return sendJson(res, 200, b.clock());
  if (method === "POST" && path === "/demo/clock") {
    const open = (await jsonBody(req)).open;
    if (typeof open !== "boolean") throw new HttpError(400, `"open" must be true (move to the next open period) or false (the next closed one)`);
    return sendJson(res, 200, b.moveClock(open));
  }
  throw new HttpError(404, `no such endpoint: ${method} ${path}`);
}

/** The running web server. */
export interface DemoServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** `http://host:port`, with an IPv6 address in brackets; a wildcard host is reached at 127.0.0.1. */
export function pageUrl(host: string, port: number): string {
  const local = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return `http://${local.includes(":") ? `[${local}]` : local}:${port}`;
}

/**
 * Starts the web server on `host`:`port` (default 127.0.0.1; port 0 = any free port).
 * Rejects with the listen error (EADDRINUSE when the port is taken, EADDRNOTAVAIL or
 * ENOTFOUND for a host that is not this machine's).
 */
export async function startDemoServer(backend: DemoBackend, port: number, host = "127.0.0.1"): Promise<DemoServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const refused = foreignRequest(req, host);
    if (refused) return sendJson(res, 403, { error: refused });
    route(backend, req, res, url).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      const status = err instanceof HttpError ? err.status : 500;
      sendJson(res, status, { error: err instanceof Error ? err.message : String(err) });
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: pageUrl(host, actual),
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
