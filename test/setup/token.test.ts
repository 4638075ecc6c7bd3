import assert from "node:assert/strict";
import { test } from "node:test";
import { tokenShapeProblem } from "../../src/setup/token.ts";

test("tokenShapeProblem explains a mistyped token without echoing it", () => {
  assert.equal(tokenShapeProblem("123456:TEST-sandbox-token-0123456789abcdef"), undefined);
  assert.equal(tokenShapeProblem("  123456:TEST-sandbox-token-0123456789abcdef\n"), undefined);
  assert.match(tokenShapeProblem("") ?? "", /paste the token/);
  assert.match(tokenShapeProblem("abcdefTEST-sandbox-token-0123456789abcdef") ?? "", /has a colon/);
  assert.match(tokenShapeProblem("12a:TEST-sandbox-token-0123456789abcdef") ?? "", /digits/);
  assert.match(tokenShapeProblem("123:TEST sandbox token 0123456789abcdef") ?? "", /characters other than/);
  const short = tokenShapeProblem("123:secretpart");
  assert.match(short ?? "", /too short \(10 characters/);
  assert.doesNotMatch(short ?? "", /secretpart/);
});
