import { test } from "node:test";
import assert from "node:assert/strict";
import { redactToken, scrubTokens } from "../../src/config/redact.ts";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

test("a token is shown as its bot id and two characters", () => {
  assert.equal(redactToken(TOKEN), "123456789:AA…");
  assert.equal(redactToken("123456:ABCdef"), "123456:AB…");
  assert.equal(redactToken("not-a-token-at-all"), "no…");
  assert.equal(redactToken("short"), "…");
});

test("token-looking text is scrubbed anywhere in a message", () => {
  assert.equal(scrubTokens(`got "${TOKEN}" and ${TOKEN}`), 'got "123456789:AA…" and 123456789:AA…');
  assert.equal(scrubTokens("x supersecretvalue y", ["supersecretvalue"]), "x su… y");
  assert.equal(scrubTokens("chat -1001234567890 at 12:30"), "chat -1001234567890 at 12:30");
});
