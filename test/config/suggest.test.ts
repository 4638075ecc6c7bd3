import { test } from "node:test";
import assert from "node:assert/strict";
import { distance, suggest, suggestAll } from "../../src/config/suggest.ts";

const KEYS = ["bot", "channel", "group", "store", "replies", "retention_days", "poll_timeout", "note_prefix"];

test("typos, swapped letters, camelCase and case find the intended key", () => {
  assert.equal(suggest("chanel", KEYS), "channel");
  assert.equal(suggest("gruop", KEYS), "group");
  assert.equal(suggest("retentionDays", KEYS), "retention_days");
  assert.equal(suggest("poll-timeout", KEYS), "poll_timeout");
  assert.equal(suggest("Store", KEYS), "store");
  assert.equal(suggest("replys", KEYS), "replies");
});

test("nothing is suggested for unrelated words", () => {
  assert.equal(suggest("foo", KEYS), undefined);
  assert.equal(suggest("database", KEYS), undefined);
});

test("edit distance counts a swap as one edit", () => {
  assert.equal(distance("ab", "ba"), 1);
  assert.equal(distance("kitten", "sitting"), 3);
  assert.equal(distance("", "abc"), 3);
});

test("suggestAll: close names and ids, case and accents ignored, closest first", () => {
  assert.deepEqual(suggestAll("joao", ["João Pereira", "João", "Ana"]), ["João", "João Pereira"]);
  assert.deepEqual(suggestAll("11111111", ["111111111", "222222222"]), ["111111111"]);
  assert.deepEqual(suggestAll("horaro", ["horario", "prazo", "reembolso"]), ["horario"]);
  assert.deepEqual(suggestAll("refund-policy", ["refund", "hours"]), ["refund"]);
  assert.deepEqual(suggestAll("zzz", ["horario", "prazo"]), []);
  assert.deepEqual(suggestAll("", ["a"]), []);
});
