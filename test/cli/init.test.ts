import assert from "node:assert/strict";
import { access, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, test } from "node:test";
import { loadConfig } from "../../src/config/index.ts";
import { main } from "../../src/cli/main.ts";
import { CTRL_C, scriptedPrompter } from "../../src/cli/prompts.ts";
import { loadReplies } from "../../src/replies/index.ts";
import type { SandboxOptions } from "../../src/sandbox/index.ts";
import { openDesk, type SetupDesk } from "../setup/desk.ts";
import { fakeRuntime, run, type RunOptions } from "./helpers.ts";

const WRONG_TOKEN = "123456:WRONG-token-0123456789abcdefghijklmn";

let desk: SetupDesk | undefined;
afterEach(async () => {
  await desk?.close();
  desk = undefined;
});

async function open(opts: SandboxOptions = {}): Promise<SetupDesk> {
  desk = await openDesk(opts);
  return desk;
}

const exists = (path: string) => access(path).then(() => true, () => false);

/** `clientes --config <desk>/config.yaml init …`, against the desk's sandbox. */
function init(d: SetupDesk, args: string[], opts: Partial<RunOptions> = {}) {
  return run(["--config", d.config, "init", "--api-root", d.sb.apiRoot, ...args], { cwd: d.dir, ...opts });
}

/** Flags for a complete non-interactive run. */
function flags(d: SetupDesk): string[] {
  return ["--token", d.sb.token, "--channel", String(d.sb.channelId), "--yes"];
}

describe("clientes init", () => {
  test("a good setup, non-interactive: writes a 0600 config that `check` passes and the daemon's loader accepts", async () => {
    const d = await open();
    const ana = d.sb.addUser({ first_name: "Ana", last_name: "Lima" });
    d.sb.makeAdmin("channel", ana.id);
    const r = await init(d, [...flags(d), "--locale", "en"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /✓ token accepted: @clientes_sandbox_bot/);
    assert.match(r.stderr, /✓ channel "Support cards" \(-1001000000001\), discussion group -1001000000002/);
    assert.match(r.stderr, /✓ wrote .*config\.yaml \(mode 600/);
    assert.equal((await stat(d.config)).mode & 0o777, 0o600);

    const config = await loadConfig({ configPath: d.config, env: {}, cwd: d.dir });
    assert.equal(config.bot.token, d.sb.token);
    assert.equal(config.bot.apiRoot, d.sb.apiRoot);
    assert.equal(config.channel, d.sb.channelId);
    assert.equal(config.group, d.sb.groupId);
    assert.equal(config.locale, "en");
    assert.deepEqual(config.staff, [
      { id: d.sb.creator.id, name: "Olivia Owner" },
      { id: ana.id, name: "Ana Lima" },
    ]);
    assert.deepEqual(await loadReplies(config.replies), [], "an empty replies file is created");
    assert.match(await readFile(d.config, "utf8"), /# Keep this file private/);

    const check = await run(["--config", d.config, "check"], { cwd: d.dir });
    assert.equal(check.code, 0, check.stdout);
    assert.ok(check.stdout.trim().split("\n").every((l) => l.startsWith("✓")), check.stdout);
  });

  test("a good setup, interactive: hidden token, channel typed, staff picked, language chosen", async () => {
    const d = await open();
    const r = await init(d, [], {
      tty: true,
      answers: [d.sb.token, "type", "https://t.me/c/1000000001/7", [d.sb.creator.id], "pt-BR"],
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.prompter.asked, [
      "Bot token (from @BotFather)",
      "@clientes_sandbox_bot is not in any channel yet. What now?",
      "The channel (@name, id like -1001234567890, or a post link t.me/c/…)",
      "Who answers customers? (the channel's admins; space toggles, enter confirms)",
      "Language of the bot's messages to customers",
    ]);
    assert.equal(r.prompter.remaining, 0);
    assert.match(r.stderr, /Create the support channel/);
    assert.match(r.stderr, /Discussion → Add Group → Create a New Group/);
    assert.match(r.stderr, /Add Admin → search @clientes_sandbox_bot/);
    assert.doesNotMatch(r.stderr + r.stdout, /TEST-sandbox-token/, "the token is never echoed");
    const config = await loadConfig({ configPath: d.config, env: {}, cwd: d.dir });
    assert.equal(config.channel, d.sb.channelId);
    assert.equal(config.locale, "pt-BR");
    assert.deepEqual(config.staff, [{ id: d.sb.creator.id, name: "Olivia Owner" }]);
  });

  test("finds the channel by itself when the bot was made its admin before init", async () => {
    const d = await open({ botRights: { channel: null } });
    d.sb.setBotRights("channel", {});
    const r = await init(d, [], { tty: true, answers: [d.sb.token, d.sb.channelId, undefined, "en"] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.prompter.asked[1], "Which channel is the support channel?");
    assert.equal((await loadConfig({ configPath: d.config, env: {}, cwd: d.dir })).channel, d.sb.channelId);
  });

  test("waits for the operator to make the bot an admin, then finds the channel", async () => {
    const d = await open({ botRights: { channel: null } });
    const pending = init(d, [], { tty: true, answers: [d.sb.token, "wait", undefined, "en"] });
    // The operator adds the bot while init long-polls for it.
    await d.sb.waitFor((s) => s.isPolling(), 5000, "init waiting for the bot to be added");
    d.sb.setBotRights("channel", {});
    const r = await pending;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.prompter.asked[1], "@clientes_sandbox_bot is not in any channel yet. What now?");
    assert.match(r.stderr, /Waiting for @clientes_sandbox_bot to become an admin of a channel/);
    assert.match(r.stderr, /✓ found the channel "Support cards" \(-1001000000001\), where Olivia made @clientes_sandbox_bot an admin/);
    assert.equal((await loadConfig({ configPath: d.config, env: {}, cwd: d.dir })).group, d.sb.groupId);
    assert.equal(d.sb.pendingUpdates().filter((u) => u.my_chat_member).length, 1, "the update is left for the daemon");
  });

  test("Ctrl+C while waiting for the bot: 130 at once, nothing written", async () => {
    const d = await open({ botRights: { channel: null } });
    const stop = new AbortController();
    const { rt, stderr } = fakeRuntime(["--config", d.config, "init", "--api-root", d.sb.apiRoot], { cwd: d.dir, tty: true });
    rt.shutdown = stop.signal;
    const pending = main(rt, { prompter: scriptedPrompter([d.sb.token, "wait"]) });
    await d.sb.waitFor((s) => s.isPolling(), 5000, "init waiting for the bot to be added");
    stop.abort("SIGINT");
    assert.equal(await pending, 130);
    await new Promise((res) => setImmediate(res));
    assert.match(stderr(), /cancelled: nothing was changed/);
    assert.equal(await exists(d.config), false);
  });

  test("looking for the channel neither confirms nor filters the bot's updates", async () => {
    const d = await open();
    const customer = d.sb.addUser({ first_name: "Cris" });
    d.sb.sendPrivate(customer.id, { text: "hello, anyone?" });
    const r = await init(d, [], { tty: true, answers: [d.sb.token, "type", String(d.sb.channelId), undefined, "en"] });
    assert.equal(r.code, 0, r.stderr);
    const polls = d.sb.requests.filter((q) => q.method === "getUpdates");
    assert.ok(polls.length >= 1, "init looked at the updates");
    for (const p of polls) {
      assert.equal(p.params["offset"], undefined);
      assert.equal(p.params["allowed_updates"], undefined);
    }
    assert.ok(
      d.sb.pendingUpdates().some((u) => u.message?.text === "hello, anyone?"),
      "the customer's message is still there for the daemon",
    );
  });

  test("while a daemon runs on the store, init does not read updates at all", async () => {
    const d = await open();
    await mkdir(join(d.dir, "data"));
    await writeFile(join(d.dir, "data", "clientes.json.lock"), JSON.stringify({ pid: 31337, startedAt: "now" }));
    // The helpers' runtime says every pid is dead; this one says the daemon's lives.
    const { rt, stderr } = fakeRuntime(["--config", d.config, "init", "--api-root", d.sb.apiRoot], { cwd: d.dir, tty: true });
    rt.isPidAlive = (pid) => pid === 31337;
    const prompter = scriptedPrompter([d.sb.token, "type", String(d.sb.channelId), undefined, "en"]);
    const code = await main(rt, { prompter });
    await new Promise((res) => setImmediate(res));
    assert.equal(code, 0, stderr());
    assert.match(stderr(), /a clientes daemon is running, pid 31337/);
    assert.equal(d.sb.requests.filter((q) => q.method === "getUpdates").length, 0);
    assert.ok(!prompter.asked.some((q) => /Wait/.test(q)));
  });

  test("a bad token, non-interactive: exit 1 saying where to get it; nothing written", async () => {
    const d = await open();
    const r = await init(d, ["--token", WRONG_TOKEN, "--channel", String(d.sb.channelId), "--yes"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error: Telegram does not accept this token \(401 Unauthorized\)/);
    assert.match(r.stderr, /hint: .*@BotFather/);
    assert.doesNotMatch(r.stderr, /WRONG-token/);
    assert.equal(await exists(d.config), false);
  });

  test("a bad token, interactive: explained and asked again", async () => {
    const d = await open();
    const r = await init(d, ["--channel", String(d.sb.channelId), "--yes"], { tty: true, answers: [WRONG_TOKEN, d.sb.token] });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.prompter.asked, ["Bot token (from @BotFather)", "Bot token (from @BotFather)"]);
    assert.match(r.stderr, /✗ Telegram does not accept this token/);
  });

  test("a token that is not shaped like one is bad usage (exit 2)", async () => {
    const d = await open();
    const r = await init(d, ["--token", "hello", "--channel", "@x_chan", "--yes"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--token: a bot token has a colon/);
  });

  test("a channel without a linked group: exit 1 with how to add one; nothing written", async () => {
    const d = await open({ group: { linked: false } });
    const r = await init(d, flags(d));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error: the channel "Support cards" has no discussion group/);
    assert.match(r.stderr, /hint: .*Discussion → Add Group/);
    assert.equal(await exists(d.config), false);
  });

  test("a channel without a linked group, interactive: explained, then asked again (Ctrl+C there: 130, nothing written)", async () => {
    const d = await open({ group: { linked: false } });
    const r = await init(d, [], { tty: true, answers: [d.sb.token, "type", String(d.sb.channelId), CTRL_C] });
    assert.equal(r.code, 130);
    assert.match(r.stderr, /✗ the channel "Support cards" has no discussion group/);
    assert.match(r.stderr, /cancelled: nothing was changed/);
    assert.equal(r.prompter.asked.length, 4);
    assert.equal(await exists(d.config), false);
  });

  test("the bot not admin of the channel: the checklist says so, exit 1, nothing written", async () => {
    const d = await open({ botRights: { channel: null } });
    const r = await init(d, flags(d));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /✗ bot is a channel admin .*: @clientes_sandbox_bot is not an administrator of the channel/);
    assert.match(r.stderr, /error: the setup is not ready \(.*1 failed.*\); nothing was written/);
    assert.equal(await exists(d.config), false);
    assert.equal(await exists(join(d.dir, "replies.yaml")), false);
  });

  test("the bot not admin, interactive: check again after the fix, then written", async () => {
    const d = await open({ botRights: { channel: null } });
    const answers = [d.sb.token, "type", String(d.sb.channelId), undefined, "en", "recheck"];
    const prompter = scriptedPrompter(answers);
    const original = prompter.select.bind(prompter);
    // The operator fixes the rights in Telegram while the "What now?" question is open.
    prompter.select = async (o) => {
      if (/What now\?$/.test(o.message) && /failed/.test(o.message)) d.sb.setBotRights("channel", {});
      return original(o);
    };
    const { rt, stderr } = fakeRuntime(["--config", d.config, "init", "--api-root", d.sb.apiRoot], { cwd: d.dir, tty: true });
    const code = await main(rt, { prompter });
    await new Promise((res) => setImmediate(res));
    assert.equal(code, 0, stderr());
    assert.match(stderr(), /✗ bot is a channel admin/);
    assert.equal(prompter.remaining, 0);
    assert.ok(await exists(d.config));
  });

  test("the bot not admin, interactive: write anyway, and `check` still shows the ✗", async () => {
    const d = await open({ botRights: { channel: null } });
    const r = await init(d, [], { tty: true, answers: [d.sb.token, "type", String(d.sb.channelId), undefined, "en", "write"] });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(await exists(d.config));
    const check = await run(["--config", d.config, "check"], { cwd: d.dir });
    assert.equal(check.code, 1);
    assert.match(check.stdout, /✗ bot is a channel admin/);
  });

  test("missing post/edit rights: named in the checklist, exit 1", async () => {
    const d = await open({ botRights: { channel: { can_post_messages: false, can_edit_messages: false } } });
    const r = await init(d, flags(d));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /✗ bot is a channel admin that can post, edit and delete messages: missing: "Post Messages", "Edit Messages of Others"/);
    assert.equal(await exists(d.config), false);
  });

  test("inline mode off and no canned replies: a ⚠ with /setinline in @BotFather, and --yes writes the config", async () => {
    const d = await open({ bot: { supportsInlineQueries: false } });
    const r = await init(d, flags(d));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /⚠ inline mode on .*: off: staff cannot insert canned replies.*\n  hint: .*\/setinline to @BotFather/);
    assert.match(r.stderr, /✓ wrote .*config\.yaml/);
    assert.ok(await exists(d.config));
  });

  test("inline mode off with canned replies already in the replies file: ✗, exit 1, nothing written", async () => {
    const d = await open({ bot: { supportsInlineQueries: false } });
    await writeFile(join(d.dir, "replies.yaml"), "- id: hours\n  title: Opening hours\n  text: 9 to 6\n");
    const r = await init(d, flags(d));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /✗ inline mode on .*: off: staff cannot insert the 1 canned reply/);
    assert.equal(await exists(d.config), false);
  });

  test("--yes without --channel and without a terminal takes the one channel the bot was made admin of", async () => {
    const d = await open({ botRights: { channel: null } });
    d.sb.setBotRights("channel", {});
    const r = await init(d, ["--token", d.sb.token, "--yes"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /✓ channel "Support cards" \(-1001000000001\), the only one @clientes_sandbox_bot is in; discussion group -1001000000002/);
    assert.equal((await loadConfig({ configPath: d.config, env: {}, cwd: d.dir })).channel, d.sb.channelId);
    assert.equal(d.sb.pendingUpdates().filter((u) => u.my_chat_member).length, 1, "the update is left for the daemon");
  });

  test("--yes without --channel when no channel can be found: exit 1 naming --channel; nothing written", async () => {
    const d = await open();
    const r = await init(d, ["--token", d.sb.token, "--yes"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error: no channel found: @clientes_sandbox_bot has not been added to a channel/);
    assert.match(r.stderr, /hint: make @clientes_sandbox_bot an administrator of the support channel .*or pass --channel/);
    assert.equal(await exists(d.config), false);
  });

  test("--yes without --channel while a daemon runs on the store: exit 2 naming --channel, no update read", async () => {
    const d = await open({ botRights: { channel: null } });
    d.sb.setBotRights("channel", {});
    await mkdir(join(d.dir, "data"));
    await writeFile(join(d.dir, "data", "clientes.json.lock"), JSON.stringify({ pid: 31337, startedAt: "now" }));
    const { rt, stderr } = fakeRuntime(["--config", d.config, "init", "--api-root", d.sb.apiRoot, "--token", d.sb.token, "--yes"], { cwd: d.dir });
    rt.isPidAlive = (pid) => pid === 31337;
    const code = await main(rt);
    await new Promise((res) => setImmediate(res));
    assert.equal(code, 2, stderr());
    assert.match(stderr(), /error: a clientes daemon is running on this store \(pid 31337\)/);
    assert.match(stderr(), /hint: pass --channel/);
    assert.equal(d.sb.requests.filter((q) => q.method === "getUpdates").length, 0);
  });

  test("a group with extra members: the count and how to remove them, exit 1", async () => {
    const d = await open({ groupExtraMembers: 1 });
    const r = await init(d, flags(d));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /✗ group holds only its creator and the bot: 3 members/);
    assert.match(r.stderr, /Remove from group/);
  });

  test("an unwritable config path: exit 1 before any question", async () => {
    const d = await open();
    await writeFile(join(d.dir, "afile"), "x");
    const r = await run(["--config", join(d.dir, "afile", "config.yaml"), "init"], { cwd: d.dir, tty: true, answers: [d.sb.token] });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error: cannot write the config .*config\.yaml: .*afile is a file, not a folder/);
    assert.match(r.stderr, /hint: pass --config/);
    assert.deepEqual(r.prompter.asked, []);
  });

  test("an existing config, no terminal: refused without --force (exit 2), file untouched", async () => {
    const d = await open();
    await writeFile(d.config, "# mine\n");
    const r = await init(d, flags(d));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /missing --force \(permission to replace the existing .*config\.yaml\)/);
    assert.equal(await readFile(d.config, "utf8"), "# mine\n");
    assert.equal(d.sb.requests.length, 0, "nothing asked of Telegram either");
  });

  test("an existing config, in a terminal: asked first; no keeps it (exit 0)", async () => {
    const d = await open();
    await writeFile(d.config, "# mine\n");
    const r = await init(d, [], { tty: true, answers: [false] });
    assert.equal(r.code, 0);
    assert.equal(r.prompter.asked.length, 1);
    assert.match(r.prompter.asked[0] ?? "", /config\.yaml exists\. Replace it with a new config\?$/);
    assert.match(r.stderr, /kept .*config\.yaml; nothing was written/);
    assert.equal(await readFile(d.config, "utf8"), "# mine\n");
  });

  test("an existing config is replaced with --force (or yes at the question)", async () => {
    const d = await open();
    await writeFile(d.config, "# mine\n");
    const r = await init(d, [...flags(d), "--force"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(await readFile(d.config, "utf8"), /channel: -1001000000001/);
    const again = await init(d, ["--token", d.sb.token, "--channel", String(d.sb.channelId), "--staff", ""], { tty: true, answers: [true, "en"] });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.prompter.asked[0] ?? "", /config\.yaml exists\. Replace it with a new config\?$/);
  });

  test("no terminal and no flags: exit 2 naming every flag to pass; nothing written or sent", async () => {
    const d = await open();
    const r = await run(["--config", d.config, "init"], { cwd: d.dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /error: missing --token, --staff \(the bot token, or env CLIENTES_BOT_TOKEN; staff ids like 111,222, or --yes/);
    assert.match(r.stderr, /stdin is not a terminal/);
    assert.equal(await exists(d.config), false);
    assert.equal(d.sb.requests.length, 0);
  });

  test("Ctrl+C at the token prompt: 130 and nothing written", async () => {
    const d = await open();
    const r = await init(d, [], { tty: true, answers: [CTRL_C] });
    assert.equal(r.code, 130);
    assert.match(r.stderr, /cancelled: nothing was changed/);
    assert.equal(await exists(d.config), false);
  });

  test("Ctrl+C at the last question: 130 and nothing written", async () => {
    const d = await open();
    const r = await init(d, ["--token", d.sb.token, "--channel", String(d.sb.channelId)], { tty: true, answers: [undefined, CTRL_C] });
    assert.equal(r.code, 130);
    assert.equal(await exists(d.config), false);
    assert.equal(await exists(join(d.dir, "replies.yaml")), false);
  });

  test("--staff picks people by id, named from the channel's admins; unknown ids are kept bare", async () => {
    const d = await open();
    const r = await init(d, ["--token", d.sb.token, "--channel", String(d.sb.channelId), "--staff", `${d.sb.creator.id},555`]);
    assert.equal(r.code, 0, r.stderr);
    const config = await loadConfig({ configPath: d.config, env: {}, cwd: d.dir });
    assert.deepEqual(config.staff, [{ id: d.sb.creator.id, name: "Olivia Owner" }, { id: 555 }]);
    const bad = await init(d, ["--token", d.sb.token, "--channel", "@x_chan", "--staff", "1,-100", "--force"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--staff: -100 is a chat id/);
  });

  test("a token from env CLIENTES_BOT_TOKEN stays out of the file", async () => {
    const d = await open();
    const env = { CLIENTES_BOT_TOKEN: d.sb.token };
    const r = await init(d, ["--channel", String(d.sb.channelId), "--yes"], { env });
    assert.equal(r.code, 0, r.stderr);
    const text = await readFile(d.config, "utf8");
    assert.doesNotMatch(text, /TEST-sandbox-token/);
    assert.match(r.stderr, /comes from env CLIENTES_BOT_TOKEN/);
    const config = await loadConfig({ configPath: d.config, env, cwd: d.dir });
    assert.equal(config.bot.token, d.sb.token);
  });

  test("an api root nobody answers on: exit 1 naming it; nothing written", async () => {
    const d = await open();
    const dead = d.sb.apiRoot;
    await d.sb.close();
    const r = await init(d, flags(d));
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`error: Could not reach Telegram at ${dead.replace(/[.]/g, "\\.")} for getMe`));
    assert.match(r.stderr, /hint: .*--api-root/);
    assert.equal(await exists(d.config), false);
  });

  test("a channel name that is no channel: exit 1 with Telegram's words", async () => {
    const d = await open();
    const r = await init(d, ["--token", d.sb.token, "--channel", "@nosuchchannel", "--yes"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error: the bot cannot see the channel @nosuchchannel: Bad Request: chat not found/);
    assert.match(r.stderr, /hint: make @clientes_sandbox_bot an administrator/);
  });

  test("--group must be the channel's discussion group", async () => {
    const d = await open();
    const r = await init(d, [...flags(d), "--group", String(d.sb.channelId)]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error: "Support cards" is not the channel's discussion group \(that is -1001000000002\)/);
    assert.match(r.stderr, /hint: leave --group out, or pass --group -1001000000002/);
    const ok = await init(d, [...flags(d), "--group", String(d.sb.groupId)]);
    assert.equal(ok.code, 0, ok.stderr);
  });

  test("--help explains the flags, shows examples and exit codes", async () => {
    const d = await open();
    const r = await run(["init", "--help"], { cwd: d.dir });
    assert.equal(r.code, 0);
    for (const flag of ["--token", "--channel", "--group", "--staff", "--locale", "--api-root", "--yes", "--force", "--config"]) {
      assert.ok(r.stdout.includes(flag), flag);
    }
    assert.match(r.stdout, /Examples:\n  \$ clientes init\n/);
    assert.match(r.stdout, /130 interrupted/);
  });
});
