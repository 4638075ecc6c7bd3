import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PassThrough } from "node:stream";
import { COLORS, displayWidth, formatCheck, formatJson, formatTable, startSpinner, truncate, wantsColor } from "../../src/cli/output.ts";

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

  test("colours: green ✓, red ✗, yellow ⚠, dim skipped lines and hints; none when plain", () => {
    assert.equal(formatCheck({ state: "ok", label: "token" }, COLORS), "\x1b[32m✓\x1b[39m token\n");
    assert.equal(formatCheck({ state: "fail", label: "rights", hint: "fix it" }, COLORS), "\x1b[31m✗\x1b[39m rights\n  \x1b[2mhint:\x1b[22m fix it\n");
    assert.match(formatCheck({ state: "warn", label: "inline" }, COLORS), /^\x1b\[33m⚠\x1b\[39m inline/);
    assert.equal(formatCheck({ state: "skip", label: "group", detail: "needs the channel" }, COLORS), "\x1b[2m-\x1b[22m \x1b[2mgroup\x1b[22m\x1b[2m: needs the channel\x1b[22m\n");
    assert.equal(formatCheck({ state: "warn", label: "inline" }), "⚠ inline\n");
  });

  test("colour only for a terminal, and never with NO_COLOR, --no-color or TERM=dumb", () => {
    const tty = { isTTY: true };
    assert.equal(wantsColor(tty, {}, false), true);
    assert.equal(wantsColor({}, {}, false), false, "a pipe");
    assert.equal(wantsColor(tty, { NO_COLOR: "1" }, false), false);
    assert.equal(wantsColor(tty, { NO_COLOR: "" }, false), true, "an empty NO_COLOR does not count (no-color.org)");
    assert.equal(wantsColor(tty, {}, true), false, "--no-color");
    assert.equal(wantsColor(tty, { TERM: "dumb" }, false), false);
  });

  test("a spinner draws its label at once and erases its line when stopped", () => {
    const out = new PassThrough();
    let text = "";
    out.on("data", (c: Buffer) => (text += c.toString()));
    const spinner = startSpinner(out, "asking Telegram…");
    spinner.stop();
    spinner.stop();
    out.end();
    return new Promise<void>((resolve) =>
      out.on("end", () => {
        assert.equal(text, "\r⠋ asking Telegram…\r\x1b[2K");
        resolve();
      }),
    );
  });
});
