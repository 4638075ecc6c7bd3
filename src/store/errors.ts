import { dirname } from "node:path";
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
  /** The part of the hint that says what to do, without what happens meanwhile (see {@link retell}). */
  readonly fix: string;

  constructor(message: string, hint: string, options: { file: string; cause?: unknown; fix?: string }) {
    super(message, { hint, cause: options.cause });
    this.file = options.file;
    this.fix = options.fix ?? hint;
  }
}

/** Quotes a path for a shell command in a hint, only when it needs it. */
export function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/** `1.2 MB`-style size for messages. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * A StoreError for a file-system failure, with the fix for its errno. `then` says what
 * happens meanwhile or next (it differs: at start-up nothing starts, while running the
 * desk waits and retries); `needs` is how many bytes the write needed, when known.
 */
export function ioError(err: unknown, what: string, label: string, options: { then: string; needs?: number }): StoreError {
  const code = (err as NodeJS.ErrnoException).code;
  const folder = shellQuote(dirname(label) || ".");
  const fix =
    code === "ENOSPC" || code === "EDQUOT"
      ? `free disk space where the store lives (df -h ${folder})${options.needs === undefined ? "" : `; this write needs ${formatBytes(options.needs)}`}`
      : code === "EACCES" || code === "EPERM" || code === "EROFS"
        ? `make sure this user can write the folder and file (ls -ld ${folder} ${shellQuote(label)})`
        : code === "EISDIR"
          ? `${label} is a folder; point the config's "store" at a file`
          : `check the disk and the permissions of ${folder}`;
  return new StoreError(`${what}: ${(err as Error).message}`, `${fix}; ${options.then}`, { file: label, cause: err, fix });
}

/** The same error, its hint saying what happens in another situation (`then`), optionally with another message. */
export function retell(err: StoreError, then: string, message = err.message): StoreError {
  return new StoreError(message, `${err.fix}; ${then}`, { file: err.file, cause: err.cause ?? err, fix: err.fix });
}
