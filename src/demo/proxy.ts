/**
 * Forwards the page's /sandbox/* requests to the sandbox's control API, so the page talks
 * to one origin. Event streams are piped as they come; other answers are read whole so
 * the demo can note which file ids stand for which sample photo.
 */
import { request, type IncomingMessage, type ServerResponse } from "node:http";
import type { SampleImages } from "./samples.ts";

/** Control API actions whose body may carry `content.photo` = a sample name (sendAlbum: `items[].photo`). */
const SENDS_CONTENT = new Set(["sendPrivate", "comment", "postInGroup", "postInChannel", "editPrivate", "editInChat"]);

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The sample photo names a request sends, in the order of the messages it makes: one for a
 * content, one per item for an album (undefined where an item is no sample photo).
 */
function samplesOf(action: string, body: Buffer): Array<string | undefined> {
  if ((!SENDS_CONTENT.has(action) && action !== "sendAlbum") || body.length === 0) return [];
  const photo = (c: unknown) => {
    const p = (c as { photo?: unknown } | null)?.photo;
    return typeof p === "string" ? p : undefined;
  };
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { content?: unknown; items?: unknown };
    if (action === "sendAlbum") return Array.isArray(parsed.items) ? parsed.items.map(photo) : [];
    return [photo(parsed.content)];
  } catch {
    return []; // the sandbox will say what is wrong with it
  }
}

/**
 * Sends `req` (a /sandbox/* request) to the sandbox at `apiRoot` and its answer back to
 * `res`. Resolves when the answer is complete (for an event stream: when either side closes).
 */
export async function proxyToSandbox(apiRoot: string, req: IncomingMessage, res: ServerResponse, samples: SampleImages): Promise<void> {
  const body = req.method === "GET" || req.method === "HEAD" ? Buffer.alloc(0) : await readAll(req);
  const target = new URL(req.url ?? "/", apiRoot);
  const action = target.pathname.replace(/^\/sandbox\//, "");
  const headers: Record<string, string> = { accept: req.headers.accept ?? "*/*" };
  if (body.length > 0) {
    headers["content-type"] = req.headers["content-type"] ?? "application/json";
    headers["content-length"] = String(body.length);
  }
  await new Promise<void>((resolve) => {
    const upstream = request(target, { method: req.method ?? "GET", headers }, (answer) => {
      const type = answer.headers["content-type"] ?? "application/octet-stream";
      if (type.startsWith("text/event-stream")) {
        res.writeHead(answer.statusCode ?? 200, { "content-type": type, "cache-control": "no-cache", connection: "keep-alive" });
        answer.pipe(res);
        const done = (): void => {
          answer.destroy();
          resolve();
        };
        res.on("close", done);
        answer.on("end", done);
        return;
      }
      void readAll(answer).then((buf) => {
        const sent = samplesOf(action, body);
        if (sent.some((name) => name !== undefined) && answer.statusCode === 200) {
          try {
            const result: unknown = JSON.parse(buf.toString("utf8"));
            const messages = Array.isArray(result) ? result : [result];
            sent.forEach((name, i) => name !== undefined && samples.remember(messages[i], name));
          } catch {
            // not a message: nothing to remember
          }
        }
        res.writeHead(answer.statusCode ?? 502, { "content-type": type, "content-length": buf.length });
        res.end(buf);
        resolve();
      }, () => resolve());
    });
    upstream.on("error", (err) => {
      if (!res.headersSent) {
        const text = JSON.stringify({ error: `the sandbox did not answer: ${err.message}` });
        res.writeHead(502, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
        res.end(text);
      } else res.destroy();
      resolve();
    });
    // The page went away (a closed tab, a reload): stop waiting for the sandbox.
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    upstream.end(body);
  });
}
