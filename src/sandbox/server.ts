import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiError } from "./errors.ts";
import { Params } from "./params.ts";
import { foreignRequest } from "./same-origin.ts";
import type { UploadedFile } from "./params.ts";

/** Routes one HTTP request; `null` means "not mine". */
export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

const BOT_PATH = /^\/bot([^/]*)\/([^/]*)$/;

/** Sends a JSON body with a status. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  // Stream events, not `for await`: its async iterator cost this process about 5 % of its
  // CPU per request, and while it is busy the sandbox is late to read the next one.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let ended = false;
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      ended = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    req.on("error", reject);
    // Closed before its end (the client went away): as `for await` did, no body. Every request
    // closes once answered: the Error (its stack) is built only for one that never ended, as it
    // cost this process about 40 µs per request.
    req.on("close", () => {
      if (!ended) reject(new Error("the request was closed before its body ended"));
    });
  });
}

/**
 * A Bot API request's parameters, from the URL query and the body (JSON, form-urlencoded or
 * multipart), as the Bot API server accepts them.
 */
export async function readParams(req: IncomingMessage, url: URL): Promise<Params> {
  const raw: Record<string, unknown> = url.search === "" ? {} : Object.fromEntries(url.searchParams);
  const uploads = new Map<string, UploadedFile>();
  const body = await readBody(req);
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (body.length > 0) {
    if (type.startsWith("application/json")) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString("utf8"));
      } catch {
        throw new ApiError(400, "Bad Request: can't parse JSON object");
      }
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ApiError(400, "Bad Request: expected a JSON object");
      Object.assign(raw, parsed);
    } else if (type.startsWith("application/x-www-form-urlencoded")) {
      Object.assign(raw, Object.fromEntries(new URLSearchParams(body.toString("utf8"))));
    } else if (type.startsWith("multipart/form-data")) {
      const form = await new Request("http://sandbox.invalid/", {
        method: "POST",
        headers: { "content-type": req.headers["content-type"]! },
        body: new Uint8Array(body),
      }).formData();
      form.forEach((value, name) => {
        if (typeof value === "string") raw[name] = value;
        else uploads.set(name, { name: value.name || name });
      });
    }
  }
  return new Params(raw, uploads);
}

/** Parses the Bot API path: `/bot<token>/<method>`. */
export function botPath(pathname: string): { token: string; method: string } | undefined {
  const m = BOT_PATH.exec(pathname);
  return m ? { token: decodeURIComponent(m[1]!), method: m[2]! } : undefined;
}

/** Starts an HTTP server on 127.0.0.1 that tries each route in turn (requests from other sites refused with 403). */
export async function listen(port: number, routes: Route[]): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    // DNS rebinding and cross-origin writes from a web page (see same-origin.ts).
    const refused = foreignRequest(req, "127.0.0.1");
    if (refused) return sendJson(res, 403, { ok: false, error_code: 403, description: `Forbidden: ${refused}` });
    void (async () => {
      try {
        for (const route of routes) if (await route(req, res, url)) return;
        sendJson(res, 404, { ok: false, error_code: 404, description: "Not Found" });
      } catch (error) {
        if (res.headersSent) return res.end();
        if (error instanceof ApiError) return sendJson(res, error.code, error.toBody());
        sendJson(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${String(error)}` });
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}
