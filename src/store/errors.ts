import { OperatorError } from "../errors.ts";

/**
 * A store problem the user has to act on: the message says what is wrong with which
 * file, the hint says exactly what to do about it (usually a command to run).
 */
export class StoreError extends OperatorError {
  override name = "StoreError";
  /** How to recover, e.g. the command that restores the backup. */
  declare readonly hint: string;
  /** The store file, as named in the message. */
  readonly file: string;

  constructor(message: string, hint: string, options: { file: string; cause?: unknown }) {
    super(message, { hint, cause: options.cause });
    this.file = options.file;
  }
}

/** Quotes a path for a shell command in a hint, only when it needs it. */
export function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
