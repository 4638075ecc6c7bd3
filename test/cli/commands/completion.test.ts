/**
 * `clientes completion bash|zsh|fish`: each script names every command `--help` lists,
 * parses in its shell, and completes what a user would type (checked by running bash, and
 * zsh and fish where they are installed).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import type { CommandModule } from "../../../src/cli/context.ts";
import { COMMANDS } from "../../../src/cli/commands/index.ts";
import { run, tempDir } from "../helpers.ts";

const exec = promisify(execFile);
const shellAt = (name: string) => ["/usr/bin", "/bin", "/usr/local/bin"].map((d) => join(d, name)).find((p) => existsSync(p));
const ZSH = shellAt("zsh");
const FISH = shellAt("fish");

let dir = "";
let cleanup = async () => {};
before(async () => ({ dir, cleanup } = await tempDir()));
after(() => cleanup());

/** The script for a shell, written to a file in the temp folder. */
async function script(shell: string, commands?: readonly CommandModule[]): Promise<{ text: string; file: string }> {
  const r = await run(["completion", shell], { cwd: dir, ...(commands ? { commands } : {}) });
  assert.equal(r.code, 0, r.stderr);
  const file = join(dir, `clientes.${shell}`);
  await writeFile(file, r.stdout);
  return { text: r.stdout, file };
}

/** The command names `clientes --help` lists under "Commands:". */
async function topLevelCommands(): Promise<string[]> {
  const help = (await run(["--help"], { cwd: dir })).stdout;
  const section = help.slice(help.indexOf("Commands:"));
  const names = [...section.matchAll(/^  ([a-z][a-z-]*)/gm)].map((m) => m[1]!);
  assert.ok(names.length >= 8, `commands found in --help: ${names.join(", ")}`);
  return names;
}

describe("clientes completion", () => {
  for (const shell of ["bash", "zsh", "fish"]) {
    test(`${shell}: names every top-level command of --help`, async () => {
      const { text } = await script(shell);
      for (const name of await topLevelCommands()) assert.match(text, new RegExp(`\\b${name}\\b`), `${shell} script lacks ${name}`);
    });
  }

  test("bash: the script parses (bash -n) and completes commands, subcommands, options and their values", async () => {
    const { file } = await script("bash");
    await exec("bash", ["-n", file]);
    const cases: Array<[string[], string]> = [
      [["clientes", ""], (await topLevelCommands()).join(" ")],
      [["clientes", "repl"], "replies"],
      [["clientes", "replies", ""], "list add edit remove import export help"],
      [["clientes", "--config", "x.yaml", "st"], "start staff status"],
      [["clientes", "demo", "--locale", ""], "pt-BR en"],
      [["clientes", "replies", "--file", "r.yaml", "li"], "list"],
      [["clientes", "replies", "list", "--fi"], "--file"],
      [["clientes", "staff", "ren"], "rename"],
      [["clientes", "completion", ""], "bash zsh fish"],
      [["clientes", "check", "--j"], "--json"],
    ];
    const probe = cases
      .map(([words]) => `t ${words.map((w) => `'${w}'`).join(" ")}`)
      .join("\n");
    const { stdout } = await exec("bash", [
      "-c",
      `source '${file}'\nt() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=(); _clientes; echo "\${COMPREPLY[*]}"; }\n${probe}`,
    ]);
    assert.deepEqual(stdout.trimEnd().split("\n"), cases.map(([, want]) => want));
  });

  test("zsh: the script parses (zsh -n) and offers the same words", { skip: ZSH ? false : "zsh is not installed" }, async () => {
    const { file } = await script("zsh");
    await exec(ZSH!, ["-n", file]);
    // zsh's completion widgets, replaced by stubs that print what they were given.
    const stubs = 'compdef() { :; }\n_describe() { local -a a; a=("${(@P)4}"); print -r -- ${a%%:*} }\n_files() { print -r -- FILES }\ncompadd() { shift; print -r -- "$*" }';
    const { stdout } = await exec(ZSH!, [
      "-f",
      "-c",
      `${stubs}\nsource '${file}'\nt() { words=("$@"); CURRENT=$#; _clientes }\nt clientes ''\nt clientes replies ''\nt clientes demo --locale ''\nt clientes --config ''\nt clientes replies import ''`,
    ]);
    assert.deepEqual(stdout.trimEnd().split("\n"), [
      (await topLevelCommands()).join(" "),
      "list add edit remove import export help",
      "pt-BR en",
      "FILES",
      "FILES",
    ]);
  });

  test("fish: the script parses (fish -n) and completes with descriptions", { skip: FISH ? false : "fish is not installed" }, async () => {
    const { file } = await script("fish");
    await exec(FISH!, ["-n", file]);
    const { stdout } = await exec(FISH!, ["-c", `source '${file}'; complete -C'clientes rep'; echo =====; complete -C'clientes replies list --fi'; echo =====; complete -C'clientes demo --locale '`]);
    const [rep, file_, locale] = stdout.split("=====\n");
    assert.match(rep ?? "", /^replies\tmanage the canned replies/);
    assert.match(file_ ?? "", /^--file\tthe replies file/);
    assert.deepEqual((locale ?? "").trim().split("\n").map((l) => l.split("\t")[0]).sort(), ["en", "pt-BR"]);
  });

  test("a new command completes without touching the completion code", async () => {
    const extra: CommandModule = {
      register(program, ctx) {
        program
          .command("frobnicate")
          .description("a command added later")
          .option("--wobble <mode>", "how")
          .action(ctx.action(() => 0));
      },
    };
    for (const shell of ["bash", "zsh", "fish"]) {
      const { text } = await script(shell, [...COMMANDS, extra]);
      assert.match(text, /frobnicate/, shell);
      assert.match(text, /--wobble|-l wobble/, shell);
    }
  });

  test("an unknown shell is bad usage naming the choices", async () => {
    const r = await run(["completion", "powershell"], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /error: .*'powershell' is invalid for argument 'shell'\. Allowed choices are bash, zsh, fish/);
  });
});
