/**
 * The one place the CLI asks questions. Commands only see the {@link Prompter}
 * interface: the terminal gets {@link inquirerPrompter}, tests get
 * {@link scriptedPrompter} with the answers they want to give.
 */
import * as inquirer from "@inquirer/prompts";
import { OperatorError, PromptCancelled } from "../errors.ts";
import { EXIT, type Runtime } from "../runtime.ts";

/** Returns `true` when the value is acceptable, or the message to show otherwise. */
export type Validate = (value: string) => true | string;

export interface InputOptions {
  message: string;
  default?: string;
  validate?: Validate;
}

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
}

export interface CheckboxChoice<T> {
  name: string;
  value: T;
  checked?: boolean;
}

/** Everything a command may ask. Every method rejects with {@link PromptCancelled} on Ctrl+C. */
export interface Prompter {
  input(o: InputOptions): Promise<string>;
  password(o: { message: string; validate?: Validate }): Promise<string>;
  confirm(o: { message: string; default?: boolean }): Promise<boolean>;
  select<T>(o: { message: string; choices: Choice<T>[]; default?: T }): Promise<T>;
  checkbox<T>(o: { message: string; choices: CheckboxChoice<T>[] }): Promise<T[]>;
}

/** A prompt was needed but stdin is not a terminal: the message names the flag to pass instead. */
export class NoTTYError extends OperatorError {
  override name = "NoTTYError";
  /** The flag that would have answered the question, e.g. `--title`. */
  readonly flag: string;
  declare readonly hint: string;
  constructor(flag: string, what?: string) {
    super(`missing ${flag}${what ? ` (${what})` : ""}: stdin is not a terminal, so it cannot be asked`, {
      hint: `pass ${flag}, or run the command in a terminal to be asked`,
      exitCode: EXIT.USAGE,
    });
    this.flag = flag;
  }
}

/**
 * Inquirer's own cancellation errors (`ExitPromptError` on Ctrl+C, `AbortPromptError` when
 * our shutdown signal fires). Matched by name because @inquirer/core is not a direct dependency.
 */
function isInquirerCancel(err: unknown): boolean {
  return err instanceof Error && (err.name === "ExitPromptError" || err.name === "AbortPromptError");
}

async function cancellable<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isInquirerCancel(err)) throw new PromptCancelled({ cause: err });
    throw err;
  }
}

/**
 * Terminal prompts (@inquirer/prompts) reading `rt.stdin` and drawing on `rt.stderr`, so that
 * stdout stays clean for data (`clientes replies export > file.json` still asks on screen).
 */
export function inquirerPrompter(rt: Runtime): Prompter {
  const context = { input: rt.stdin, output: rt.stderr, signal: rt.shutdown };
  return {
    input: (o) =>
      cancellable(() =>
        inquirer.input(
          {
            message: o.message,
            ...(o.default !== undefined ? { default: o.default, prefill: "editable" as const } : {}),
            ...(o.validate ? { validate: o.validate } : {}),
          },
          context,
        ),
      ),
    password: (o) =>
      cancellable(() =>
        inquirer.password(
          { message: o.message, mask: true, ...(o.validate ? { validate: o.validate } : {}) },
          context,
        ),
      ),
    confirm: (o) =>
      cancellable(() =>
        inquirer.confirm({ message: o.message, ...(o.default !== undefined ? { default: o.default } : {}) }, context),
      ),
    select: <T>(o: { message: string; choices: Choice<T>[]; default?: T }) =>
      cancellable(() =>
        inquirer.select<T>(
          { message: o.message, choices: o.choices, ...(o.default !== undefined ? { default: o.default } : {}) },
          context,
        ),
      ),
    checkbox: <T>(o: { message: string; choices: CheckboxChoice<T>[] }) =>
      cancellable(() => inquirer.checkbox<T>({ message: o.message, choices: o.choices }, context)),
  };
}

/** A scripted answer that stands for "the user pressed Ctrl+C here". */
export const CTRL_C: unique symbol = Symbol("Ctrl+C");

/** A {@link Prompter} for tests, with the questions it was asked. */
export interface ScriptedPrompter extends Prompter {
  /** The messages of the questions asked so far, in order. */
  readonly asked: string[];
  /** Answers not consumed yet (a test can assert it is 0). */
  readonly remaining: number;
}

/**
 * Answers questions from a list, in order. An answer may be:
 * - the value itself (`undefined` for input/select means "accept the default");
 * - {@link CTRL_C} or an Error instance, which is thrown instead (PromptCancelled for Ctrl+C).
 * Input answers go through the question's `validate`, like a user's would: an answer the
 * prompt would refuse fails the test with a clear message instead of slipping through.
 */
export function scriptedPrompter(answers: unknown[]): ScriptedPrompter {
  const queue = [...answers];
  const asked: string[] = [];
  function next(kind: string, message: string): unknown {
    asked.push(message);
    if (queue.length === 0) {
      throw new Error(`scriptedPrompter: no scripted answer for ${kind} question ${JSON.stringify(message)} (question ${asked.length})`);
    }
    const answer = queue.shift();
    if (answer === CTRL_C) throw new PromptCancelled();
    if (answer instanceof Error) throw answer;
    return answer;
  }
  function text(kind: string, o: { message: string; default?: string; validate?: Validate }): string {
    let answer = next(kind, o.message);
    if (answer === undefined) answer = o.default ?? "";
    if (typeof answer !== "string") {
      throw new Error(`scriptedPrompter: ${kind} question ${JSON.stringify(o.message)} needs a string answer, got ${JSON.stringify(answer)}`);
    }
    const verdict = o.validate?.(answer) ?? true;
    if (verdict !== true) {
      throw new Error(`scriptedPrompter: answer ${JSON.stringify(answer)} to ${JSON.stringify(o.message)} was refused: ${verdict}`);
    }
    return answer;
  }
  return {
    asked,
    get remaining() {
      return queue.length;
    },
    input: async (o) => text("input", o),
    password: async (o) => text("password", o),
    confirm: async (o) => {
      const answer = next("confirm", o.message);
      if (answer === undefined) return o.default ?? false;
      if (typeof answer !== "boolean") {
        throw new Error(`scriptedPrompter: confirm question ${JSON.stringify(o.message)} needs a boolean answer, got ${JSON.stringify(answer)}`);
      }
      return answer;
    },
    select: async <T>(o: { message: string; choices: Choice<T>[]; default?: T }) => {
      const answer = next("select", o.message);
      if (answer === undefined) {
        const fallback = o.default !== undefined ? o.default : o.choices[0]?.value;
        if (fallback === undefined) throw new Error(`scriptedPrompter: select ${JSON.stringify(o.message)} has no choices`);
        return fallback;
      }
      if (!o.choices.some((c) => Object.is(c.value, answer))) {
        throw new Error(`scriptedPrompter: ${JSON.stringify(answer)} is not a choice of ${JSON.stringify(o.message)}`);
      }
      return answer as T;
    },
    checkbox: async <T>(o: { message: string; choices: CheckboxChoice<T>[] }) => {
      const answer = next("checkbox", o.message);
      if (answer === undefined) return o.choices.filter((c) => c.checked).map((c) => c.value);
      if (!Array.isArray(answer)) {
        throw new Error(`scriptedPrompter: checkbox ${JSON.stringify(o.message)} needs an array answer`);
      }
      return answer as T[];
    },
  };
}

/**
 * A prompter that refuses every question: what commands get when stdin is not a terminal,
 * so that no code path can hang waiting for input. Commands should check first with
 * {@link requirePrompter} to name the flag.
 */
export function noTTYPrompter(): Prompter {
  const refuse = async (): Promise<never> => {
    throw new NoTTYError("the flag that gives this value (see --help)");
  };
  return { input: refuse, password: refuse, confirm: refuse, select: refuse, checkbox: refuse };
}

/**
 * The prompter, if questions may be asked; otherwise a {@link NoTTYError} naming `flag`.
 * `what` describes the missing answer ("the reply's title").
 */
export function requirePrompter(ctx: { prompter: Prompter; interactive: boolean }, flag: string, what?: string): Prompter {
  if (!ctx.interactive) throw new NoTTYError(flag, what);
  return ctx.prompter;
}
