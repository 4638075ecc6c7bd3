import { test } from "node:test";
import assert from "node:assert/strict";
import { TelegramError } from "gramio";
import {
  NetworkError,
  TelegramApiError,
  backoffMs,
  classify,
  describeForOperator,
} from "../../src/telegram/errors.ts";
import type { FailureCause } from "../../src/core/failures.ts";

const refused = (code: number, description: string, extra: { retryAfter?: number; migrateToChatId?: number } = {}) =>
  new TelegramApiError({ method: "sendMessage", code, description, ...extra });

const FATAL: Array<[number, string, FailureCause]> = [
  [403, "Forbidden: bot was blocked by the user", "blocked"],
  [403, "Forbidden: user is deactivated", "blocked"],
  [403, "Forbidden: bot can't initiate conversation with a user", "blocked"],
  [400, "Bad Request: message is too long", "too_long"],
  [400, "Bad Request: message caption is too long", "too_long"],
  [400, "Bad Request: message to be replied not found", "reply_missing"],
  [400, "Bad Request: message to edit not found", "message_missing"],
  [400, "Bad Request: message to copy not found", "message_missing"],
  [400, "Bad Request: MESSAGE_ID_INVALID", "message_missing"],
  [400, "Bad Request: message can't be edited", "cant_edit"],
  [400, "Bad Request: there is no text in the message to edit", "cant_edit"],
  [400, "Bad Request: message can't be copied", "cant_copy"],
  [400, "Bad Request: chat not found", "chat_missing"],
  [400, "Bad Request: group chat was upgraded to a supergroup chat", "chat_missing"],
  [400, "Bad Request: not enough rights to send text messages to the chat", "rights"],
  [400, "Bad Request: need administrator rights in the channel chat", "rights"],
  [403, "Forbidden: bot was kicked from the supergroup chat", "rights"],
  [400, "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 3", "markup_refused"],
  [400, "Bad Request: BUTTON_DATA_INVALID", "keyboard_refused"],
  [400, "Bad Request: can't parse inline keyboard button: text buttons are unallowed in the inline keyboard", "keyboard_refused"],
  [400, "Bad Request: reply markup is too long", "keyboard_refused"],
  [400, "Bad Request: wrong file identifier/HTTP URL specified", "bad_request"],
  [400, "Bad Request: message text is empty", "bad_request"],
  [400, "Bad Request: something new", "bad_request"],
  [401, "Unauthorized", "unauthorized"],
  [404, "Not Found", "unauthorized"],
  [409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running", "conflict"],
  [409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", "conflict"],
];

test("every permanent refusal is fatal with its cause, Telegram's description and a hint", () => {
  for (const [code, description, cause] of FATAL) {
    const failure = classify(refused(code, description), 1);
    assert.equal(failure.kind, "fatal", description);
    if (failure.kind !== "fatal") continue;
    assert.equal(failure.cause, cause, description);
    assert.equal(failure.description, description);
    assert.ok(failure.hint.length > 10, `hint for ${description}`);
  }
});

test("\"message is not modified\" counts as delivered", () => {
  const failure = classify(
    refused(400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same"),
    1,
  );
  assert.deepEqual(failure, { kind: "done" });
});

test("a 429 waits exactly retry_after, whatever the attempt", () => {
  for (const attempt of [1, 4, 20]) {
    assert.deepEqual(classify(refused(429, "Too Many Requests: retry after 7", { retryAfter: 7 }), attempt), {
      kind: "retry",
      afterMs: 7000,
      reason: "sendMessage: Too Many Requests: retry after 7",
    });
  }
  // Without parameters, the number in the description is still obeyed.
  const fromText = classify(refused(429, "Too Many Requests: retry after 3"), 1);
  assert.equal(fromText.kind === "retry" && fromText.afterMs, 3000);
});

test("5xx and network failures back off 0.5 s, 1 s, 2 s … up to 30 s", () => {
  const noJitter = () => 0.5;
  const waits = [1, 2, 3, 4, 5, 6, 7, 8, 20].map((attempt) => {
    const failure = classify(refused(502, "Bad Gateway"), attempt, noJitter);
    assert.equal(failure.kind, "retry");
    return failure.kind === "retry" ? failure.afterMs : -1;
  });
  assert.deepEqual(waits, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);

  const network = new NetworkError({ method: "getUpdates", problem: "unreachable", origin: "https://api.telegram.org", detail: "ECONNRESET" });
  assert.deepEqual(classify(network, 2, noJitter), { kind: "retry", afterMs: 1000, reason: network.message });
});

test("backoff jitter stays small and never exceeds 30 s", () => {
  assert.equal(backoffMs(1, () => 0), 450);
  assert.equal(backoffMs(1, () => 0.999999), 550);
  assert.equal(backoffMs(30, () => 0), 27000);
  assert.equal(backoffMs(30, () => 0.999999), 30000);
  assert.equal(backoffMs(0, () => 0.5), 500, "attempt 0 is treated as the first");
});

test("raw GramIO and fetch errors are classified too", () => {
  const gramio = new TelegramError({ ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" }, "sendMessage", {} as never);
  const fatal = classify(gramio, 1);
  assert.equal(fatal.kind === "fatal" && fatal.cause, "blocked");

  const fetchFailed = new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED") });
  assert.equal(classify(fetchFailed, 1).kind, "retry");
  assert.equal(classify(new SyntaxError("Unexpected token '<'"), 1).kind, "retry");

  // An aborted call was not delivered: retry it later rather than report it lost.
  assert.equal(classify(new DOMException("This operation was aborted", "AbortError"), 1).kind, "retry");
});

test("an unexpected error is reported, not retried forever", () => {
  const failure = classify(new RangeError("boom"), 1);
  assert.equal(failure.kind, "fatal");
  assert.equal(failure.kind === "fatal" && failure.description, "RangeError: boom");
});

test("describeForOperator gives one line with the method, Telegram's words and a hint", () => {
  assert.equal(
    describeForOperator(refused(400, "Bad Request: chat not found")),
    "Telegram refused sendMessage: Bad Request: chat not found (hint: the chat does not exist or the bot is not in it: check channel and group in the config; `clientes check` verifies them)",
  );
  const network = new NetworkError({ method: "getUpdates", problem: "bad_response", origin: "http://proxy", detail: "not JSON (line 1\nline 2)" });
  const line = describeForOperator(network);
  assert.ok(!line.includes("\n"));
  assert.match(line, /^Telegram at http:\/\/proxy gave an unreadable answer to getUpdates: .* \(hint: .*api_root/);
  assert.equal(describeForOperator("weird"), "Unexpected error: weird");
});

test("hints say what to do: another instance, a webhook, the token, the new group id", () => {
  const conflict = refused(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running");
  assert.match(conflict.hint, /another instance is running with this bot token/);
  const webhook = refused(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
  assert.match(webhook.hint, /deleteWebhook/);
  assert.match(refused(401, "Unauthorized").hint, /bot\.token.*CLIENTES_BOT_TOKEN.*clientes check/);
  const migrated = refused(400, "Bad Request: group chat was upgraded to a supergroup chat", { migrateToChatId: -1001234 });
  assert.match(migrated.hint, /set group to -1001234/);
});
