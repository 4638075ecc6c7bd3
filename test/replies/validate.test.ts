import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { RepliesError } from "../../src/replies/errors.ts";
import { parseReplies } from "../../src/replies/file.ts";
import { checkId, validateReplies } from "../../src/replies/validate.ts";

/** The error's lines, or a failure if it did not throw a RepliesError. */
function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof RepliesError, String(err));
    return err.message.split("\n");
  }
  assert.fail("expected a RepliesError");
}

describe("validateReplies", () => {
  test("a valid list comes back as replies, optional keys only when present", () => {
    const replies = validateReplies(
      [
        { id: "horario", title: "Horário", text: "Das 9h às 18h.", tags: ["expediente"], parse_mode: "HTML" },
        { id: "pix", title: "Pix", text: "Chave: x" },
      ],
      "replies.yaml",
    );
    assert.deepEqual(replies, [
      { id: "horario", title: "Horário", text: "Das 9h às 18h.", tags: ["expediente"], parse_mode: "HTML" },
      { id: "pix", title: "Pix", text: "Chave: x" },
    ]);
  });

  test("empty content is an empty list", () => {
    assert.deepEqual(validateReplies(null, "r.yaml"), []);
    assert.deepEqual(parseReplies("", "yaml", "r.yaml"), []);
    assert.deepEqual(parseReplies("# only comments\n", "yaml", "r.yaml"), []);
    assert.deepEqual(parseReplies("  \n", "json", "r.json"), []);
  });

  test("every bad entry is named by file, position and id", () => {
    const lines = problems(() =>
      validateReplies(
        [
          { id: "ok", title: "Ok", text: "fine" },
          { id: "a", text: "no title" },
          { id: "horario", title: "Horário" },
          { title: "no id", text: "x" },
          { id: "ok", title: "Again", text: "dup" },
        ],
        "replies.yaml",
      ),
    );
    assert.deepEqual(lines, [
      'replies.yaml: entry 2 (id "a"): title is required',
      'replies.yaml: entry 3 (id "horario"): text is required',
      "replies.yaml: entry 4: id is required",
      'replies.yaml: entry 5 (id "ok"): duplicate id: entry 1 already uses it',
    ]);
  });

  test("wrong types, unknown keys, bad parse_mode and bad ids are reported", () => {
    const lines = problems(() =>
      validateReplies(
        [
          { id: 42, title: "n", text: "t" },
          { id: "b", title: ["x"], text: "t", tags: "one" },
          { id: "c", title: "c", text: "t", tittle: "typo" },
          { id: "d", title: "d", text: "t", parse_mode: "html" },
          { id: "Horário", title: "h", text: "t" },
          "just a string",
        ],
        "r.yaml",
      ),
    );
    assert.match(lines[0] ?? "", /^r\.yaml: entry 1: id must be text, got number 42/);
    assert.ok(lines.includes('r.yaml: entry 2 (id "b"): title must be text, got a list'), lines.join("\n"));
    assert.ok(lines.some((l) => l.startsWith('r.yaml: entry 2 (id "b"): tags must be a list')), lines.join("\n"));
    assert.ok(lines.some((l) => l.startsWith('r.yaml: entry 3 (id "c"): unknown key "tittle"')), lines.join("\n"));
    assert.ok(lines.includes('r.yaml: entry 4 (id "d"): parse_mode "html" must be written "HTML"'), lines.join("\n"));
    assert.ok(lines.some((l) => l.startsWith('r.yaml: entry 5 (id "Horário"): id "Horário" is not valid')), lines.join("\n"));
    assert.match(lines.at(-1) ?? "", /^r\.yaml: entry 6: must be a mapping/);
  });

  test("the file must be a list", () => {
    const lines = problems(() => parseReplies("horario:\n  title: x\n", "yaml", "r.yaml"));
    assert.match(lines[0] ?? "", /^r\.yaml: the file must be a list of replies/);
  });

  test("plain text longer than Telegram's 4096 limit is refused", () => {
    const lines = problems(() => validateReplies([{ id: "long", title: "Long", text: "x".repeat(4097) }], "r.yaml"));
    assert.match(lines[0] ?? "", /text is too long: 4097 characters/);
  });

  test("ids: short, lowercase, inline-result safe", () => {
    assert.equal(checkId("horario"), undefined);
    assert.equal(checkId("a"), undefined);
    assert.equal(checkId("pix_2-b"), undefined);
    assert.equal(checkId("x".repeat(32)), undefined);
    assert.ok(checkId("x".repeat(33)));
    assert.ok(checkId("-x"));
    assert.ok(checkId("Maiúscula"));
    assert.ok(checkId("com espaço"));
    assert.ok(checkId(""));
  });
});

describe("parseReplies syntax errors", () => {
  test("invalid YAML names the line and column where the problem starts", () => {
    const lines = problems(() => parseReplies("- id: a\n  title: x\n  text: y\n- id: b\n  title: [unclosed\n", "yaml", "replies.yaml"));
    assert.match(lines[0] ?? "", /^replies\.yaml: line 5, column 10: invalid YAML: the "\[" here is never closed/);
  });

  test("a duplicate key in an entry is a YAML error with its line", () => {
    const lines = problems(() => parseReplies("- id: a\n  title: x\n  title: y\n  text: t\n", "yaml", "replies.yaml"));
    assert.deepEqual(lines, ["replies.yaml: line 3, column 3: invalid YAML: Map keys must be unique"]);
  });

  test("a cascade of parser errors from one tab is one problem, at the tab", () => {
    const lines = problems(() => parseReplies("- id: a\n\ttitle: x\n  text: y\n- id: b\n  title: t\n  text: u\n", "yaml", "replies.yaml"));
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(lines[0]!, /^replies\.yaml: line 2, column 1: invalid YAML: this line is indented with a tab, which YAML does not allow \(indent with spaces\) \(and \d+ more after it/);
  });

  test("an alias bomb is refused with its line and the fix (not expanded, not a crash)", () => {
    const bomb = ["- id: a", "  title: t", "  text: &a lol", "  tags: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]"];
    let prev = "b";
    for (const n of ["c", "d", "e", "f"]) {
      bomb.push(`- id: ${n}`, "  title: t", "  text: x", `  tags: &${n} [${Array(10).fill(`*${prev}`).join(",")}]`);
      prev = n;
    }
    let error: unknown;
    try {
      parseReplies(bomb.join("\n") + "\n", "yaml", "replies.yaml");
    } catch (err) {
      error = err;
    }
    assert.ok(error instanceof RepliesError, String(error));
    assert.match(error.message, /^replies\.yaml: line 4, column 13: invalid YAML: its aliases \(\*name\) expand to too much data, as in an "alias bomb"/);
    assert.match(error.hint ?? "", /write the values out/);
  });

  test("invalid JSON names the line", () => {
    const lines = problems(() => parseReplies('[\n  {"id": "a",\n   "title": "x",}\n]\n', "json", "replies.json"));
    assert.match(lines[0] ?? "", /^replies\.json: line 3: invalid JSON: /);
  });
});
