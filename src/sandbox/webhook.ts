/**
 * Webhook delivery as the Bot API server's WebhookActor does it: one POST per update (JSON body
 * = the update, X-Telegram-Bot-Api-Secret-Token when a secret is set); one chat's updates one at
 * a time and in order, different chats in parallel up to max_connections (only one at a time
 * until a delivery succeeded in the last 10 s); a non-2xx answer, a connection error or no answer
 * in time is retried after 0, 2, 4, 8… s (at most 60–120 s), or after the answer's Retry-After
 * header; an update is dropped once the next try would come after its expiry.
 * The sandbox delivers only to this machine (plain http to loopback is allowed, unlike Telegram).
 */
import http from "node:http";
import https from "node:https";
import type { Clock } from "./clock.ts";
import type { ChangeFeed } from "./events.ts";
import type { Update, UpdateQueue } from "./updates.ts";
import type { HttpUrl } from "./url.ts";

/** Timing of deliveries (SandboxOptions.webhookTimeoutMs / webhookRetryUnitMs). */
export interface WebhookTiming {
  /** No complete answer within this long: "Read timeout expired" (Telegram: 60 s). */
  timeoutMs: number;
  /** One second of Telegram's retry delays and of Retry-After (1000; tests shrink it). */
  retryUnitMs: number;
}

/** A webhook as setWebhook left it. */
export interface WebhookConfig {
  url: string;
  parsed: HttpUrl;
  secretToken: string;
  maxConnections: number;
  hasCustomCertificate: boolean;
}

/** getWebhookInfo's result. */
export interface WebhookInfo {
  url: string;
  has_custom_certificate: boolean;
  pending_update_count: number;
  last_error_date?: number;
  last_error_message?: string;
  max_connections?: number;
  ip_address?: string;
  allowed_updates?: string[];
}

interface Retry {
  fails: number;
  /** Telegram's doubling delay, seconds. */
  delay: number;
  /** performance.now() ms before which the update is not sent again. */
  wakeAt: number;
}

type Outcome = { ok: true; status: number } | { ok: false; error: string | undefined; retryAfter: number };

/** WebhookActor: with no success for this long, it opens one connection at a time. */
const ACTIVE_WINDOW_MS = 10_000;
const MAX_RETRY_AFTER = 3600;
const MAX_RESEND_TIMEOUT = 60;

/** Update types in the Bot API server's order (how getWebhookInfo lists allowed_updates). */
const TYPE_ORDER = [
  "message", "edited_message", "channel_post", "edited_channel_post", "inline_query", "chosen_inline_result", "callback_query",
  "shipping_query", "pre_checkout_query", "poll", "poll_answer", "my_chat_member", "chat_member", "chat_join_request",
  "chat_boost", "removed_chat_boost", "message_reaction", "message_reaction_count", "business_connection", "business_message",
  "edited_business_message", "deleted_business_messages", "purchased_paid_media",
];

/**
 * The queue an update waits in (Client.cpp's webhook_queue_id): a chat's messages share one,
 * a user's callback and inline queries another, a member's chat_member updates another.
 */
export function queueKey(update: Update): string {
  const [type, payload] = Object.entries(update).find(([k]) => k !== "update_id") ?? ["", {}];
  const p = payload as Record<string, any>;
  switch (type) {
    case "message":
    case "edited_message":
    case "channel_post":
    case "edited_channel_post":
      return `chat:${p.chat?.id}`;
    case "inline_query":
      return `inline:${p.from?.id}`;
    case "chosen_inline_result":
      return `chosen:${p.from?.id}`;
    case "callback_query":
      return `callback:${p.from?.id}`;
    case "my_chat_member":
      return `my_member:${p.chat?.id}`;
    case "chat_member":
      return `member:${p.new_chat_member?.user?.id}`;
    default:
      return `update:${update.update_id}`;
  }
}

/** How tdlib words a failed connection in last_error_message. */
function connectionError(error: NodeJS.ErrnoException): string | undefined {
  // The peer closed the connection without answering: retried, but Telegram records no error.
  if (error.message === "socket hang up") return undefined;
  switch (error.code) {
    case "ECONNREFUSED":
      return "Connection refused";
    case "ECONNRESET":
      return "Connection reset by peer";
    case "ETIMEDOUT":
      return "Connection timed out";
    case "EHOSTUNREACH":
      return "No route to host";
    default:
      return error.message;
  }
}

function retryAfterHeader(value: string | string[] | undefined): number {
  const v = Array.isArray(value) ? value[0] : value;
  return v !== undefined && /^\d+$/.test(v.trim()) ? Number(v.trim()) : 0;
}

/** The webhook of the sandbox's bot and its deliveries. */
export class Webhook {
  private config: WebhookConfig | undefined;
  /** Bumped by every set/delete: answers to an older webhook's requests are ignored. */
  private generation = 0;
  private agent: http.Agent | undefined;
  private readonly inFlight = new Map<string, { updateId: number; abort: () => void }>();
  private readonly retries = new Map<number, Retry>();
  private lastSuccessAt = -Infinity;
  private lastError: { date: number; message: string } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pumpQueued = false;
  private closed = false;
  private readonly unsubscribe: () => void;
  /** setWebhook with a URL is allowed once a second (Client.cpp next_allowed_set_webhook_time_), with rate limits on. */
  floodControl = false;
  nextSetAllowedAt = -Infinity;

  constructor(
    private readonly updates: UpdateQueue,
    private readonly clock: Clock,
    private readonly feed: ChangeFeed,
    private readonly timing: WebhookTiming,
  ) {
    this.unsubscribe = feed.subscribe((event) => {
      if (event.type === "update") this.schedulePump();
    });
  }

  /** Whether a webhook is set (getUpdates then fails with 409). */
  get active(): boolean {
    return this.config !== undefined;
  }

  get current(): Readonly<WebhookConfig> | undefined {
    return this.config;
  }

  /** Starts delivering to a new webhook (replacing any other). */
  set(config: WebhookConfig): void {
    this.reset();
    this.config = config;
    this.agent = new (config.parsed.protocol === "https" ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: config.maxConnections });
    this.feed.emit("webhook", { url: config.url });
    this.schedulePump();
  }

  /** Stops delivering; unconfirmed updates stay for getUpdates. */
  delete(): void {
    const had = this.config !== undefined;
    this.reset();
    if (had) this.feed.emit("webhook", { url: "" });
  }

  info(): WebhookInfo {
    const c = this.config;
    const info: WebhookInfo = { url: c?.url ?? "", has_custom_certificate: c?.hasCustomCertificate ?? false, pending_update_count: this.updates.pendingUpdates().length };
    if (this.lastError) {
      info.last_error_date = this.lastError.date;
      info.last_error_message = this.lastError.message;
    }
    if (c) {
      info.max_connections = c.maxConnections;
      info.ip_address = c.parsed.host === "[::1]" ? "::1" : "127.0.0.1";
    }
    const allowed = this.updates.allowedUpdates;
    if (allowed) info.allowed_updates = TYPE_ORDER.filter((t) => allowed.includes(t));
    return info;
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    this.reset();
  }

  private reset(): void {
    this.generation++;
    this.config = undefined;
    for (const f of this.inFlight.values()) f.abort();
    this.inFlight.clear();
    this.retries.clear();
    this.agent?.destroy();
    this.agent = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.lastError = undefined;
    this.lastSuccessAt = -Infinity;
  }

  private schedulePump(): void {
    if (this.pumpQueued || !this.config || this.closed) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  /** Sends every update that may go now; sets a timer for the next retry that is due later. */
  private pump(): void {
    const config = this.config;
    if (!config || this.closed) return;
    this.updates.dropExpired();
    const pending = this.updates.pendingUpdates();
    const queued = new Set(pending.map((u) => u.update_id));
    for (const id of this.retries.keys()) if (!queued.has(id)) this.retries.delete(id);
    // The head of each queue is the only update of that queue that may be sent.
    const heads = new Map<string, { update: Update; position: number }>();
    pending.forEach((update, position) => {
      const key = queueKey(update);
      if (!heads.has(key)) heads.set(key, { update, position });
    });
    const now = performance.now();
    // Earliest due first; among those, the oldest in the queue (ids may restart lower).
    const ready = [...heads]
      .filter(([key]) => !this.inFlight.has(key))
      .map(([key, { update, position }]) => ({ key, update, position, wakeAt: this.retries.get(update.update_id)?.wakeAt ?? 0 }))
      .sort((a, b) => a.wakeAt - b.wakeAt || a.position - b.position);
    const connections = now - this.lastSuccessAt <= ACTIVE_WINDOW_MS ? config.maxConnections : 1;
    let nextWake = Infinity;
    for (const r of ready) {
      if (r.wakeAt > now) {
        nextWake = Math.min(nextWake, r.wakeAt);
        continue;
      }
      if (this.inFlight.size >= connections) break;
      this.send(config, r.key, r.update);
    }
    clearTimeout(this.timer);
    this.timer = nextWake === Infinity ? undefined : setTimeout(() => this.pump(), Math.max(0, nextWake - now));
  }

  private send(config: WebhookConfig, key: string, update: Update): void {
    const generation = this.generation;
    const body = JSON.stringify(update);
    const u = config.parsed;
    const headers: Record<string, string | number> = { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
    if (config.secretToken !== "") headers["x-telegram-bot-api-secret-token"] = config.secretToken;
    const request = (u.protocol === "https" ? https : http).request({
      host: u.host.replace(/^\[(.*)\]$/, "$1"),
      port: u.port,
      path: u.query,
      method: "POST",
      headers,
      agent: this.agent,
      ...(u.userinfo !== "" ? { auth: u.userinfo } : {}),
      // A self-signed loopback server stands for the operator's certificate.
      ...(u.protocol === "https" ? { rejectUnauthorized: false } : {}),
    });
    let settled = false;
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      if (generation !== this.generation) return;
      this.inFlight.delete(key);
      this.finished(update.update_id, outcome);
      this.schedulePump();
    };
    const timeout = setTimeout(() => {
      finish({ ok: false, error: "Read timeout expired", retryAfter: 0 });
      request.destroy();
    }, this.timing.timeoutMs);
    request.on("response", (res) => {
      res.resume();
      res.on("end", () => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status <= 299) finish({ ok: true, status });
        else finish({ ok: false, error: `Wrong response from the webhook: ${status} ${res.statusMessage ?? ""}`.trimEnd(), retryAfter: retryAfterHeader(res.headers["retry-after"]) });
      });
      res.on("error", (error) => finish({ ok: false, error: connectionError(error), retryAfter: 0 }));
    });
    request.on("error", (error) => finish({ ok: false, error: connectionError(error), retryAfter: 0 }));
    this.inFlight.set(key, { updateId: update.update_id, abort: () => request.destroy() });
    this.feed.emit("webhook", { updateId: update.update_id, sending: true });
    request.end(body);
  }

  private finished(updateId: number, outcome: Outcome): void {
    if (outcome.ok) {
      this.lastSuccessAt = performance.now();
      this.retries.delete(updateId);
      this.updates.forget(updateId);
      this.feed.emit("webhook", { updateId, delivered: true, status: outcome.status });
      return;
    }
    if (outcome.error !== undefined) this.lastError = { date: this.clock.unix(), message: outcome.error };
    // WebhookActor::on_update_error: the first retry is at once, then the delay doubles.
    const r = this.retries.get(updateId) ?? { fails: 0, delay: 1, wakeAt: 0 };
    const retryAfter = Math.min(MAX_RETRY_AFTER, Math.max(0, outcome.retryAfter));
    let delay = r.delay;
    let effective = retryAfter;
    if (retryAfter === 0 && r.fails > 0) {
      const cap = MAX_RESEND_TIMEOUT + Math.floor(Math.random() * (MAX_RESEND_TIMEOUT + 1));
      delay = Math.min(cap, delay * 2);
      effective = delay;
    }
    const expiresAt = this.updates.expiresAt(updateId);
    if (expiresAt !== undefined && this.clock.unix() + effective > expiresAt) {
      this.retries.delete(updateId);
      this.updates.forget(updateId);
      this.feed.emit("webhook", { updateId, dropped: true, error: outcome.error });
      return;
    }
    this.retries.set(updateId, { fails: r.fails + 1, delay, wakeAt: performance.now() + effective * this.timing.retryUnitMs });
    this.feed.emit("webhook", { updateId, failed: true, error: outcome.error });
  }
}
