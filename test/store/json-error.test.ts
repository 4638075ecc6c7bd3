import { test } from "node:test";
import assert from "node:assert/strict";
import { describeJsonError, findJsonSyntaxError, lineColumn } from "../../src/store/json-error.ts";

function problem(text: string) {
  try {
    JSON.parse(text);
  } catch (err) {
    return describeJsonError(text, err);
  }
  throw new Error("expected invalid JSON");
}

test("the first mistake is located by line and column", () => {
  assert.deepEqual(problem('{"a": 1,\n  "b": }'), { reason: "Unexpected token '}'", offset: 16, line: 2, column: 8 });
  assert.equal(problem('{"a": [1, 2').line, 1);
  assert.equal(problem('{"a": [1, 2').column, 12, "a cut-off file points at its end");
  assert.equal(problem('{"a": 1}\n{"b": 2}').line, 2, "trailing content");
  assert.equal(problem('{"a": "tab\there"}').column, 11, "control character in a string");
  assert.equal(problem("{'a': 1}").column, 2);
});

test("the reason never quotes the file (it holds customer data)", () => {
  const p = problem('{"secret customer text": }');
  assert.ok(!p.reason.includes("secret"), p.reason);
});

test("valid JSON has no error, however deeply nested", () => {
  for (const ok of ['{"a":[1,-2.5e3,true,false,null,"\\u00e9\\n"],"b":{}}', "[]", ' "x" ', "0"]) {
    assert.equal(findJsonSyntaxError(ok), undefined, ok);
  }
  const deep = "[".repeat(100000) + "]".repeat(100000);
  assert.equal(findJsonSyntaxError(deep), undefined);
  assert.equal(findJsonSyntaxError("[".repeat(100000) + "]".repeat(99999) + "}"), 199999);
});

test("invalid numbers, literals and escapes are caught", () => {
  for (const [bad, at] of [["01", 1], ["-", 0], ["tru", 0], ['"\\x"', 1], ['"\\u12"', 1], ["[1,]", 3], ['{"a" 1}', 5]] as const) {
    assert.equal(findJsonSyntaxError(bad), at, bad);
  }
});

test("line and column are 1-based", () => {
  assert.deepEqual(lineColumn("ab\ncd", 0), { line: 1, column: 1 });
  assert.deepEqual(lineColumn("ab\ncd", 4), { line: 2, column: 2 });
});
