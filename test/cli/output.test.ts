import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { displayWidth, formatCheck, formatJson, formatTable, truncate } from "../../src/cli/output.ts";

describe("output", () => {
  test("a table aligns columns by what the terminal shows (accents, emoji)", () => {
    const rows = [
      { id: "horario", title: "Horário" },
      { id: "oi", title: "👋 Olá" },
    ];
    const out = formatTable([{ header: "id", get: (r: (typeof rows)[number]) => r.id }, { header: "title", get: (r) => r.title }], rows);
    assert.equal(out, "ID       TITLE\nhorario  Horário\noi       👋 Olá\n");
  });

  test("cells are one line and long ones end with …", () => {
    const out = formatTable([{ header: "text", get: (r: string) => r, max: 10 }, { header: "n", get: () => "1" }], ["linha 1\nlinha 2 e mais"]);
    assert.equal(out.split("\n")[1], "linha 1 l…  1");
    assert.equal(truncate("ação ação ação", 6), "ação…");
    assert.equal(displayWidth("ação"), 4);
    assert.equal(truncate("👋👋👋👋", 5), "👋👋…");
  });

  test("JSON output is stable: 2 spaces and a final newline", () => {
    assert.equal(formatJson([{ id: "a", tags: ["x"] }]), '[\n  {\n    "id": "a",\n    "tags": [\n      "x"\n    ]\n  }\n]\n');
  });

  test("checklist lines", () => {
    assert.equal(formatCheck({ state: "ok", label: "bot token" }), "✓ bot token\n");
    assert.equal(
      formatCheck({ state: "fail", label: "bot is admin in the channel", detail: "not a member", hint: "add the bot as admin" }),
      "✗ bot is admin in the channel: not a member\n  hint: add the bot as admin\n",
    );
  });
});
