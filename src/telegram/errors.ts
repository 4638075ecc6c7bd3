/**
 * Telegram failures by cause, and what the daemon should do about each one.
 *
 * Two error classes come out of a `TelegramPort`: `TelegramApiError` (Telegram answered
 * `ok: false`) and `NetworkError` (no usable answer at all). `classify` turns either into
 * a decision: retry later, treat as done, or give up and report, with the core's cause
 * (src/core/failures.ts) for what Telegram said.
 */
import { TelegramError } from "gramio";
import type { FailureCause } from "../core/failures.ts";
import { OperatorError } from "../errors.ts";

/** What to do after a failed call. */
export type Failure =
  /** 429 (exactly retry_after), 5xx, network: try again after `afterMs`, until it goes through. */
  | { kind: "retry"; afterMs: number; reason: string }
  /** "message is not modified": the message already looks as wanted; treat as success. */
  | { kind: "done" }
  /** Will never work: report it (thread, card, log). `hint` says how an operator fixes it. */
  | { kind: "fatal"; cause: FailureCause; description: string; hint: string };

type Verdict =
  | { kind: "retry"; hint: string }
  | { kind: "done"; hint: string }
  | { kind: "fatal"; cause: FailureCause; hint: string };

const TOKEN_HINT = "check bot.token in the config (or CLIENTES_BOT_TOKEN) and bot.api_root, then run `clientes check`";

/** How Telegram's answer (`error_code`, `description`) should be handled, and the operator hint. */
function verdictFor(code: number, description: string, migrateToChatId?: number): Verdict {
  const d = description.toLowerCase();
  const has = (...needles: string[]) => needles.some((n) => d.includes(n.toLowerCase()));

  if (code === 429) {
    return { kind: "retry", hint: "Telegram's flood control: waiting the retry_after it asked for (the rate limiter should normally prevent this)" };
  }
  if (code >= 500) {
    return { kind: "retry", hint: "Telegram (or a proxy at api_root) failed for a moment; retrying with backoff" };
  }
  if (code === 401 || (code === 404 && has("not found") && !has("message", "chat"))) {
    return { kind: "fatal", cause: "unauthorized", hint: `Telegram does not accept this bot token: ${TOKEN_HINT}` };
  }
  if (code === 409) {
    return has("webhook")
      ? { kind: "fatal", cause: "conflict", hint: "a webhook is set for this bot, so polling is refused: remove it (deleteWebhook) or stop the program that set it" }
      : { kind: "fatal", cause: "conflict", hint: "another instance is running with this bot token (another `clientes start`, or another bot program): stop it, only one may poll" };
  }
  if (has("message is not modified")) {
    return { kind: "done", hint: "the message already has this content; counted as delivered" };
  }
  if (has("bot was blocked by the user", "user is deactivated", "bot can't initiate conversation")) {
    return { kind: "fatal", cause: "blocked", hint: "the customer blocked the bot or deleted their account: nothing reaches them until they start the bot again" };
  }
  if (has("message is too long", "message caption is too long", "MESSAGE_TOO_LONG")) {
    return { kind: "fatal", cause: "too_long", hint: "Telegram allows 4096 characters of text and 1024 of caption: shorten or split the message" };
  }
  if (has("message to be replied not found", "message thread not found")) {
    return { kind: "fatal", cause: "reply_missing", hint: "the message being replied to was deleted (a card or thread removed by staff?): recreate it, or send without the reply" };
  }
  if (/message to \w+ not found/.test(d) || has("MESSAGE_ID_INVALID", "message not found")) {
    return { kind: "fatal", cause: "message_missing", hint: "the message no longer exists (deleted?): send a new one instead of editing or copying it" };
  }
  if (has("message can't be edited", "there is no text in the message to edit", "MESSAGE_EDIT_TIME_EXPIRED")) {
    return { kind: "fatal", cause: "cant_edit", hint: "Telegram does not let the bot edit this message (not the bot's, older than 48 h, or no text): send a new one" };
  }
  if (has("message can't be copied", "message can't be forwarded")) {
    return { kind: "fatal", cause: "cant_copy", hint: "this kind of message (service, paid media, giveaway, invoice) cannot be copied: relay a notice instead" };
  }
  if (has("group chat was upgraded to a supergroup")) {
    const to = migrateToChatId === undefined ? "its new id" : String(migrateToChatId);
    return { kind: "fatal", cause: "chat_missing", hint: `the group became a supergroup: set group to ${to} in the config` };
  }
  if (has("chat not found", "PEER_ID_INVALID", "CHANNEL_INVALID")) {
    return { kind: "fatal", cause: "chat_missing", hint: "the chat does not exist or the bot is not in it: check channel and group in the config; `clientes check` verifies them" };
  }
  if (code === 403 || has("not enough rights", "need administrator rights", "CHAT_ADMIN_REQUIRED", "have no rights", "CHAT_WRITE_FORBIDDEN")) {
    return { kind: "fatal", cause: "rights", hint: "the bot lacks rights there: make it an administrator of the channel and of the group with the rights `clientes check` lists" };
  }
  if (has("button", "keyboard", "reply markup")) {
    return { kind: "fatal", cause: "keyboard_refused", hint: "Telegram refused the buttons: check the button_ texts: overrides in the config (1-64 characters each)" };
  }
  if (has("can't parse entities")) {
    return { kind: "fatal", cause: "markup_refused", hint: "the text has malformed HTML: escape <, > and & (customer names, texts and canned replies with parse_mode HTML)" };
  }
  if (has("wrong file identifier", "can't use file of type")) {
    return { kind: "fatal", cause: "bad_request", hint: "the file id is unknown to this bot or of another type than the method expects" };
  }
  if (has("message text is empty")) {
    return { kind: "fatal", cause: "bad_request", hint: "the text is empty once trimmed: nothing to send" };
  }
  return { kind: "fatal", cause: "bad_request", hint: "Telegram rejected the request itself, which is likely a bug in clientes: report this line" };
}

/** Telegram answered `ok: false`. */
export class TelegramApiError extends OperatorError {
  override name = "TelegramApiError";
  /** Bot API method, e.g. "sendMessage". */
  readonly method: string;
  /** Telegram's `error_code` (400, 403, 429, …). */
  readonly code: number;
  /** Telegram's `description`, e.g. "Bad Request: chat not found". */
  readonly description: string;
  /** Seconds Telegram asked us to wait (`parameters.retry_after`, 429 only). */
  readonly retryAfter?: number;
  /** `parameters.migrate_to_chat_id`: the group became this supergroup. */
  readonly migrateToChatId?: number;
  /** How an operator fixes it (or why nothing needs fixing). */
  declare readonly hint: string;

  constructor(init: { method: string; code: number; description: string; retryAfter?: number; migrateToChatId?: number }) {
    super(`Telegram refused ${init.method}: ${init.description}`, { hint: verdictFor(init.code, init.description, init.migrateToChatId).hint });
    this.method = init.method;
    this.code = init.code;
    this.description = init.description;
    if (init.retryAfter !== undefined) this.retryAfter = init.retryAfter;
    if (init.migrateToChatId !== undefined) this.migrateToChatId = init.migrateToChatId;
  }
}

/** Why there was no usable answer. */
export type NetworkProblem =
  /** DNS, refused or reset connection, TLS… */
  | "unreachable"
  /** Something answered, but not with the Bot API's JSON (e.g. a proxy's HTML 502 page). */
  | "bad_response"
  /** No answer before the call's deadline (a half-open connection): abandoned; it may still have been carried out. */
  | "timeout";

/** Could not reach api_root, or its answer was not Telegram's JSON. Always worth retrying. */
export class NetworkError extends OperatorError {
  override name = "NetworkError";
  readonly method: string;
  readonly problem: NetworkProblem;
  /** The origin of api_root that failed (never the token). */
  readonly origin: string;
  /** The underlying error, with the token scrubbed out. */
  override readonly cause: unknown;
  declare readonly hint: string;

  constructor(init: { method: string; problem: NetworkProblem; origin: string; detail: string; cause?: unknown }) {
    super(
      init.problem === "unreachable"
        ? `Could not reach Telegram at ${init.origin} for ${init.method}: ${init.detail}`
        : init.problem === "timeout"
          ? `Telegram at ${init.origin} did not answer ${init.method}: ${init.detail}`
          : `Telegram at ${init.origin} gave an unreadable answer to ${init.method}: ${init.detail}`,
      {
        hint:
          init.problem === "unreachable"
            ? "check this machine's network, DNS or proxy, and bot.api_root (or CLIENTES_API_ROOT); retrying with backoff"
            : init.problem === "timeout"
              ? "the connection went silent (a NAT or proxy dropping it?); retrying, which repeats the message at most once if Telegram had taken it; request_timeout in the config sets the deadline"
              : "api_root answered with something that is not the Bot API (a proxy or captive-portal page?): check bot.api_root; retrying with backoff",
      },
    );
    this.method = init.method;
    this.problem = init.problem;
    this.origin = init.origin;
    this.cause = init.cause;
  }
}

const BASE_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;
const JITTER = 0.1;

/**
 * Exponential backoff after `attempt` tries: 0.5 s, 1 s, 2 s, … capped at 30 s, each ±10%
 * so retries of many conversations do not hit Telegram in lockstep.
 */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const tries = Math.max(1, Math.floor(attempt));
  const base = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.min(tries - 1, 30));
  const jittered = base * (1 - JITTER + 2 * JITTER * random());
  return Math.round(Math.min(MAX_BACKOFF_MS, jittered));
}

/** Whether `err` is an abort (our signal fired), not a failure of Telegram. */
export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === "AbortError" || err.name === "TimeoutError");
}

/** A raw GramIO error (not from our client) seen as ours, so classify accepts both. */
function asApiError(err: unknown): TelegramApiError | undefined {
  if (err instanceof TelegramApiError) return err;
  if (err instanceof TelegramError && typeof err.code === "number") {
    const payload = (err.payload ?? {}) as { retry_after?: number; migrate_to_chat_id?: number };
    return new TelegramApiError({
      method: String(err.method),
      code: err.code,
      description: err.message,
      ...(payload.retry_after !== undefined ? { retryAfter: payload.retry_after } : {}),
      ...(payload.migrate_to_chat_id !== undefined ? { migrateToChatId: payload.migrate_to_chat_id } : {}),
    });
  }
  return undefined;
}

/** A failure of fetch itself or of reading its body, thrown by someone else's code path. */
function isRawTransportError(err: unknown): err is Error {
  if (err instanceof SyntaxError) return true;
  return err instanceof TypeError && (err.message === "fetch failed" || err.message === "terminated" || err.cause !== undefined);
}

/**
 * What to do after a failed call. `attempt` = tries so far (1 after the first failure);
 * it drives the backoff for 5xx and network failures. 429 waits exactly `retry_after`.
 * An abort is a retry too: the message was not delivered and must not be reported as lost.
 */
export function classify(err: unknown, attempt: number, random: () => number = Math.random): Failure {
  const api = asApiError(err);
  if (api) {
    const verdict = verdictFor(api.code, api.description, api.migrateToChatId);
    if (verdict.kind === "done") return { kind: "done" };
    if (verdict.kind === "fatal") return { kind: "fatal", cause: verdict.cause, description: api.description, hint: verdict.hint };
    const retryAfter = api.retryAfter ?? parseRetryAfter(api.description);
    const afterMs = api.code === 429 && retryAfter !== undefined ? retryAfter * 1000 : backoffMs(attempt, random);
    return { kind: "retry", afterMs, reason: `${api.method}: ${api.description}` };
  }
  if (err instanceof NetworkError || isAbortError(err) || isRawTransportError(err)) {
    return { kind: "retry", afterMs: backoffMs(attempt, random), reason: (err as Error).message };
  }
  const description = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { kind: "fatal", cause: "bad_request", description, hint: "an unexpected error, likely a bug in clientes: report this line" };
}

function parseRetryAfter(description: string): number | undefined {
  const match = /retry after (\d+)/i.exec(description);
  return match ? Number(match[1]) : undefined;
}

/**
 * One line for logs, the thread and the card, e.g.
 * `Telegram refused sendMessage: Bad Request: chat not found (hint: …)`.
 */
export function describeForOperator(err: unknown): string {
  const api = asApiError(err);
  let line: string;
  if (api) line = `${api.message} (hint: ${api.hint})`;
  else if (err instanceof NetworkError) line = `${err.message} (hint: ${err.hint})`;
  else if (isAbortError(err)) line = `Request to Telegram aborted (shutting down?): ${(err as Error).message}`;
  else if (err instanceof Error) line = `Unexpected error: ${err.name}: ${err.message}`;
  else line = `Unexpected error: ${String(err)}`;
  return line.replace(/\s+/g, " ").trim();
}
