import { Command, CommanderError } from "commander";
import pkg from "../../package.json" with { type: "json" };
import { formatForOperator } from "../errors.ts";
import { EXIT, type Runtime } from "../runtime.ts";
import { COMMANDS } from "./commands/index.ts";
import type { CliContext, CommandModule } from "./context.ts";
import { COLORS, PLAIN, startSpinner, wantsColor } from "./output.ts";
import { inquirerPrompter, noTTYPrompter, type Prompter } from "./prompts.ts";

/** What tests (or an embedding program) may replace. */
export interface MainDeps {
  /** Answers questions instead of the terminal (used only when stdin is a TTY). */
  prompter?: Prompter;
  /** The commands to register instead of {@link COMMANDS} (tests of the framework itself). */
  commands?: readonly CommandModule[];
}

const EXAMPLES = `
Examples:
  $ clientes demo                       try the whole product offline, in the browser
  $ clientes init                       set up the bot, channel and group (asks questions)
  $ clientes check                      verify the setup, as a checklist
  $ clientes start                      run the relay
  $ clientes replies list               show the canned replies
  $ clientes --config /etc/clientes.yaml status

Exit codes: 0 ok, 1 failure, 2 bad usage or bad config, 130 interrupted.
`;

/** Builds the `clientes` program with every command of {@link COMMANDS} (or `commands`) registered. */
function createProgram(ctx: CliContext, commands: readonly CommandModule[] = COMMANDS): Command {
  const { rt } = ctx;
  const program = new Command("clientes")
    .description("Self-hosted Telegram customer-support relay")
    .version(pkg.version, "-V, --version", "print the version")
    .option("--config <path>", "config file (default ./config.yaml, or env CLIENTES_CONFIG)")
    .option("--debug", "print stack traces of unexpected errors")
    .option("--no-color", "no colours (also: env NO_COLOR, or output to a pipe)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => rt.stdout.write(s),
      writeErr: (s) => rt.stderr.write(s),
      // From the Runtime, not commander's own look at process.stdout.
      getOutHasColors: () => ctx.style.stdout.colored,
      getErrHasColors: () => ctx.style.stderr.colored,
    })
    .configureHelp({ showGlobalOptions: true, styleTitle: (title) => COLORS.heading(title) })
    .showHelpAfterError("hint: add --help to see the usage")
    .addHelpText("after", EXAMPLES);
  for (const command of commands) command.register(program, ctx);
  return program;
}

/**
 * Runs the `clientes` CLI with the given runtime and resolves to the exit code
 * (0 ok, 1 failure, 2 bad usage or config, 130 Ctrl+C at a prompt). Never calls process.exit.
 *
 * An error thrown by a command is reported by {@link formatForOperator}: an OperatorError
 * as `error: <message>` and `hint: <hint>` lines with its exit code, no stack trace;
 * anything else is a bug: exit 1, stack trace only with `--debug`.
 */
export async function main(rt: Runtime, deps: MainDeps = {}): Promise<number> {
  const interactive = rt.stdin.isTTY === true;
  let exitCode: number = EXIT.OK;
  // `--no-color` is known before commander parses: help and errors are coloured (or not) too.
  const noColor = rt.argv.slice(0, rt.argv.includes("--") ? rt.argv.indexOf("--") : undefined).includes("--no-color");
  const style = {
    stdout: wantsColor(rt.stdout, rt.env, noColor) ? COLORS : PLAIN,
    stderr: wantsColor(rt.stderr, rt.env, noColor) ? COLORS : PLAIN,
  };
  const spinning = rt.stderr.isTTY === true && rt.env.TERM !== "dumb";
  const ctx: CliContext = {
    rt,
    interactive,
    style,
    async spin(label, work) {
      if (!spinning) return work();
      const spinner = startSpinner(rt.stderr, label);
      try {
        return await work();
      } finally {
        spinner.stop();
      }
    },
    // No question may ever be asked without a terminal, whatever prompter was injected.
    prompter: interactive ? (deps.prompter ?? inquirerPrompter(rt)) : noTTYPrompter(),
    action:
      (body) =>
      async (...args) => {
        exitCode = await body(...args);
      },
  };
  const program = createProgram(ctx, deps.commands);
  try {
    await program.parseAsync(rt.argv, { from: "user" });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version "fail" with code 0; every other commander error is bad usage.
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    const debug = program.opts()["debug"] === true || rt.argv.includes("--debug");
    return reportError(err, rt, debug);
  }
}

function reportError(err: unknown, rt: Runtime, debug: boolean): number {
  const { text, exitCode } = formatForOperator(err, debug);
  rt.stderr.write(text);
  return exitCode;
}
