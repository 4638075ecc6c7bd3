/** The daemon's log: text for people, JSON lines for machines, one entry per event. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { createLogger, isJournalStream, type LoggerOptions } from "../src/log.ts";

const NOW = new Date("2026-11-26T10:00:00.000Z");
const TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi";

/** A logger into memory; `tty` makes the stream look like a terminal. */
function capture(options: LoggerOptions = {}, tty = false) {
  const out = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (tty) out.isTTY = true;
  let text = "";
  out.on("data", (c: Buffer) => (text += c.toString()));
  const log = createLogger(out, { now: () => NOW, ...options });
  return { log, lines: () => text.split("\n").slice(0, -1), text: () => text };
}

/** An error with a stack, as the daemon meets them. */
function crash(): Error {
  const err = new TypeError("Cannot read properties of undefined (reading 'id')", { cause: new Error("the update had no chat") });
  err.stack = "TypeError: Cannot read properties of undefined (reading 'id')\n    at handleUpdate (src/core/updates.ts:10:5)\n    at poll (src/daemon/daemon.ts:240:20)";
  return err;
}

test("text: a timestamp, the level and the message; the fields are for JSON only", () => {
  const c = capture({ level: "debug" });
  c.log.info("relayed: customer 7's text (copyMessage)", { customer: 7, conversation: 42, method: "copyMessage" });
  c.log.debug("skip");
  assert.deepEqual(c.lines(), ["2026-11-26T10:00:00.000Z info  relayed: customer 7's text (copyMessage)", "2026-11-26T10:00:00.000Z debug skip"]);
});

test("the level filters, and the token is blanked out of text and JSON alike", () => {
  for (const format of ["text", "json"] as const) {
    const c = capture({ level: "warn", format, secrets: [TOKEN] });
    c.log.info("not shown");
    c.log.warn(`calling https://api.telegram.org/bot${TOKEN}/getMe`, { error: new Error(`bad token ${TOKEN}`) });
    assert.equal(c.lines().length, 1, format);
    assert.ok(!c.text().includes(TOKEN), format);
    assert.match(c.text(), /bot\*\*\*\/getMe/, format);
  }
});

test("json: one object per line with time, level, msg and the fields given", () => {
  const c = capture({ format: "json" });
  c.log.warn("not delivered: customer 7 blocked the bot", { customer: 7, conversation: 42, method: "copyMessage", cause: "blocked" });
  c.log.info("store saved", { conversation: undefined });
  const [first, second] = c.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(first, {
    time: "2026-11-26T10:00:00.000Z",
    level: "warn",
    msg: "not delivered: customer 7 blocked the bot",
    customer: 7,
    conversation: 42,
    method: "copyMessage",
    cause: "blocked",
  });
  assert.deepEqual(second, { time: "2026-11-26T10:00:00.000Z", level: "info", msg: "store saved" }, "unknown fields are left out, not null");
});

test("json: an error brings its message, its causes and its stack, still on one line", () => {
  const c = capture({ format: "json" });
  c.log.error("update 5 could not be handled", { update: 5, error: crash() });
  assert.equal(c.lines().length, 1);
  const entry = JSON.parse(c.lines()[0]!) as Record<string, string | number>;
  assert.equal(entry["update"], 5);
  assert.equal(entry["error"], "Cannot read properties of undefined (reading 'id'): the update had no chat");
  assert.match(String(entry["stack"]), /^TypeError: .*\n {4}at handleUpdate/);
});

test("a multi-line entry (a parser error, a stack) is one entry in every format", () => {
  const parser = "replies.yaml: line 3, column 9: unexpected end of flow sequence\n\n  text: [oops\n         ^";

  // A pipe, a file, journald, docker logs: each line would be an entry, so it is one line.
  const piped = capture();
  piped.log.error(`canned replies not reloaded: ${parser}`);
  piped.log.error("update 5 could not be handled", { error: crash() });
  assert.equal(piped.lines().length, 2);
  assert.equal(piped.lines()[0], `2026-11-26T10:00:00.000Z error canned replies not reloaded: replies.yaml: line 3, column 9: unexpected end of flow sequence\\n\\n  text: [oops\\n         ^`);
  assert.match(piped.lines()[1]!, /could not be handled\\nTypeError: .*\\n {4}at handleUpdate .*\\n {4}at poll /);

  // A terminal: readable, continuation lines indented under the entry's first line.
  const tty = capture({}, true);
  tty.log.error(`canned replies not reloaded: ${parser}`);
  tty.log.info("next");
  const lines = tty.lines();
  assert.match(lines[0]!, /^2026-11-26T10:00:00\.000Z error canned replies/);
  assert.deepEqual(lines.slice(1, 4), ["", "      text: [oops", "             ^"]);
  assert.match(lines[4]!, /^2026-11-26T10:00:00\.000Z info  next$/, "only the first line of an entry starts at the margin");

  // JSON: the message keeps its line breaks, escaped inside the one line.
  const json = capture({ format: "json" });
  json.log.error(`canned replies not reloaded: ${parser}`);
  assert.equal(json.lines().length, 1);
  assert.equal((JSON.parse(json.lines()[0]!) as { msg: string }).msg, `canned replies not reloaded: ${parser}`);
});

test("under the journal: no timestamp of our own (journald stamps each entry), and the syslog priority first", () => {
  const text = capture({ journal: true, level: "debug" });
  text.log.error("polling stopped");
  text.log.warn("retrying");
  text.log.info("relayed");
  text.log.debug("skip");
  assert.deepEqual(text.lines(), ["<3>error polling stopped", "<4>warn  retrying", "<6>info  relayed", "<7>debug skip"]);

  const json = capture({ journal: true, format: "json" });
  json.log.warn("retrying", { method: "getUpdates" });
  const [line] = json.lines();
  assert.match(line!, /^<4>\{/);
  assert.deepEqual(JSON.parse(line!.slice(3)), { time: "2026-11-26T10:00:00.000Z", level: "warn", msg: "retrying", method: "getUpdates" }, "JSON keeps its time");
});

test("stderr is the journal only when JOURNAL_STREAM names stderr itself", () => {
  assert.equal(isJournalStream({ JOURNAL_STREAM: "8:12345" }, "8:12345"), true);
  // Inherited by a shell that then redirected stderr to a file or a terminal.
  assert.equal(isJournalStream({ JOURNAL_STREAM: "8:12345" }, "8:999"), false);
  assert.equal(isJournalStream({ JOURNAL_STREAM: "8:12345" }, undefined), false);
  assert.equal(isJournalStream({}, "8:12345"), false);
  assert.equal(isJournalStream({ JOURNAL_STREAM: "" }, ""), false);
});
