import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError } from "../src/config/errors.ts";
import { formatForOperator, OperatorError, operatorLine, PromptCancelled } from "../src/errors.ts";
import { StoreError } from "../src/store/errors.ts";

test("a log line carries the message and the hint of any operator error", () => {
  assert.equal(operatorLine(new StoreError("store s.json is damaged", "restore s.json.bak", { file: "s.json" })), "store s.json is damaged (hint: restore s.json.bak)");
  assert.equal(operatorLine(new ConfigError("c.yaml", [{ key: "locale", detail: "expected pt-BR or en" }])), "c.yaml: locale: expected pt-BR or en");
  assert.equal(operatorLine(new Error("plain")), "plain");
});

test("formatting for the operator: error and hint lines and the error's exit code; a bug says how to see more", () => {
  assert.deepEqual(formatForOperator(new OperatorError("no way", { hint: "try\nthis", exitCode: 2 })), { text: "error: no way\nhint: try\nhint: this\n", exitCode: 2 });
  assert.deepEqual(formatForOperator(new PromptCancelled()), { text: "\ncancelled: nothing was changed\n", exitCode: 130 });
  const bug = formatForOperator(new TypeError("x is undefined"));
  assert.equal(bug.exitCode, 1);
  assert.match(bug.text, /^error: x is undefined\nhint: .*--debug/);
  assert.match(formatForOperator(new TypeError("x is undefined"), true).text, /\n\s+at /);
});
