import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { scrub, scrubError, secretsOf } from "../src/redact.ts";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const secrets = secretsOf(TOKEN);

test("the token is masked whole, URL-encoded, as its secret half, or cut short", () => {
  assert.equal(scrub(`POST /bot${TOKEN}/getMe`, secrets), "POST /bot***/getMe");
  assert.equal(scrub(`/bot${encodeURIComponent(TOKEN)}/getMe`, secrets), "/bot***/getMe");
  assert.equal(scrub("secret AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw here", secrets), "secret *** here");
  assert.equal(scrub('Unexpected token, "123456789:AAHd"... is not valid JSON', secrets), 'Unexpected token, "123456789:***"... is not valid JSON');
  assert.equal(scrub("connect ECONNREFUSED 127.0.0.1:8081", secrets), "connect ECONNREFUSED 127.0.0.1:8081");
});

test("a scrubbed error keeps its name, code and cause chain but not the token", () => {
  const inner = Object.assign(new Error(`getaddrinfo ENOTFOUND for /bot${TOKEN}`), { code: "ENOTFOUND" });
  const outer = new TypeError("fetch failed", { cause: inner });
  const clean = scrubError(outer, secrets) as Error & { cause: Error & { code: string } };
  assert.equal(clean.name, "TypeError");
  assert.equal(clean.cause.code, "ENOTFOUND");
  assert.ok(!inspect(clean, { depth: 10 }).includes("AAHdqTcv"));
});

test("token-looking text is masked anywhere, known or not; the bot id stays", () => {
  assert.equal(scrub(`got "${TOKEN}" and 987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw`), 'got "123456789:***" and 987654321:***');
  assert.equal(scrub("x supersecretvalue y", ["supersecretvalue"]), "x *** y");
  assert.equal(scrub("chat -1001234567890 at 12:30"), "chat -1001234567890 at 12:30");
});
