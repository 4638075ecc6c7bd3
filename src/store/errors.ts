/**
 * A store problem the user has to act on: the message says what is wrong with which
 * file, the hint says exactly what to do about it (usually a command to run).
 */
export class StoreError extends Error {
  override name = "StoreError";
  /** How to recover, e.g. the command that restores the backup. */
  readonly hint: string;
  /** The store file, as named in the message. */
  readonly file: string;

  constructor(message: string, hint: string, options: { file: string; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = hint;
    this.file = options.file;
  }
}

/** Quotes a path for a shell command in a hint, only when it needs it. */
export function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
