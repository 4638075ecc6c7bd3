import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, test } from "node:test";
import type { SandboxOptions } from "../../src/sandbox/index.ts";
import { openDesk, writeConfig, type SetupDesk } from "../setup/desk.ts";
import { run } from "./helpers.ts";

let desk: SetupDesk | undefined;
afterEach(async () => {
  await desk?.close();
  desk = undefined;
});

async function checkWith(opts: SandboxOptions, extra: string[] = []) {
  desk = await openDesk(opts);
  await writeConfig(desk);
  return run(["--config", desk.config, "check", ...extra], { cwd: desk.dir });
}

/** The checklist line of a label, and the hint line under it. */
function line(stdout: string, label: RegExp): string {
  const lines = stdout.split("\n");
  const i = lines.findIndex((l) => label.test(l));
  assert.ok(i >= 0, `no line matching ${label} in:\n${stdout}`);
  return [lines[i], lines[i + 1]?.startsWith("  hint:") ? lines[i + 1] : ""].join("\n");
}

describe("clientes check", () => {
  test("a good setup: every line ✓ and exit 0", async () => {
    const r = await checkWith({});
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines.length, 11, r.stdout);
    assert.ok(lines.every((l) => l.startsWith("✓ ")), r.stdout);
    assert.match(r.stdout, /✓ bot token accepted by Telegram: @clientes_sandbox_bot/);
    assert.match(r.stdout, /✓ support channel found: "Support cards" \(-1001000000001\)/);
    assert.match(r.stderr, /11 passed: ready for `clientes start`/);
  });

  test("--json prints the checklist as JSON on stdout", async () => {
    const r = await checkWith({ botRights: { channel: null } }, ["--json"]);
    assert.equal(r.code, 1);
    const checks = JSON.parse(r.stdout) as Array<{ id: string; label: string; state: string; detail?: string; fix?: string }>;
    assert.equal(checks.length, 11);
    const rights = checks.find((c) => c.id === "channel_rights");
    assert.equal(rights?.state, "fail");
    assert.match(rights?.fix ?? "", /Add Admin/);
    assert.equal(checks.find((c) => c.id === "token")?.state, "ok");
  });

  test("inline mode off and no canned replies yet: ⚠ with /setinline in @BotFather, exit 0", async () => {
    const r = await checkWith({ bot: { supportsInlineQueries: false } });
    assert.equal(r.code, 0, r.stdout);
    assert.match(line(r.stdout, /inline mode/), /^⚠ inline mode on .*: off: staff cannot insert canned replies.*\n  hint: .*send \/setinline to @BotFather/);
    assert.match(r.stderr, /10 passed, 1 warning: ready for `clientes start`/);
  });

  test("inline mode off with canned replies in the file: ✗, exit 1", async () => {
    desk = await openDesk({ bot: { supportsInlineQueries: false } });
    await writeConfig(desk);
    await writeFile(join(desk.dir, "replies.yaml"), "- id: hours\n  title: Opening hours\n  text: 9 to 6\n");
    const r = await run(["--config", desk.config, "check"], { cwd: desk.dir });
    assert.equal(r.code, 1);
    assert.match(line(r.stdout, /inline mode/), /^✗ inline mode on .*: off: staff cannot insert the 1 canned reply of .*replies\.yaml\n  hint: .*\/setinline/);
    assert.match(r.stderr, /10 passed, 1 failed/);
  });

  test("a channel without a linked group: ✗ naming Discussion → Add Group", async () => {
    const r = await checkWith({ group: { linked: false } });
    assert.equal(r.code, 1);
    assert.match(line(r.stdout, /discussion group linked/), /^✗ .*: the channel has no discussion group\n  hint: .*Discussion → Add Group/);
  });

  test("the bot not admin of the channel: ✗ with how to make it one", async () => {
    const r = await checkWith({ botRights: { channel: null } });
    assert.equal(r.code, 1);
    assert.match(line(r.stdout, /channel admin/), /is not an administrator of the channel.*\n  hint: open the channel → Administrators → Add Admin → @clientes_sandbox_bot/);
  });

  test("missing post and edit rights in the channel are named", async () => {
    const r = await checkWith({ botRights: { channel: { can_post_messages: false, can_edit_messages: false } } });
    assert.equal(r.code, 1);
    assert.match(line(r.stdout, /channel admin/), /^✗ .*missing: "Post Messages", "Edit Messages of Others"\n  hint: .*turn on/);
  });

  test("the bot not admin of the group", async () => {
    const r = await checkWith({ botRights: { group: { can_pin_messages: false } } });
    assert.equal(r.code, 1);
    assert.match(line(r.stdout, /group admin/), /missing: "Pin Messages"/);
  });

  test("without Ban Users in the group (guard_group on by default): ✗ naming can_restrict_members", async () => {
    const r = await checkWith({ botRights: { group: { can_restrict_members: false } } });
    assert.equal(r.code, 1);
    assert.match(line(r.stdout, /group admin/), /^✗ .*remove who joins \(guard_group\): missing: "Ban Users" \(can_restrict_members\)\n  hint: .*turn on "Ban Users"/);
  });

  test("a group with extra members: ✗ with the count and how to remove them", async () => {
    const r = await checkWith({ groupExtraMembers: 3 });
    assert.equal(r.code, 1);
    assert.match(line(r.stdout, /only its creator/), /^✗ .*: 5 members; only 2 expected.*\n  hint: .*Remove from group/);
  });

  test("a bad token: ✗ with where to get it, the rest skipped", async () => {
    desk = await openDesk({});
    await writeConfig(desk);
    const r = await run(["--config", desk.config, "check"], { cwd: desk.dir, env: { CLIENTES_BOT_TOKEN: "123456:WRONG-token-0123456789abcdefghijklmn" } });
    assert.equal(r.code, 1);
    assert.match(line(r.stdout, /bot token/), /^✗ .*does not accept this token \(401 Unauthorized\)\n  hint: .*@BotFather/);
    assert.match(r.stdout, /- support channel found: needs a working bot token/);
    assert.doesNotMatch(r.stdout + r.stderr, /WRONG-token/, "the token never shows");
  });

  test("an api_root nobody answers on: ✗ naming the address and api_root", async () => {
    desk = await openDesk({});
    await writeConfig(desk);
    const dead = desk.sb.apiRoot;
    await desk.sb.close();
    const r = await run(["--config", desk.config, "check"], { cwd: desk.dir });
    assert.equal(r.code, 1);
    assert.match(line(r.stdout, /bot token/), new RegExp(`Could not reach Telegram at ${dead.replace(/[.]/g, "\\.")} for getMe.*\\n  hint: .*api_root`));
    assert.match(r.stdout, /- support channel found: Telegram could not be reached/);
  });

  test("an api_root that is not a Bot API server (an HTML page): ✗ saying so", async () => {
    desk = await openDesk({});
    await writeConfig(desk);
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html><body>Welcome to nginx</body></html>");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const r = await run(["--config", desk.config, "check"], { cwd: desk.dir, env: { CLIENTES_API_ROOT: root } });
      assert.equal(r.code, 1);
      assert.match(line(r.stdout, /bot token/), /gave an unreadable answer to getMe.*\n  hint: .*not a Bot API server/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("no staff is a warning: exit 0", async () => {
    desk = await openDesk({});
    await writeConfig(desk, { staff: [] });
    const r = await run(["--config", desk.config, "check"], { cwd: desk.dir });
    assert.equal(r.code, 0);
    assert.match(line(r.stdout, /staff list/), /^⚠ staff list not empty: no staff.*\n  hint: .*clientes staff sync/);
    assert.match(r.stderr, /10 passed, 1 warning/);
  });

  test("a broken replies file: ✗ with the file's problem", async () => {
    desk = await openDesk({});
    await writeConfig(desk);
    await writeFile(join(desk.dir, "replies.yaml"), "- id: x\n");
    const r = await run(["--config", desk.config, "check"], { cwd: desk.dir });
    assert.equal(r.code, 1);
    assert.match(line(r.stdout, /replies file/), /^✗ replies file valid: .*replies\.yaml: entry 1/);
  });

  test("--quiet prints nothing when every check passes or only warns, and only the ✗ lines otherwise", async () => {
    desk = await openDesk({});
    await writeConfig(desk, { staff: [] });
    const ok = await run(["--config", desk.config, "check", "--quiet"], { cwd: desk.dir });
    assert.equal(ok.code, 0);
    assert.equal(ok.stdout + ok.stderr, "", "a warning is not worth a health check's output");
    await desk.close();

    desk = await openDesk({ botRights: { channel: null } });
    await writeConfig(desk);
    const bad = await run(["--config", desk.config, "check", "--quiet"], { cwd: desk.dir });
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr, "");
    const lines = bad.stdout.trim().split("\n");
    assert.ok(lines.length >= 2 && lines.every((l) => l.startsWith("✗ ") || l.startsWith("  hint: ")), bad.stdout);
    assert.match(bad.stdout, /✗ .*channel/);
  });

  test("a missing config is bad config: exit 2 with how to create one", async () => {
    desk = await openDesk({});
    const r = await run(["--config", desk.config, "check"], { cwd: desk.dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /config file not found/);
    assert.match(r.stderr, /clientes init/);
  });

  test("--help shows examples and exit codes", async () => {
    desk = await openDesk({});
    const r = await run(["check", "--help"], { cwd: desk.dir });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Examples:\n  \$ clientes check/);
    assert.match(r.stdout, /--json/);
    assert.match(r.stdout, /--config <path>/);
    assert.match(r.stdout, /Exit codes: 0/);
  });

  test("in a terminal: coloured marks, a spinner on stderr while Telegram answers; none with NO_COLOR, --no-color or a pipe", async () => {
    desk = await openDesk({ bot: { supportsInlineQueries: false } });
    await writeConfig(desk);
    const tty = await run(["--config", desk.config, "check"], { cwd: desk.dir, ttyOut: true });
    assert.equal(tty.code, 0);
    assert.match(tty.stdout, /^\x1b\[32m✓\x1b\[39m bot token accepted/);
    assert.match(tty.stdout, /\n\x1b\[33m⚠\x1b\[39m inline mode on/);
    assert.match(tty.stderr, /^\r⠋ asking Telegram about the bot, the channel and the group…/);
    assert.match(tty.stderr, /\r\x1b\[2K10 passed, 1 warning/, "the spinner's line is erased before the summary");
    for (const [what, extra] of [["NO_COLOR", { env: { NO_COLOR: "1" } }], ["--no-color", { argv: ["--no-color"] }], ["a pipe", { ttyOut: false }]] as const) {
      const opts = "ttyOut" in extra ? extra : { ttyOut: true, ...("env" in extra ? { env: extra.env } : {}) };
      const argv = ["--config", desk.config, ...("argv" in extra ? extra.argv : []), "check"];
      const r = await run(argv, { cwd: desk.dir, ...opts });
      assert.equal(r.code, 0, what);
      assert.doesNotMatch(r.stdout, /\x1b\[/, `no colour with ${what}`);
      assert.match(r.stdout, /^✓ bot token accepted/, what);
    }
    const piped = await run(["--config", desk.config, "check"], { cwd: desk.dir });
    assert.doesNotMatch(piped.stderr, /⠋/, "no spinner without a terminal");
  });
});
