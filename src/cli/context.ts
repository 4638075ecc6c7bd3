/**
 * What every command receives, and the errors a command throws to choose its exit code.
 */
import type { Command } from "commander";
import { OperatorError } from "../errors.ts";
import { EXIT, type Runtime } from "../runtime.ts";
import type { Style } from "./output.ts";
import type { Prompter } from "./prompts.ts";

/** Handed to every command's `register`. */
export interface CliContext {
  rt: Runtime;
  /** Ask questions only through this (it refuses when {@link interactive} is false). */
  prompter: Prompter;
  /** stdin is a terminal: questions may be asked. */
  interactive: boolean;
  /**
   * How to colour what goes to each stream: colours only for a terminal, none with NO_COLOR,
   * `--no-color`, TERM=dumb or a pipe (see wantsColor in output.ts).
   */
  readonly style: { stdout: Style; stderr: Style };
  /**
   * Runs `work` (a wait on Telegram) with a spinner saying `label` on stderr when stderr is a
   * terminal; otherwise just runs it. Never around a question.
   */
  spin<T>(label: string, work: () => Promise<T>): Promise<T>;
  /**
   * Wraps a command body for commander's `.action()`: the body returns its exit code,
   * which `main` returns. Throwing is fine too: `main` maps errors to codes.
   */
  action<A extends unknown[]>(body: (...args: A) => Promise<number> | number): (...args: A) => Promise<void>;
}

/** A command module: one file per command in src/cli/commands/. */
export interface CommandModule {
  register(program: Command, ctx: CliContext): void;
}

/**
 * A command's own expected failure (an {@link OperatorError}): printed as `error: <message>`
 * (+ `hint: <hint>`), no stack trace. Exit code 1 unless told otherwise.
 */
export class CliError extends OperatorError {
  override name = "CliError";
}

/** Bad usage (a missing or invalid flag): exit 2. */
export class UsageError extends CliError {
  override name = "UsageError";
  constructor(message: string, options: { hint?: string } = {}) {
    super(message, { ...options, exitCode: EXIT.USAGE });
  }
}
