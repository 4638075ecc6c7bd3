import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import type { Command } from "commander";
import { ConfigError } from "../../src/config/index.ts";
import { CliError, UsageError, type CliContext, type CommandModule } from "../../src/cli/context.ts";
import { DaemonError } from "../../src/daemon/daemon.ts";
import { PromptCancelled } from "../../src/errors.ts";
import { NoTTYError } from "../../src/cli/prompts.ts";
import { RepliesError } from "../../src/replies/errors.ts";
import { StoreError } from "../../src/store/errors.ts";
import { TelegramApiError } from "../../src/telegram/errors.ts";
import { run, tempDir } from "./helpers.ts";

const BIN = join(dirname(fileURLToPath(import.meta.url)), "../../bin/clientes");

/** A command module whose action runs `body` (to exercise the framework's error mapping). */
function fakeCommand(name: string, body: (ctx: CliContext, cmd: Command) => Promise<number> | number): CommandModule {
  return {
    register(program, ctx) {
      program
        .command(name)
        .option("--json", "json")
        .action(ctx.action((_opts: unknown, cmd: Command) => body(ctx, cmd)));
    },
  };
}

describe("clientes (the program)", () => {
  let dir = "";
  let cleanup = async () => {};
  before(async () => ({ dir, cleanup } = await tempDir()));
  after(() => cleanup());

  test("--help lists the commands and examples on stdout, exit 0", async () => {
    const r = await run(["--help"], { cwd: dir });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: clientes/);
    assert.match(r.stdout, /replies/);
    assert.match(r.stdout, /--config <path>/);
    assert.match(r.stdout, /Examples:/);
    assert.match(r.stdout, /Exit codes: 0 ok, 1 failure, 2 bad usage or bad config/);
    assert.doesNotMatch(r.stdout, /\x1b\[/, "no colours into a pipe");
    const tty = await run(["--help"], { cwd: dir, ttyOut: true });
    assert.match(tty.stdout, /\x1b\[1mUsage:\x1b\[22m clientes/, "headings in bold in a terminal");
    assert.match(tty.stdout, /--no-color/);
    const plain = await run(["--no-color", "--help"], { cwd: dir, ttyOut: true });
    assert.doesNotMatch(plain.stdout, /\x1b\[/);
    assert.equal(r.stderr, "");
  });

  test("--version prints the version, exit 0", async () => {
    const r = await run(["--version"], { cwd: dir });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  test("an unknown command is bad usage: exit 2, message on stderr", async () => {
    const r = await run(["frobnicate"], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /error: unknown command 'frobnicate'/);
    assert.match(r.stderr, /--help/);
    assert.equal(r.stdout, "");
  });

  test("an unknown option is bad usage: exit 2", async () => {
    const r = await run(["replies", "list", "--nope"], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--nope'/);
  });

  test("no command at all shows the help on stderr and exits 2", async () => {
    const r = await run([], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Usage: clientes/);
    assert.equal(r.stdout, "");
  });

  test("a command's return value is the exit code", async () => {
    const r = await run(["x"], { cwd: dir, commands: [fakeCommand("x", () => 1)] });
    assert.equal(r.code, 1);
  });

  test("--config is a global option, before or after the command", async () => {
    const seen: unknown[] = [];
    const cmd = fakeCommand("x", (_ctx, c) => {
      seen.push(c.optsWithGlobals()["config"]);
      return 0;
    });
    assert.equal((await run(["--config", "a.yaml", "x"], { cwd: dir, commands: [cmd] })).code, 0);
    assert.equal((await run(["x", "--config", "b.yaml"], { cwd: dir, commands: [cmd] })).code, 0);
    assert.deepEqual(seen, ["a.yaml", "b.yaml"]);
  });

  test("an expected error prints error: and hint: lines, no stack, exit 1", async () => {
    const r = await run(["x"], {
      cwd: dir,
      commands: [fakeCommand("x", () => { throw new CliError("the thing failed", { hint: "do this\nor that" }); })],
    });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "error: the thing failed\nhint: do this\nhint: or that\n");
    assert.equal(r.stdout, "");
  });

  test("a UsageError exits 2", async () => {
    const r = await run(["x"], { cwd: dir, commands: [fakeCommand("x", () => { throw new UsageError("bad flag"); })] });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "error: bad flag\n");
  });

  test("a ConfigError is bad config: exit 2 with its hint", async () => {
    const r = await run(["x"], {
      cwd: dir,
      commands: [fakeCommand("x", () => { throw new ConfigError("config.yaml", [{ key: "channel", detail: "expected a chat id" }], "fix the channel"); })],
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: config\.yaml: channel: expected a chat id\nhint: fix the channel\n$/);
  });

  test("the operator errors of every module are expected: their hint and exit code, no stack", async () => {
    const cases: Array<[Error, number, string]> = [
      [new StoreError("store is locked by pid 12", "stop the other daemon", { file: "s.json" }), 1, "error: store is locked by pid 12\nhint: stop the other daemon\n"],
      [new DaemonError("cannot reach the bot", "check bot.token"), 1, "error: cannot reach the bot\nhint: check bot.token\n"],
      [new NoTTYError("--title"), 2, "error: missing --title: stdin is not a terminal, so it cannot be asked\nhint: pass --title, or run the command in a terminal to be asked\n"],
      [new RepliesError("r.yaml", [{ entry: 2, message: "title is required" }]), 1, "error: r.yaml: entry 2: title is required\n"],
      [new TelegramApiError({ method: "getMe", code: 401, description: "Unauthorized" }), 1, "error: Telegram refused getMe: Unauthorized\nhint: "],
    ];
    for (const [err, code, stderr] of cases) {
      const r = await run(["x"], { cwd: dir, commands: [fakeCommand("x", () => { throw err; })] });
      assert.equal(r.code, code, err.name);
      assert.ok(r.stderr.startsWith(stderr), `${err.name}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\n\s+at |--debug/, err.name);
    }
  });

  test("an unexpected error: exit 1, no stack trace unless --debug", async () => {
    const boom = fakeCommand("x", () => { throw new TypeError("cannot read properties of undefined"); });
    const quiet = await run(["x"], { cwd: dir, commands: [boom] });
    assert.equal(quiet.code, 1);
    assert.match(quiet.stderr, /^error: cannot read properties of undefined\n/);
    assert.doesNotMatch(quiet.stderr, /\n\s+at /);
    assert.match(quiet.stderr, /--debug/);

    const loud = await run(["--debug", "x"], { cwd: dir, commands: [boom] });
    assert.equal(loud.code, 1);
    assert.match(loud.stderr, /TypeError: cannot read properties of undefined\n\s+at /);
  });

  test("Ctrl+C at a prompt exits 130", async () => {
    const r = await run(["x"], {
      cwd: dir,
      tty: true,
      commands: [fakeCommand("x", async (ctx) => { await ctx.prompter.input({ message: "Name" }); return 0; })],
      answers: [new PromptCancelled()],
    });
    assert.equal(r.code, 130);
    assert.match(r.stderr, /cancelled/);
    assert.equal(r.stdout, "");
  });

  test("no question is asked when stdin is not a TTY, even with an injected prompter", async () => {
    const r = await run(["x"], {
      cwd: dir,
      tty: false,
      commands: [fakeCommand("x", async (ctx) => { await ctx.prompter.input({ message: "Name" }); return 0; })],
      answers: ["never used"],
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /stdin is not a terminal/);
    assert.deepEqual(r.prompter.asked, []);
  });

  test("ctx.interactive follows stdin.isTTY", async () => {
    const seen: boolean[] = [];
    const cmd = fakeCommand("x", (ctx) => { seen.push(ctx.interactive); return 0; });
    await run(["x"], { cwd: dir, tty: true, commands: [cmd] });
    await run(["x"], { cwd: dir, tty: false, commands: [cmd] });
    assert.deepEqual(seen, [true, false]);
  });

  test("bin/clientes --help works from another working directory", async () => {
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [BIN, "--help"], { cwd: tmpdir(), timeout: 20_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr });
      });
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Usage: clientes/);
    assert.match(result.stdout, /replies/);
  });
});
