import type { Readable, Writable } from "node:stream";

/**
 * Everything a command may take from the process, handed in by `bin/` (the only place
 * that touches `process`). Tests build one with scripted streams.
 */
export interface Runtime {
  /** Arguments after the program name (process.argv.slice(2)). */
  argv: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  stdin: Readable & { isTTY?: boolean };
  /** isTTY: a terminal (colours); unset for pipes, files and tests. */
  stdout: Writable & { isTTY?: boolean };
  /** `isTTY` as process.stderr has it: log entries are laid out for a terminal, colours and a spinner, only on one. */
  stderr: Writable & { isTTY?: boolean };
  /** stderr's "device:inode", to tell whether it is the systemd journal (JOURNAL_STREAM); unset when unknown. */
  stderrId?: string;
  /** This process's id, for the store lock. */
  pid: number;
  /** Whether a process with this id is alive (a lock left by a dead one is stale). */
  isPidAlive(pid: number): boolean;
  /** Aborted when the process is asked to stop (SIGINT, SIGTERM). */
  shutdown: AbortSignal;
}

/** Exit codes every command returns. */
export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2, INTERRUPTED: 130 } as const;
