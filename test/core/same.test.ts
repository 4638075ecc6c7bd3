import { test } from "node:test";
import assert from "node:assert/strict";
import { copyJson, sameJson } from "../../src/core/same.ts";

test("a remembered copy matches exactly the values that would be journaled the same, so no change of a record is missed", () => {
  const value: Record<string, unknown> = { a: 1, s: "x", n: null, t: true, nested: { list: [1, { b: 2 }], gone: undefined }, queues: { team: [1] } };
  const copy = copyJson(value);
  assert.notEqual(copy.nested, value.nested, "nested objects are copied, not shared");
  assert.ok(sameJson(value, copy));
  assert.ok(sameJson({ ...value, extra: undefined }, copy), "a property holding undefined is as absent, as in JSON");
  const changes: Array<[string, (v: Record<string, unknown>) => void]> = [
    ["a scalar", (v) => (v.a = 2)],
    ["a type", (v) => (v.a = "1")],
    ["null to a value", (v) => (v.n = 0)],
    ["a key added", (v) => (v.added = false)],
    ["a key removed", (v) => delete v.s],
    ["a nested item", (v) => (((v.nested as { list: unknown[] }).list[1] as { b: number }).b = 3)],
    ["an item pushed", (v) => (v.nested as { list: unknown[] }).list.push(4)],
    ["an array for an object", (v) => (v.nested = [])],
    ["a number that is not finite", (v) => (v.a = Number.NaN)],
  ];
  for (const [what, change] of changes) {
    const changed = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
    change(changed);
    assert.ok(!sameJson(changed, copy), what);
  }
  const without = copyJson(value, "queues");
  assert.equal("queues" in without, false, "a top-level property left out of the copy");
  assert.ok(sameJson({ ...value, queues: "anything" }, without, "queues"), "and out of the comparison");
  assert.ok(!sameJson(value, without), "but compared when not excepted");
});
