/**
 * The one kind of error an operator is meant to read: what is wrong (the message), what
 * to do about it (the hint) and the exit code a command ends with. Every expected failure
 * (a bad config, a corrupt store, a refused Telegram call, a missing flag…) extends
 * {@link OperatorError}; anything else that reaches the top is a bug.
 */
import { EXIT } from "./runtime.ts";

/** An expected failure: shown as `error: <message>` and `hint: <hint>`, never with a stack trace. */
export class OperatorError extends Error {
  override name = "OperatorError";
  /** How to fix it (or why nothing needs fixing); may span lines. */
  readonly hint?: string;
  /** What a command that fails with this ends with: 1 unless said otherwise. */
  readonly exitCode: number;

  constructor(message: string, options: { hint?: string | undefined; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    if (options.hint !== undefined) this.hint = options.hint;
    this.exitCode = options.exitCode ?? EXIT.FAILURE;
  }
}

/** The user pressed Ctrl+C (or the process was asked to stop) while a question or a call was open: exit 130. */
export class PromptCancelled extends OperatorError {
  override name = "PromptCancelled";
  constructor(options?: { cause?: unknown }) {
    super("cancelled", { ...options, exitCode: EXIT.INTERRUPTED });
  }
}

/** The hint of an operator error, if it has one. */
export function hintOf(err: unknown): string | undefined {
  return err instanceof OperatorError && err.hint ? err.hint : undefined;
}

/** One line for a log: `message (hint: hint)`. */
export function operatorLine(err: unknown): string {
  const message = err instanceof Error ? err.message || err.name : String(err);
  const hint = hintOf(err);
  return hint ? `${message} (hint: ${hint})` : message;
}

function prefixed(prefix: string, text: string): string {
  return text
    .split("\n")
    .map((line) => `${prefix}${line}\n`)
    .join("");
}

/**
 * How any error ends a command, for the operator: the text for stderr and the exit code.
 * An {@link OperatorError} is `error:` and `hint:` lines with its own code (Ctrl+C says
 * nothing was changed); anything else is a bug: exit 1, its stack only with `debug`.
 */
export function formatForOperator(err: unknown, debug = false): { text: string; exitCode: number } {
  if (err instanceof PromptCancelled) return { text: "\ncancelled: nothing was changed\n", exitCode: EXIT.INTERRUPTED };
  const error = err instanceof Error ? err : new Error(String(err));
  let text = prefixed("error: ", error.message || error.name);
  if (error instanceof OperatorError) {
    if (error.hint) text += prefixed("hint: ", error.hint);
    if (debug && error.stack) text += error.stack + "\n";
    return { text, exitCode: error.exitCode };
  }
  text += debug ? (error.stack ?? String(error)) + "\n" : "hint: this is unexpected; run again with --debug to see where it happened\n";
  return { text, exitCode: EXIT.FAILURE };
}
