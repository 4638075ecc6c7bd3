import type { IncomingMessage, ServerResponse } from "node:http";
import { SandboxUsageError } from "./errors.ts";
import type { Sandbox } from "./sandbox.ts";
import { readBody, sendJson } from "./server.ts";
import type { Content, FaultSpec, InlineAnswer } from "./types.ts";

type Body = Record<string, unknown>;
type Action = (sb: Sandbox, body: Body) => unknown;

function num(body: Body, key: string): number {
  const v = body[key];
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n)) throw new SandboxUsageError(`"${key}" must be a number`);
  return n;
}

function optNum(body: Body, key: string): number | undefined {
  return body[key] === undefined || body[key] === null ? undefined : num(body, key);
}

function content(body: Body, key = "content"): Content {
  const c = body[key];
  if (typeof c !== "object" || c === null || Array.isArray(c)) throw new SandboxUsageError(`"${key}" must be an object like {"text": "hi"}`);
  return c as Content;
}

function as(body: Body): number | "channel" {
  return body.as === "channel" ? "channel" : num(body, "as");
}

function replyOpts(body: Body): { replyTo?: number } {
  const replyTo = optNum(body, "replyTo");
  return replyTo === undefined ? {} : { replyTo };
}

/** POST /sandbox/<name>: the Sandbox's acting and settings methods, one JSON body each. */
const ACTIONS: Record<string, Action> = {
  users: (sb, b) => sb.addUser(b as Parameters<Sandbox["addUser"]>[0]),
  makeAdmin: (sb, b) => sb.makeAdmin(b.chat === "channel" ? "channel" : "group", num(b, "userId")),
  sendPrivate: (sb, b) => sb.sendPrivate(num(b, "userId"), content(b), replyOpts(b)),
  sendAlbum: (sb, b) => {
    if (!Array.isArray(b.items)) throw new SandboxUsageError(`"items" must be an array of contents`);
    return sb.sendAlbum(num(b, "userId"), b.items as Content[]);
  },
  editPrivate: (sb, b) => sb.editPrivate(num(b, "userId"), num(b, "messageId"), content(b)),
  blockBot: (sb, b) => sb.blockBot(num(b, "userId")),
  unblockBot: (sb, b) => sb.unblockBot(num(b, "userId")),
  comment: (sb, b) => sb.comment(as(b), num(b, "replyTo"), content(b)),
  postInGroup: (sb, b) => sb.postInGroup(as(b), content(b), replyOpts(b)),
  postInChannel: (sb, b) => sb.postInChannel(content(b)),
  editInChat: (sb, b) => sb.editInChat(num(b, "chatId"), as(b), num(b, "messageId"), content(b)),
  deleteAs: (sb, b) => sb.deleteAs(num(b, "chatId"), num(b, "messageId")),
  inlineQuery: (sb, b) =>
    sb.inlineQuery(num(b, "userId"), String(b.query ?? ""), {
      ...(typeof b.offset === "string" ? { offset: b.offset } : {}),
      ...(typeof b.chatType === "string" ? { chatType: b.chatType } : {}),
      ...(optNum(b, "timeoutMs") !== undefined ? { timeoutMs: num(b, "timeoutMs") } : {}),
    }),
  sendInlineResult: (sb, b) => {
    if (typeof b.answer !== "object" || b.answer === null) throw new SandboxUsageError(`"answer" must be the object inlineQuery returned`);
    return sb.sendInlineResult(num(b, "userId"), num(b, "chatId"), b.answer as InlineAnswer, String(b.resultId ?? ""), replyOpts(b));
  },
  joinGroup: (sb, b) => sb.joinGroup(num(b, "userId"), optNum(b, "addedBy") !== undefined ? { addedBy: num(b, "addedBy") } : {}),
  leaveGroup: (sb, b) => sb.leaveGroup(num(b, "userId")),
  pressButton: (sb, b) => {
    if (typeof b.data !== "string") throw new SandboxUsageError(`"data" must be the button's callback_data (a string)`);
    return sb.pressButton(num(b, "userId"), num(b, "chatId"), num(b, "messageId"), b.data);
  },
  failNext: (sb, b) => sb.failNext(b as unknown as FaultSpec),
  rateLimits: (sb, b) => sb.setRateLimits(b.on === true),
  botRights: (sb, b) => sb.setBotRights(b.chat === "channel" ? "channel" : "group", (b.rights ?? null) as never),
  autoForwardDelay: (sb, b) => sb.setAutoForwardDelay(num(b, "ms")),
  advanceClock: (sb, b) => sb.advanceClock(num(b, "ms")),
  restartUpdateIds: (sb, b) => ({ firstId: sb.restartUpdateIds(optNum(b, "firstId")) }),
};

/** GET /sandbox/<path>: the readers. */
function read(sb: Sandbox, parts: string[]): unknown {
  const id = (i: number) => {
    const n = Number(parts[i]);
    if (!Number.isFinite(n)) throw new SandboxUsageError(`"${parts[i]}" is not a number`);
    return n;
  };
  const [head] = parts;
  if (head === "state" && parts.length === 1) return sb.state();
  if (head === "requests" && parts.length === 1) return sb.requests;
  if (head === "updates" && parts.length === 1) return sb.pendingUpdates();
  if (head === "threads" && parts.length === 2) return sb.thread(id(1));
  if (head === "roots" && parts.length === 2) {
    const root = sb.rootFor(id(1));
    if (root === undefined) throw new SandboxUsageError(`channel post ${parts[1]} has no automatic forward (yet)`, 404);
    return { rootId: root };
  }
  if (head === "chats" && parts[2] === "messages" && parts.length === 3) return sb.messages(id(1));
  if (head === "chats" && parts[2] === "messages" && parts.length === 4) {
    const m = sb.message(id(1), id(3));
    if (!m) throw new SandboxUsageError(`message ${parts[3]} does not exist in chat ${parts[1]}`, 404);
    return m;
  }
  if (head === "chats" && parts[2] === "pinned" && parts.length === 3) return sb.pinned(id(1));
  if (head === "chats" && parts[2] === "pinnedMessage" && parts.length === 3) return sb.pinnedMessage(id(1)) ?? null;
  if (head === "chats" && parts[2] === "members" && parts.length === 4) return { status: sb.memberStatus(id(1), id(3)) };
  if (head === "webhook" && parts.length === 1) return sb.webhookInfo();
  if (head === "callbacks" && parts.length === 1) return sb.callbackPresses();
  if (head === "callbacks" && parts.length === 2) {
    const press = sb.callbackPresses().find((c) => c.query.id === parts[1]);
    if (!press) throw new SandboxUsageError(`no button press with callback query id ${parts[1]}`, 404);
    return press;
  }
  throw new SandboxUsageError(`no such endpoint: GET /sandbox/${parts.join("/")}`, 404);
}

/**
 * The control API for the demo page and out-of-process tests: a thin JSON layer over the
 * Sandbox class under /sandbox/, plus GET /sandbox/events (Server-Sent Events, one event per
 * state change). Errors are `{"error": "…"}` with 400 or 404.
 */
export class ControlApi {
  /** Open event streams, each with what stops it (unsubscribes, forgets it). */
  private readonly streams = new Map<ServerResponse, () => void>();

  constructor(private readonly sandbox: () => Sandbox) {}

  async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (!url.pathname.startsWith("/sandbox/")) return false;
    // No CORS: only same-origin pages (the demo proxies these calls) and non-browser clients.
    const parts = url.pathname.slice("/sandbox/".length).split("/").filter(Boolean).map(decodeURIComponent);
    try {
      if (req.method === "GET" && parts.length === 1 && parts[0] === "events") {
        this.openStream(req, res);
        return true;
      }
      if (req.method === "GET") {
        sendJson(res, 200, read(this.sandbox(), parts) ?? null);
        return true;
      }
      if (req.method === "POST" && parts.length === 1) {
        const action = ACTIONS[parts[0]!];
        if (!action) throw new SandboxUsageError(`no such endpoint: POST /sandbox/${parts[0]}`, 404);
        const raw = (await readBody(req)).toString("utf8");
        let body: unknown = {};
        if (raw.trim() !== "") {
          try {
            body = JSON.parse(raw);
          } catch {
            throw new SandboxUsageError("the request body must be JSON");
          }
        }
        if (typeof body !== "object" || body === null || Array.isArray(body)) throw new SandboxUsageError("the request body must be a JSON object");
        const result = await action(this.sandbox(), body as Body);
        sendJson(res, 200, result ?? { ok: true });
        return true;
      }
      throw new SandboxUsageError(`no such endpoint: ${req.method} ${url.pathname}`, 404);
    } catch (error) {
      const status = error instanceof SandboxUsageError ? error.status : 400;
      sendJson(res, status, { error: error instanceof Error ? error.message : String(error) });
      return true;
    }
  }

  /** Ends every open event stream (the sandbox is closing). */
  close(): void {
    // Unsubscribed first: a request still being answered while the sandbox closes emits
    // events, and a write to an ended stream throws.
    for (const [res, stop] of [...this.streams]) {
      stop();
      res.end();
    }
  }

  private openStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    res.write("retry: 1000\n\n");
    const unsubscribe = this.sandbox().subscribe((event) => {
      res.write(`id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    });
    const stop = () => {
      unsubscribe();
      this.streams.delete(res);
    };
    this.streams.set(res, stop);
    req.on("close", stop);
    res.on("close", stop);
  }
}
