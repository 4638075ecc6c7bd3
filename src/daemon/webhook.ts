/**
 * Webhook mode's HTTP side: the daemon's own server (node:http), behind the operator's TLS
 * reverse proxy. Telegram POSTs one update per request; a request without the right
 * `X-Telegram-Bot-Api-Secret-Token` is refused (401) and nothing of it handled. An update is
 * answered 200 only once its effects are stored (the intake's write), so an update whose answer
 * a crash cut off is sent again by Telegram, and the intake gives it no second effect. Telegram
 * sends one chat's updates one at a time and different chats in parallel: every request goes
 * through the same intake as the poll loop, which handles them one after the other.
 * `GET /healthz` on the same listener answers with the daemon's health.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { TelegramUpdate } from "@gramio/types";
import type { WebhookConfig } from "../config/types.ts";
import type { Logger } from "../log.ts";
import { classify, describeForOperator } from "../telegram/errors.ts";
import type { TelegramPort } from "../telegram/port.ts";
import type { Take } from "./intake.ts";
import type { TelegramWatch } from "./outage.ts";

/** Telegram's header with the secret given to setWebhook. */
export const SECRET_HEADER = "x-telegram-bot-api-secret-token";
/** Far above any update Telegram sends; a bigger body is not from Telegram. */
const MAX_BODY_BYTES = 1024 * 1024;
/** Refused requests are logged once, then at most this often (with a count). */
const REFUSED_LOG_MS = 60_000;

/**
 * The secret Telegram sends with each request: the configured one, or else one derived from
 * the bot token (stable across restarts, so updates already queued keep working; knowing it
 * needs the token, which gives everything anyway).
 */
export function webhookSecret(webhook: Pick<WebhookConfig, "secretToken">, botToken: string): string {
  return webhook.secretToken ?? createHash("sha256").update(`clientes webhook secret\n${botToken}`).digest("base64url");
}

export interface WebhookServerOptions {
  host: string;
  port: number;
  secret: string;
  /** The daemon's intake: resolves once the update's effects are stored. */
  take: Take;
  /** GET /healthz: the status code and JSON body. */
  health: () => { ok: boolean; body: unknown };
  log: Logger;
  now?: () => number;
  /** Told of each update handled (the health file's last update). */
  onUpdate?: () => void;
}

/** A listening webhook server. */
export interface WebhookServer {
  /** Where it listens (the real port when 0 was asked for). */
  readonly address: { host: string; port: number };
  /** Rejects when handling failed for good (the store could not be written): the daemon stops. */
  readonly failed: Promise<never>;
  /** Refuses new requests (503), waits for those in flight to be stored and answered, then closes. */
  close(): Promise<void>;
}

/** Why the server could not listen, in the operator's words. */
export class ListenError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** Starts listening; rejects with a {@link ListenError} when the address cannot be used. */
export async function startWebhookServer(o: WebhookServerOptions): Promise<WebhookServer> {
  const now = o.now ?? Date.now;
  const secret = Buffer.from(o.secret);
  const inFlight = new Set<Promise<void>>();
  let closing = false;
  let fail!: (err: unknown) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined); // observed by the daemon; never an unhandled rejection here
  let refused: { loggedAt: number; count: number } | undefined;

  const refuse = (req: http.IncomingMessage): void => {
    const t = now();
    const from = String(req.headers["x-forwarded-for"] ?? req.socket.remoteAddress ?? "?");
    const why = req.headers[SECRET_HEADER] === undefined ? "without a secret token" : "with a wrong secret token";
    if (refused && t - refused.loggedAt < REFUSED_LOG_MS) {
      refused.count++;
      return;
    }
    const more = refused && refused.count > 0 ? ` (${refused.count} more refused since the last line)` : "";
    refused = { loggedAt: t, count: 0 };
    o.log.warn(
      `webhook: refused a request ${why} from ${from} (401), nothing handled${more}. If it was Telegram, the secret changed under it: restart the daemon (it sets the webhook with its secret); otherwise someone else found the address`,
      { method: "webhook" },
    );
  };

  const server = http.createServer((req, res) => {
    const reply = (status: number, body = "", headers: Record<string, string> = {}): void => {
      res.writeHead(status, { "content-type": body === "" ? "text/plain" : "application/json", "content-length": Buffer.byteLength(body), ...headers });
      res.end(body);
    };
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/healthz") {
      const h = o.health();
      reply(h.ok && !closing ? 200 : 503, JSON.stringify(h.body));
      return;
    }
    if (req.method !== "POST") {
      req.resume();
      reply(405, "", { allow: "POST" });
      return;
    }
    const given = Buffer.from(String(req.headers[SECRET_HEADER] ?? ""));
    if (given.length !== secret.length || !timingSafeEqual(given, secret)) {
      req.resume();
      refuse(req);
      reply(401);
      return;
    }
    if (closing) {
      // Telegram sends it again after Retry-After; the next start handles it.
      req.resume();
      reply(503, "", { "retry-after": "1" });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("error", () => undefined); // the client went away; Telegram sends it again
    req.on("end", () => {
      if (closing) {
        reply(503, "", { "retry-after": "1" }); // its body came in after the stop began
        return;
      }
      if (size > MAX_BODY_BYTES) {
        reply(413);
        return;
      }
      let update: TelegramUpdate;
      try {
        update = JSON.parse(Buffer.concat(chunks).toString("utf8")) as TelegramUpdate;
        if (typeof update !== "object" || update === null || !Number.isSafeInteger(update.update_id)) throw new Error("no update_id");
      } catch {
        o.log.warn(`webhook: a request with the right secret token but no update in its body (400): ignored`, { method: "webhook" });
        reply(400);
        return;
      }
      const run = o
        .take([update])
        .then(
          () => {
            o.onUpdate?.();
            reply(200);
          },
          (err: unknown) => {
            reply(500);
            fail(err);
          },
        )
        .finally(() => inFlight.delete(run));
      inFlight.add(run);
    });
  });
  server.keepAliveTimeout = 65_000; // Telegram keeps its connections open; let it reuse them

  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      const where = `${o.host.includes(":") ? `[${o.host}]` : o.host}:${o.port}`;
      reject(
        err.code === "EADDRINUSE"
          ? new ListenError(`cannot listen on ${where}: another program uses that port`, `stop it, or set webhook.listen to a free port (and point the reverse proxy there)`)
          : err.code === "EACCES"
            ? new ListenError(`cannot listen on ${where}: not allowed (ports below 1024 need root)`, "set webhook.listen to a port above 1024 and let the reverse proxy listen on 443")
            : err.code === "EADDRNOTAVAIL" || err.code === "ENOTFOUND"
              ? new ListenError(`cannot listen on ${where}: this machine has no such address`, 'set webhook.listen to an address of this machine, like "127.0.0.1:8443"')
              : new ListenError(`cannot listen on ${where}: ${err.message}`, "check webhook.listen"),
      );
    });
    server.listen(o.port, o.host, () => resolve());
  });
  const a = server.address() as AddressInfo;

  return {
    address: { host: a.address, port: a.port },
    failed,
    async close() {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      server.closeAllConnections();
      await closed;
    },
  };
}

/** What the daemon asks Telegram for with setWebhook. */
export interface WebhookSetting {
  url: string;
  secret: string;
  allowedUpdates: readonly string[];
  maxConnections: number;
}

/** setWebhook's parameters; pending updates are kept (they are customers' messages). */
export function setWebhookParams(s: WebhookSetting): Record<string, unknown> {
  return { url: s.url, secret_token: s.secret, allowed_updates: [...s.allowedUpdates], max_connections: s.maxConnections, drop_pending_updates: false };
}

/** getWebhookInfo's fields the daemon and `clientes check` read. */
export interface WebhookInfo {
  url: string;
  pending_update_count: number;
  last_error_date?: number;
  last_error_message?: string;
}

/** "3 pending, last error 2026-11-26T10:00:00.000Z: Connection refused" */
export function describeWebhookInfo(info: WebhookInfo): string {
  const pending = `${info.pending_update_count} ${info.pending_update_count === 1 ? "update" : "updates"} pending`;
  const error = info.last_error_date ? `; Telegram's last delivery error (${new Date(info.last_error_date * 1000).toISOString()}): ${info.last_error_message ?? "unknown"}` : "";
  return `${pending}${error}`;
}

export interface FollowOptions {
  port: TelegramPort;
  setting: WebhookSetting;
  watch: TelegramWatch;
  log: Logger;
  /** How often to ask getWebhookInfo (default 60 s). */
  intervalMs?: number;
  now?: () => number;
}

/**
 * While the daemon runs by webhook, asks Telegram every minute how delivery goes: Telegram
 * failing to reach the address (the proxy, TLS, DNS) is only visible there, so it is logged
 * with Telegram's words while updates wait; a webhook another program removed or changed
 * (`clientes start` without --webhook elsewhere, a script) is logged as an error and set
 * again. Returns a function that stops it.
 */
export function followWebhook(o: FollowOptions): () => void {
  const now = o.now ?? Date.now;
  const since = Math.floor(now() / 1000);
  let warnedDate = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let failures = 0;
  const tick = async (): Promise<void> => {
    try {
      const info = (await o.port.call("getWebhookInfo", {} as never)) as WebhookInfo;
      o.watch.answered();
      failures = 0;
      if (info.url !== o.setting.url) {
        o.log.error(
          `the webhook was ${info.url === "" ? "removed" : `changed to ${info.url}`} by another program using this bot token (a \`clientes start\` without --webhook deletes it, as would a script or a bot framework): updates stop reaching this daemon. Setting it again; stop the other program`,
          { method: "getWebhookInfo", cause: "conflict" },
        );
        await o.port.call("setWebhook", setWebhookParams(o.setting) as never);
        return;
      }
      const date = info.last_error_date ?? 0;
      if (info.pending_update_count > 0 && date >= since && date !== warnedDate) {
        warnedDate = date;
        o.log.warn(
          `Telegram cannot deliver updates to ${o.setting.url}: ${describeWebhookInfo(info)}. Check the reverse proxy (it must answer there with a valid certificate and pass requests to webhook.listen)`,
          { method: "getWebhookInfo" },
        );
      }
    } catch (err) {
      if (stopped) return;
      const f = classify(err, ++failures);
      if (f.kind === "retry") o.watch.failed("getWebhookInfo", err, o.intervalMs ?? 60_000);
      else o.log.warn(`getWebhookInfo: ${describeForOperator(err)}`, { method: "getWebhookInfo" });
    }
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => void tick().finally(schedule), o.intervalMs ?? 60_000);
    timer.unref();
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
