import { dirname, join } from "node:path";
import { Low, type Adapter } from "lowdb";
import { tempPrefix, writeFileAtomic } from "./atomic-write.ts";
import { ioError, retell, StoreError, shellQuote } from "./errors.ts";
import { errnoCode, nodeFs, type StoreFs } from "./fs.ts";
import { GroupCommit } from "./group-commit.ts";
import { describeJsonError } from "./json-error.ts";
import { acquireLock, type HeldLock, type LockOwner } from "./lock.ts";
import type { StoreLog } from "./retry.ts";

export { StoreError } from "./errors.ts";

/** How to open a store. The data's shape belongs to the caller; the store only keeps it safe. */
export interface OpenStoreOptions<T> {
  /** The store file (the daemon passes the config's absolute `store`). */
  path: string;
  /** Data for a store that does not exist yet. */
  defaults: () => T;
  /** The data version this code reads and writes. */
  version: number;
  /** Upgrades data written with an older version; without it an older file is refused. */
  migrate?: (data: unknown, fromVersion: number) => T;
  /** Take the daemon lock (`<path>.lock`). Omit to open read-only, without a lock (for `status`). */
  lock?: LockOwner;
  /** How messages name the file, e.g. the path relative to the working folder. Default: `path`. */
  label?: string;
  /** Called after every file write, e.g. to log slow writes. */
  onWrite?: (info: { bytes: number; ms: number }) => void;
  /** Told about trouble the store deals with itself (a write being retried, a lock it could not remove). */
  log?: StoreLog;
  /** The file layer; tests inject a full disk or failing renames here (see faults.ts). Default: node:fs. */
  fs?: StoreFs;
  /**
   * More fields for the file's envelope, computed each time the file is serialized (the
   * journal keeps its line number there: see journal.ts). Read back as {@link Store.envelope}.
   */
  envelope?: () => Record<string, unknown>;
}

/** An open store. */
export interface Store<T> {
  /** Mutate in place, then call write(). */
  readonly data: T;
  /** The envelope's fields besides `version` and `data`, as read from the file (see {@link OpenStoreOptions.envelope}). */
  readonly envelope?: Record<string, unknown>;
  /**
   * Resolves once the current data is durably on disk. Calls made while a write is in
   * flight are coalesced into ONE next write (group commit), so a burst of N writes
   * costs ~2 file writes, not N. Rejects with a StoreError when the file cannot be
   * written; the data stays in memory and the next write() tries again. (The journaled
   * store the daemon uses retries by itself instead: see journal.ts.)
   */
  write(): Promise<void>;
  /**
   * Flushes a pending write and releases the lock. A lock that cannot be removed is only
   * a warning (told to `log`): the next start takes over a lock whose daemon is gone.
   */
  close(): Promise<void>;
}

/**
 * Opens the JSON store at `opts.path` (`{"version": N, "data": ...}` on disk).
 *
 * With `lock`: one daemon per store; parent folders and the file are created; leftover
 * temp files of a crash are removed; an older version is migrated, the original kept
 * as `<path>.v<N>.bak`, and written back. Each write keeps the file it replaces as
 * `<path>.bak` (a hard link: no copy).
 *
 * A file that cannot be parsed, is not a store, or has a newer version is never
 * touched: a StoreError says what is wrong and how to recover.
 */
export async function openStore<T>(opts: OpenStoreOptions<T>): Promise<Store<T>> {
  const label = opts.label ?? opts.path;
  const fs = opts.fs ?? nodeFs;
  const adapter = new EnvelopeFile<T>(opts, label, fs);
  const low = new Low<T>(adapter, opts.defaults());

  if (opts.lock === undefined) {
    await low.read();
    return readOnlyStore(low, adapter, label);
  }

  await fs.mkdir(dirname(opts.path), { recursive: true, mode: 0o700 }).catch((err: unknown) => {
    throw ioError(err, `cannot create the folder of store ${label}`, label, { then: NOT_STARTED });
  });
  const lock = await acquireLock(`${opts.path}.lock`, label, opts.lock, new Date(), fs).catch((err: unknown) => {
    throw err instanceof StoreError ? err : ioError(err, `cannot lock store ${label}`, label, { then: NOT_STARTED });
  });
  try {
    await removeLeftoverTemps(fs, opts.path);
    await low.read();
    const found = adapter.foundVersion;
    if (found !== undefined && found < opts.version) {
      await fs.copyFile(opts.path, `${opts.path}.v${found}.bak`).catch((err: unknown) => {
        throw ioError(err, `cannot keep a copy of store ${label} before upgrading it`, label, { then: NOT_STARTED });
      });
    }
    if (found !== opts.version) {
      await low.write().catch((err: unknown) => {
        throw err instanceof StoreError ? retell(err, NOT_STARTED) : err;
      });
    }
  } catch (err) {
    await releaseOrWarn(lock, label, opts.log);
    throw err;
  }
  return writableStore(low, adapter, lock, label, opts.log);
}

/** What happens when opening fails. */
export const NOT_STARTED = "the store was not changed; start clientes again once that is fixed";

/** Releases the lock; failing to remove it only earns a warning (a lock whose daemon is gone is taken over). */
export async function releaseOrWarn(lock: HeldLock, label: string, log: StoreLog | undefined): Promise<void> {
  try {
    await lock.release();
  } catch (err) {
    log?.warn(
      `could not remove the lock ${label}.lock: ${(err as Error).message} ` +
        `(hint: nothing is lost; the next start takes it over once this process is gone, or remove it by hand: rm ${shellQuote(`${label}.lock`)})`,
    );
  }
}

function readOnlyStore<T>(low: Low<T>, adapter: EnvelopeFile<T>, label: string): Store<T> {
  return {
    get data() {
      return low.data;
    },
    envelope: adapter.foundExtra,
    write: () =>
      Promise.reject(
        new StoreError(`store ${label} was opened read-only`, "this is a bug in clientes: only the daemon writes the store", {
          file: label,
        }),
      ),
    close: async () => {},
  };
}

function writableStore<T>(low: Low<T>, adapter: EnvelopeFile<T>, lock: HeldLock, label: string, log: StoreLog | undefined): Store<T> {
  let closed = false;
  return {
    get data() {
      return low.data;
    },
    envelope: adapter.foundExtra,
    write() {
      if (closed) {
        return Promise.reject(
          new StoreError(`store ${label} is closed`, "this is a bug in clientes: a write came after shutdown", { file: label }),
        );
      }
      return low.write();
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await adapter.idle();
      } finally {
        await releaseOrWarn(lock, label, log);
      }
    },
  };
}

/** The lowdb adapter: a versioned envelope, strict reading, atomic group-committed writes. */
class EnvelopeFile<T> implements Adapter<T> {
  /** The version found on disk by the last read; undefined when there was no file. */
  foundVersion: number | undefined;
  /** The envelope's other fields found by the last read. */
  foundExtra: Record<string, unknown> = {};
  readonly #opts: OpenStoreOptions<T>;
  readonly #label: string;
  readonly #fs: StoreFs;
  readonly #commit = new GroupCommit(() => this.#flush());
  #latest: T | undefined;

  constructor(opts: OpenStoreOptions<T>, label: string, fs: StoreFs) {
    this.#opts = opts;
    this.#label = label;
    this.#fs = fs;
  }

  async read(): Promise<T | null> {
    const { path, version, migrate } = this.#opts;
    const label = this.#label;
    const text = await this.#fs.readFile(path).catch((err: unknown) => {
      if (errnoCode(err) === "ENOENT") return null;
      throw ioError(err, `cannot read store ${label}`, label, { then: NOT_STARTED });
    });
    this.foundVersion = undefined;
    if (text === null) return null;

    const decoded = decodeEnvelope(text, version);
    if ("problem" in decoded) {
      throw new StoreError(`store ${label} cannot be used: ${decoded.problem}`, await recoveryHint(this.#fs, path, label, version, decoded), {
        file: label,
      });
    }
    this.foundVersion = decoded.version;
    this.foundExtra = decoded.extra;
    if (decoded.version === version) return decoded.data as T;
    if (migrate === undefined) {
      throw new StoreError(
        `store ${label} has data version ${decoded.version}, older than this clientes reads (${version}), and there is no migration for it`,
        "this is a bug in clientes; the file was not changed. Run the clientes version that wrote it meanwhile",
        { file: label },
      );
    }
    try {
      return migrate(decoded.data, decoded.version);
    } catch (err) {
      throw new StoreError(
        `store ${label}: upgrading its data from version ${decoded.version} to ${version} failed: ${(err as Error).message}`,
        "the file was not changed; this is a bug in clientes. Run the clientes version that wrote it meanwhile",
        { file: label, cause: err },
      );
    }
  }

  write(data: T): Promise<void> {
    this.#latest = data;
    return this.#commit.request();
  }

  idle(): Promise<void> {
    return this.#commit.idle();
  }

  async #flush(): Promise<void> {
    const { path, version, onWrite, envelope } = this.#opts;
    const started = performance.now();
    // Serialized here, when the write starts, so it holds every change made before it.
    const text = JSON.stringify({ version, ...envelope?.(), data: this.#latest });
    try {
      await writeFileAtomic(path, text, { mode: 0o600, backup: `${path}.bak`, fs: this.#fs });
    } catch (err) {
      throw ioError(err, `cannot write store ${this.#label}`, this.#label, {
        then: "nothing was lost: the data is still in memory, and the next write tries again",
        needs: Buffer.byteLength(text),
      });
    }
    onWrite?.({ bytes: Buffer.byteLength(text), ms: performance.now() - started });
  }
}

type Decoded = { version: number; data: unknown; extra: Record<string, unknown> } | { problem: string; newer?: true; line?: number };

/** Parses and checks the envelope; never throws. */
function decodeEnvelope(text: string, supported: number): Decoded {
  // Not /\S/.test(text): V8 keeps the last regexp subject alive until another regexp runs, and
  // here that is the whole file (115 MB of heap at 100,000 conversations; test/bench, store scale).
  if (text.trim() === "") return { problem: "the file is empty (was it cut short by a full disk or a crash?)" };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const where = describeJsonError(text, err);
    const at = where.line === undefined ? "" : ` at line ${where.line}, column ${where.column}`;
    return where.line === undefined ? { problem: `invalid JSON: ${where.reason}` } : { problem: `invalid JSON${at}: ${where.reason}`, line: where.line };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw) || !("data" in raw) || !("version" in raw)) {
    return { problem: 'it is not a clientes store (expected {"version": N, "data": ...})' };
  }
  const { version, data, ...extra } = raw as { version: unknown; data: unknown };
  if (typeof version !== "number" || !Number.isSafeInteger(version) || version < 0) {
    return { problem: `it is not a clientes store ("version" is ${JSON.stringify(version)}, expected a whole number)` };
  }
  if (version > supported) {
    return { problem: `it was written by a newer clientes (data version ${version}; this one reads up to ${supported})`, newer: true };
  }
  return { version, data, extra };
}

/** Exact commands to get going again, preferring the backup when it is usable. */
async function recoveryHint(fs: StoreFs, path: string, label: string, supported: number, problem: { newer?: true; line?: number }): Promise<string> {
  const file = shellQuote(label);
  const backup = shellQuote(`${label}.bak`);
  const backupText = await fs.readFile(`${path}.bak`).catch(() => undefined);
  const backupOk = backupText !== undefined && "data" in decodeEnvelope(backupText, supported);
  const untouched = "The file was not changed.";
  if (problem.newer) {
    return (
      `${untouched} Run the newer clientes again, or restore a copy from before the upgrade ` +
      `(keep the current file aside first: mv ${file} ${shellQuote(`${label}.newer`)}).`
    );
  }
  if (backupOk) {
    return (
      `${untouched} The previous version is in ${backup}; restore it (the damaged file is kept aside): ` +
      `mv ${file} ${shellQuote(`${label}.broken`)} && cp ${backup} ${file}`
    );
  }
  const fix = problem.line === undefined ? "Fix it by hand" : `Fix it by hand at line ${problem.line}`;
  return (
    `${untouched} ${fix}, or move it aside to start with an empty store ` +
    `(open conversations and message links are forgotten): mv ${file} ${shellQuote(`${label}.broken`)}`
  );
}

/** Temp files of a write that a crash interrupted (only the lock holder writes them). */
async function removeLeftoverTemps(fs: StoreFs, path: string): Promise<void> {
  const dir = dirname(path);
  const prefix = tempPrefix(path);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    names.filter((n) => n.startsWith(prefix) && n.endsWith(".tmp")).map((n) => fs.unlink(join(dir, n)).catch(() => {})),
  );
}
