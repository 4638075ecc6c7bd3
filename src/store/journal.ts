/**
 * A store that stays fast as it grows: the lowdb file is a snapshot, and each write
 * appends only the records that changed to `<path>.journal` (one JSON line, fsync'd).
 * Once the journal is big, it is folded into a new snapshot in the background.
 *
 * Why: rewriting the whole file costs ~0.4 s at 100,000 conversations; appending the
 * few records a burst touched costs about a millisecond, whatever the store's size.
 *
 * A journal line holds all scalars and the changed records: whole values (upserts and
 * deletions by key), or, so that a write costs what changed and not what a record holds,
 * changes against what earlier lines journaled: the new items of an `appendOnly` array
 * (`[start, ...items]`, placed at `start`), or what a collection's {@link RecordCodec}
 * makes of a record (the daemon journals a conversation's queued jobs one by one).
 *
 * Each line is numbered (`n`), and the snapshot's envelope holds the number of the last
 * line built before it was serialized (`journal`): replay skips the lines the snapshot
 * already holds, so a change is never applied twice, and applying a line over a snapshot
 * that holds changes not journaled yet at most rewrites them (items go at their `start`).
 * That is what makes rotation safe without stopping writes: at rotation the journal is
 * renamed to `.journal.old` and a fresh one is started; the snapshot written after that
 * holds everything the old journal did; only then is `.journal.old` removed. After a
 * crash, opening replays `.journal.old` and `.journal` over whatever snapshot is there.
 * A line is applied whole or not at all (a torn last line is ignored), so a journal cut
 * at any line replays to a state the store really had.
 *
 * Failures lose nothing: a write that fails is retried until it succeeds (the callers
 * wait; retry.ts). A fold that fails leaves the store writable: a rename that fails
 * leaves the journal as it was; a snapshot that fails keeps `.journal.old`, and while it
 * exists the journal is never renamed over it: the next fold only retries the snapshot.
 */
import { ioError, retell, shellQuote, StoreError } from "./errors.ts";
import { errnoCode, nodeFs, type StoreFileHandle, type StoreFs } from "./fs.ts";
import { deferred, type Deferred } from "./group-commit.ts";
import { Retrier, Trouble, type RetryOptions } from "./retry.ts";
import { NOT_STARTED, openStore, type OpenStoreOptions, type Store } from "./store.ts";

/** How to open a journaled store; `T`'s `collections` change record by record. */
export interface JournaledStoreOptions<T> extends OpenStoreOptions<T> {
  collections: readonly (keyof T & string)[];
  /**
   * Collections whose records are arrays changed in place only by adding items at the end:
   * a write journals just the new items. Whatever else changes such an array must replace
   * it with a new one (then it is journaled whole).
   */
  appendOnly?: readonly (keyof T & string)[];
  /** Collections whose records are journaled through a codec (see {@link RecordCodec}). */
  codecs?: Partial<Record<keyof T & string, RecordCodec>>;
  /** Fold the journal into a new snapshot once it is this big. Default 16 MiB. */
  compactBytes?: number;
  /**
   * Checks the data's shape once it is read: returns what is wrong (naming the record) or
   * undefined. A wrong shape is refused like a damaged file, naming the file that holds it.
   */
  check?: (data: unknown) => string | undefined;
  /** How a write that fails is retried (see retry.ts). */
  retry?: RetryOptions;
  /**
   * Aborted when the daemon stops. From then on a write that keeps failing is given up
   * after `retry.stopGraceMs` (its callers get the StoreError) instead of waiting for the
   * disk: the stop must not hang on a full disk.
   */
  shutdown?: AbortSignal;
}

/** Keys changed since the last write, per collection. The store empties them when it saves. */
export type Dirty<T> = Record<keyof T & string, Set<string>>;

/** An open journaled store. */
export interface JournaledStore<T> extends Store<T> {
  /** Mark records here (collection -> key) before write(); scalars are always saved. */
  readonly dirty: Dirty<T>;
  /** Bytes in the current journal (for tests and benchmarks). */
  journalBytes(): number;
  /**
   * Resolves once the current data is durably on disk. A write that fails (a full disk,
   * an I/O error, a folder made read-only) is retried with backoff until it succeeds:
   * callers wait, and the operator is told through `log` what to fix (at once, then every
   * `retry.remindMs`) and when it works again. Only once the store is stopping (`shutdown`,
   * close()) is a write that still fails given up, with a StoreError.
   */
  write(): Promise<void>;
  /**
   * {@link write}, told in two steps: `appended` resolves once the line holding the current
   * data is in the journal file (written, so it outlives a crash of this process, but not
   * yet fsync'd), `durable` as write() does. A line that cannot be appended (a full disk
   * refuses the write itself) settles `appended` only when an attempt gets it in, or rejects
   * it with the write. Lines stay in order: the next line may be appended while this one is
   * being synced, but a sync covers every line before it, and when a line is lost before its
   * sync every line after it goes too and is written again (one line) with it: nothing
   * written after `appended` can be durable before it.
   */
  stage(): { appended: Promise<void>; durable: Promise<void> };
  /**
   * Saves what is not saved yet (waiting at most `retry.stopGraceMs` for a failing disk),
   * then releases the lock. Rejects with a StoreError, whose hint says what to free and
   * what the next start does, when the last changes could not be saved.
   */
  close(): Promise<void>;
}

/**
 * Journals a collection's records as changes against what was journaled before. `encode`
 * may only look at what earlier lines wrote once their `commit` ran. `commit` runs once
 * the line is appended (the next line, built while this one is being synced, is relative
 * to it); a line that fails to be appended is built again from the same starting point,
 * and when appended lines are lost before their sync, `forget` is told of their records.
 */
export interface RecordCodec {
  /** A record as the store holds it at open (after replay): later lines are relative to it. */
  saved(value: unknown): void;
  /**
   * A changed record: `record` goes into the line's `c`, `extra` (if any) into its `x`; `commit`
   * runs once the line is appended. No `record`: the record is as earlier lines left it (only
   * `extra`, if any, is journaled), so a record removed from its collection must never be put
   * back as the same object (a new one is journaled whole).
   */
  encode(value: unknown): { record?: unknown; extra?: unknown; commit(): void };
  /**
   * What earlier lines wrote of this record may be lost (cut off after a failed sync): the
   * next `encode` of it must not be relative to them (journal it whole).
   */
  forget(value: unknown): void;
  /**
   * Replaying a line: the record now (undefined if none), and what `encode` made of it (`record`
   * undefined when it gave none) -> the record (undefined: there is none).
   */
  decode(current: unknown, record: unknown, extra: unknown): unknown;
}

/** `appendOnly` arrays at least this long at open have their length remembered (see openJournaledStore). */
const REMEMBERED_LENGTH = 96;

/** The envelope field holding the number of the last journal line a snapshot holds. */
const SEQ = "journal";

interface Line {
  /** The line's number; lines before numbering (store version 3) have none. */
  n?: number;
  /** Scalars: every key of T that is not a collection. */
  s: Record<string, unknown>;
  /** Changed records: collection -> key -> value, or null for a deleted record. */
  c: Record<string, Record<string, unknown>>;
  /** Items added to `appendOnly` arrays: collection -> key -> [start, ...items]. */
  a?: Record<string, Record<string, unknown[]>>;
  /** What codecs add to their records (in `c`, or alone when the record itself did not change): collection -> key -> extra. */
  x?: Record<string, Record<string, unknown>>;
}

/** What happens while a journal write fails. */
const WAITING =
  "meanwhile the desk waits (no update is confirmed to Telegram and no delivery is marked done before it is stored) " +
  "and retries by itself; it carries on as soon as the write succeeds, nothing is lost";
/** What happens when the daemon stops before a failing write succeeded. */
const GAVE_UP =
  "the daemon stopped before it could store its last changes. Nothing that was stored is lost: the next start " +
  "fetches the updates that were not stored from Telegram again, and may send the message each conversation had in flight a second time";
/** What happens when folding the journal fails. */
const FOLD_LATER = "nothing is lost: every change is in the journal, which grows until a fold succeeds; the fold is tried again later";

/** Opens (or creates) a journaled store; see the file comment for the format. */
export async function openJournaledStore<T extends object>(opts: JournaledStoreOptions<T>): Promise<JournaledStore<T>> {
  const label = opts.label ?? opts.path;
  const fs = opts.fs ?? nodeFs;
  const seq = { n: 0 };
  const snapshot = await openStore({ ...opts, envelope: () => ({ ...opts.envelope?.(), [SEQ]: seq.n }) });
  const journal = `${opts.path}.journal`;
  const old = `${journal}.old`;
  const data = snapshot.data as Record<string, unknown>;
  const held = snapshot.envelope?.[SEQ];
  seq.n = typeof held === "number" ? held : 0;
  let leftovers = false;
  try {
    shapeCheck(opts, data, label, undefined);
    for (const file of [old, journal]) {
      const had = await replay(fs, file, data, label, opts, seq);
      if (had) shapeCheck(opts, data, label, file);
      leftovers = had || leftovers;
    }
  } catch (err) {
    await snapshot.close();
    throw err;
  }
  const dirty = Object.fromEntries(opts.collections.map((c) => [c, new Set<string>()])) as Dirty<T>;
  if (opts.lock === undefined) {
    // Read-only (e.g. `clientes status` while the daemon runs): the replayed data is enough,
    // nothing is journaled, so nothing to remember.
    return {
      ...snapshot,
      data: snapshot.data,
      dirty,
      journalBytes: () => 0,
      stage() {
        const durable = snapshot.write(); // refused: read-only
        return { appended: durable, durable };
      },
    };
  }
  const lengths = new WeakMap<unknown[], number>();
  for (const collection of opts.appendOnly ?? []) {
    // Only arrays long enough for their first change to be worth journaling as new items: a
    // shorter one not remembered is journaled whole once (under 1 KB), and remembering every
    // customer's links cost 4 MB at 100,000 conversations.
    for (const value of Object.values((data[collection] ?? {}) as Record<string, unknown>)) if (Array.isArray(value) && value.length >= REMEMBERED_LENGTH) lengths.set(value, value.length);
  }
  for (const [collection, codec] of Object.entries(opts.codecs ?? {}) as Array<[string, RecordCodec]>) {
    for (const value of Object.values((data[collection] ?? {}) as Record<string, unknown>)) codec.saved(value);
  }
  let fh: StoreFileHandle;
  try {
    if (leftovers) {
      // Fold what the last run journaled into the snapshot, so the journal starts empty
      // (and a line a crash cut short is not continued by the next append).
      await snapshot.write().catch((err: unknown) => {
        throw err instanceof StoreError ? retell(err, NOT_STARTED) : err;
      });
      for (const file of [old, journal]) {
        await fs.unlink(file).catch((err: unknown) => {
          if (errnoCode(err) !== "ENOENT") throw ioError(err, `cannot remove ${file} after folding it into the snapshot`, label, { then: NOT_STARTED });
        });
      }
    }
    fh = await fs.open(journal, "a", 0o600).catch((err: unknown) => {
      throw ioError(err, `cannot open store journal ${label}.journal`, label, { then: NOT_STARTED });
    });
  } catch (err) {
    await snapshot.close();
    throw err;
  }
  return new Journal(opts, snapshot, dirty, fs, fh, seq, lengths);
}

/** What a line carried: its keys (to mark dirty again) and the values it encoded relative to earlier lines. */
interface Carried {
  keys: Array<[string, string[]]>;
  /** Codec records and `appendOnly` arrays, whose remembered state the line changed. */
  encoded: Array<[string, unknown]>;
}

/** A line in the journal file, not yet covered by a sync that succeeded. */
interface Unsynced {
  /** The journal's size with this line in it. */
  end: number;
  size: number;
  started: number;
  carried: Carried;
  /** The write() and stage() callers waiting for this line to be durable. */
  durable: Deferred[];
}

/** Callers waiting for the next line: it is built from the data as it is when it is appended. */
interface Want {
  appended: Deferred[];
  durable: Deferred[];
}

const newWant = (): Want => ({ appended: [deferred(true)], durable: [deferred(true)] });

/**
 * The writable journaled store (see the file comment and {@link JournaledStore}).
 *
 * Appends and syncs are pipelined: a line is appended as soon as it is asked for (once per
 * event-loop turn, whatever the number of write() calls in it), while the sync of the lines
 * before it may still run; syncs run one at a time, each covering every line appended before
 * it started (group commit). A line is built relative to the lines appended before it, durable
 * or not: its codec commits and `appendOnly` lengths are taken as it is appended. So when a
 * line not yet durable is lost (its append or a sync fails), every line after the last durable
 * one goes: the file is cut back to that size, their records are marked dirty again and
 * forgotten by the codecs (the retry carries them whole), and their callers wait for the retry.
 */
class Journal<T extends object> implements JournaledStore<T> {
  readonly dirty: Dirty<T>;
  readonly #opts: JournaledStoreOptions<T>;
  readonly #snapshot: Store<T>;
  readonly #fs: StoreFs;
  readonly #label: string;
  readonly #journal: string;
  readonly #old: string;
  readonly #compactBytes: number;
  readonly #retrier: Retrier;
  readonly #writeTrouble: Trouble;
  readonly #foldTrouble: Trouble;
  readonly #onShutdown = (): void => this.#retrier.stop();
  /** Undefined after a rotation: the next append opens the new journal. */
  #fh: StoreFileHandle | undefined;
  /** Bytes of durable lines in the current journal. */
  #durable = 0;
  /** Bytes of the lines appended to the current journal (durable or not). */
  #end = 0;
  /** The file may hold more than `#durable` worth keeping (a torn append, lines lost): cut it before the next line. */
  #damaged = false;
  readonly #unsynced: Unsynced[] = [];
  /** The sync in flight (its handlers never reject). */
  #syncing: Promise<void> | undefined;
  #want: Want | undefined;
  #scheduled = false;
  /** A retry after a failure, or a rotation, in progress: nothing is appended meanwhile but by it. */
  #gate: Promise<void> | undefined;
  /** A fold is due: appends wait until the lines in flight are durable, then the journal is renamed. */
  #foldDue = false;
  /** `.journal.old` exists: its lines are in no snapshot yet, so the journal must not be renamed over it. */
  #oldPending = false;
  #folding: Promise<void> | undefined;
  /** No fold attempt before this time (after a failed one), and the wait after the next failure. */
  #foldAfter = 0;
  #foldDelay: number;
  /** The last write was given up (at shutdown): the scalars are not saved either. */
  #unsaved = false;
  #closing: Promise<void> | undefined;
  /** The number of the last line built (the snapshot's envelope reads it). */
  readonly #seq: { n: number };
  /** Of each `appendOnly` array: how many of its items the journal holds. */
  readonly #lengths: WeakMap<unknown[], number>;

  constructor(opts: JournaledStoreOptions<T>, snapshot: Store<T>, dirty: Dirty<T>, fs: StoreFs, fh: StoreFileHandle, seq: { n: number }, lengths: WeakMap<unknown[], number>) {
    this.#opts = opts;
    this.#seq = seq;
    this.#lengths = lengths;
    this.#snapshot = snapshot;
    this.dirty = dirty;
    this.#fs = fs;
    this.#fh = fh;
    this.#label = opts.label ?? opts.path;
    this.#journal = `${opts.path}.journal`;
    this.#old = `${this.#journal}.old`;
    this.#compactBytes = opts.compactBytes ?? 16 * 1024 * 1024;
    this.#retrier = new Retrier(opts.retry);
    this.#foldDelay = this.#retrier.policy.firstMs;
    this.#writeTrouble = new Trouble(opts.log, "error", this.#retrier.policy.remindMs);
    this.#foldTrouble = new Trouble(opts.log, "warn", this.#retrier.policy.remindMs);
    if (opts.shutdown?.aborted) this.#retrier.stop();
    opts.shutdown?.addEventListener("abort", this.#onShutdown, { once: true });
  }

  get data(): T {
    return this.#snapshot.data;
  }

  journalBytes(): number {
    return this.#end;
  }

  write(): Promise<void> {
    return this.stage().durable;
  }

  stage(): { appended: Promise<void>; durable: Promise<void> } {
    if (this.#closing) {
      const refused = Promise.reject(new StoreError(`store ${this.#label} is closed`, "this is a bug in clientes: a write came after shutdown", { file: this.#label }));
      refused.catch(() => undefined);
      return { appended: refused, durable: refused };
    }
    const want = this.#request();
    return { appended: want.appended[0]!.promise, durable: want.durable[0]!.promise };
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#retrier.stop();
    await this.#idle();
    let failure: StoreError | undefined;
    if (this.#unsaved || Object.values<Set<string>>(this.dirty).some((keys) => keys.size > 0)) {
      await this.#request().durable[0]!.promise.catch((err: unknown) => {
        if (!(err instanceof StoreError)) throw err;
        failure = err;
      });
    }
    await this.#folding;
    this.#opts.shutdown?.removeEventListener("abort", this.#onShutdown);
    await this.#fh?.close().catch(() => undefined);
    await this.#snapshot.close(); // releases the lock
    if (failure) throw retell(failure, GAVE_UP, `store ${this.#label}: the last changes could not be saved: ${failure.message}`);
  }

  /** Resolves once no line is asked for, in flight or being retried. */
  async #idle(): Promise<void> {
    for (;;) {
      const busy = this.#gate ?? this.#syncing ?? this.#want?.durable[0]!.promise ?? this.#unsynced.at(-1)?.durable[0]?.promise;
      if (busy === undefined) return;
      await busy.catch(() => undefined);
    }
  }

  /** Asks for a line holding the data as it is now; write() calls of one event-loop turn share it. */
  #request(): Want {
    const want = (this.#want ??= newWant());
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.#pump();
      });
    }
    return want;
  }

  /** Appends the line asked for, unless a retry or a rotation holds appends (they pump once done). */
  #pump(): void {
    if (this.#want === undefined || this.#gate !== undefined || this.#foldDue) return;
    const fh = this.#fh;
    if (fh === undefined || this.#damaged) {
      // A fresh journal to open, or a file to cut: async, so through the retrying path.
      this.#recover(undefined);
      return;
    }
    try {
      this.#append(fh);
    } catch (err) {
      this.#recover(err);
      return;
    }
    this.#kickSync();
  }

  /** Starts a sync of every line appended so far, unless one runs (its end starts the next). */
  #kickSync(): void {
    if (this.#syncing !== undefined || this.#gate !== undefined || this.#unsynced.length === 0) return;
    const covered = this.#unsynced.length;
    this.#syncing = this.#fh!.datasync().then(
      () => {
        this.#syncing = undefined;
        this.#synced(covered);
        if (this.#gate === undefined) this.#resume();
      },
      (err: unknown) => {
        this.#syncing = undefined;
        this.#recover(this.#writeError(err, this.#unsynced.at(-1)?.size));
      },
    );
  }

  /** The first `covered` unsynced lines are durable; their callers are told, or put in `later`. */
  #synced(covered: number, later?: Deferred[]): void {
    const done = this.#unsynced.splice(0, covered);
    this.#durable = done.at(-1)!.end;
    this.#unsaved = false;
    const now = performance.now();
    for (const line of done) {
      if (later) later.push(...line.durable);
      else for (const d of line.durable) d.resolve();
      this.#opts.onWrite?.({ bytes: line.size, ms: now - line.started });
    }
  }

  /** After a sync, a retry or a rotation: fold if due, sync what waits, append what is asked for. */
  #resume(): void {
    this.#maybeFold();
    this.#kickSync();
    this.#pump();
  }

  /**
   * A line failed (`first`, told as the retry's first failure) or the journal must be opened
   * (undefined): retries until a line holding everything not durable is appended and synced.
   */
  #recover(first: unknown): void {
    if (this.#gate !== undefined) return; // the retry in progress covers it
    this.#gate = this.#retry(first).finally(() => {
      this.#gate = undefined;
      this.#resume();
    });
  }

  async #retry(first: unknown): Promise<void> {
    let failed = first;
    // Told once the retrier has logged that it works again, so that they see that line first.
    const durable: Deferred[] = [];
    try {
      await this.#retrier.run(
        async () => {
          if (failed !== undefined) {
            const err = failed;
            failed = undefined;
            throw err;
          }
          await this.#attempt(durable);
        },
        this.#writeTrouble,
        (s) => `store ${this.#label} written again after ${s.toFixed(1)} s: the desk carries on, nothing was lost`,
      );
    } catch (err) {
      await this.#syncing;
      this.#undo();
      this.#unsaved = true;
      const told = err instanceof StoreError ? retell(err, GAVE_UP) : err;
      const want = this.#want;
      this.#want = undefined;
      for (const d of [...(want?.appended ?? []), ...(want?.durable ?? [])]) d.reject(told);
      return;
    }
    for (const d of durable) d.resolve();
  }

  /** One attempt of the retrying path: everything not durable as one line, appended and synced. */
  async #attempt(durable: Deferred[]): Promise<void> {
    while (this.#syncing !== undefined) await this.#syncing;
    this.#undo();
    this.#want ??= newWant();
    try {
      this.#fh ??= await this.#fs.open(this.#journal, "a", 0o600);
      // Nothing of a lost line counts: cut it off, or the next line would be glued to it.
      if (this.#damaged) await this.#fh.truncate(this.#durable);
    } catch (err) {
      throw this.#writeError(err, undefined);
    }
    this.#damaged = false;
    const fh = this.#fh;
    this.#append(fh);
    try {
      await fh.datasync();
    } catch (err) {
      throw this.#writeError(err, this.#unsynced.at(-1)?.size); // the next attempt undoes the line
    }
    this.#synced(this.#unsynced.length, durable);
  }

  /**
   * Every line not durable is lost: its records are marked dirty again and forgotten by the
   * codecs and `appendOnly` (the next line carries them whole), its callers wait for that line.
   */
  #undo(): void {
    if (this.#unsynced.length === 0) return;
    const lines = this.#unsynced.splice(0);
    const want = (this.#want ??= newWant());
    for (const line of lines) {
      this.#carryBack(line.carried, true);
      want.durable.push(...line.durable);
    }
    this.#end = this.#durable;
    this.#damaged = true;
  }

  #carryBack(carried: Carried, forget: boolean): void {
    const data = this.data as Record<string, Record<string, unknown> | undefined>;
    for (const [collection, keys] of carried.keys) for (const k of keys) this.dirty[collection as keyof T & string].add(k);
    if (!forget) return;
    const forgetting = (collection: string, value: unknown): void => {
      const codec = this.#opts.codecs?.[collection as keyof T & string];
      if (codec) codec.forget(value);
      else if (Array.isArray(value)) this.#lengths.delete(value);
    };
    for (const [collection, value] of carried.encoded) forgetting(collection, value);
    // And what the records are now (a record replaced since): neither may be encoded against the lost lines.
    for (const [collection, keys] of carried.keys) {
      for (const k of keys) {
        const value = data[collection]?.[k];
        if (value !== undefined && value !== null) forgetting(collection, value);
      }
    }
  }

  /**
   * Builds the asked-for line (the scalars and every dirty record) and appends it (see
   * fs.ts appendSync for why synchronously); it counts as appended, its codec commits taken.
   * Throws the StoreError of a failed append, its records dirty again and its callers still
   * waiting for the next line.
   */
  #append(fh: StoreFileHandle): void {
    const started = performance.now();
    const { text, carried, commits } = this.#build(); // a bug thrown here leaves the callers waiting in #want, for the retry to reject
    const want = this.#want!;
    this.#want = undefined;
    const size = Buffer.byteLength(text);
    try {
      fh.appendSync(text);
    } catch (err) {
      this.#damaged = true;
      this.#carryBack(carried, false); // nothing committed: the next line is built from the same start
      this.#want = want;
      throw this.#writeError(err, size);
    }
    for (const commit of commits) commit();
    this.#end += size;
    this.#unsynced.push({ end: this.#end, size, started, carried, durable: want.durable });
    for (const d of want.appended) d.resolve();
  }

  #writeError(err: unknown, size: number | undefined): StoreError {
    if (err instanceof StoreError) return err;
    return ioError(err, `cannot write store journal ${this.#label}.journal`, this.#label, { then: WAITING, ...(size === undefined ? {} : { needs: size }) });
  }

  /**
   * The scalars and every dirty record as one line (the dirty sets emptied). The line's text
   * is put together from each record's own JSON, not stringified as one object: records are
   * keyed by customer ids, which JavaScript keeps as sparse array indexes (a slow store, and
   * JSON.stringify's slow path) in an object built per line.
   */
  #build(): { text: string; carried: Carried; commits: Array<() => void> } {
    const { collections } = this.#opts;
    const data = this.data as Record<string, unknown>;
    const scalars: Record<string, unknown> = {};
    for (const key of Object.keys(data)) {
      if (!(collections as readonly string[]).includes(key)) scalars[key] = data[key];
    }
    const carried: Carried = { keys: [], encoded: [] };
    const commits: Array<() => void> = [];
    const appendOnly = (this.#opts.appendOnly ?? []) as readonly string[];
    // The line's `c`, `a` and `x` (see Line), as "collection":{...} parts.
    const changed: string[] = [];
    const grown: string[] = [];
    const extended: string[] = [];
    for (const collection of collections) {
      const keys = this.dirty[collection];
      if (keys.size === 0) continue;
      const source = data[collection] as Record<string, unknown>;
      const codec = this.#opts.codecs?.[collection];
      const grows = appendOnly.includes(collection);
      let out = "";
      let added = "";
      let extras = "";
      for (const k of keys) {
        const value = source[k];
        const key = JSON.stringify(k);
        if (value === undefined || value === null) {
          out += `,${key}:null`;
        } else if (codec) {
          const { record, extra, commit } = codec.encode(value);
          if (record !== undefined) out += member(key, record);
          if (extra !== undefined) extras += member(key, extra);
          commits.push(commit);
          carried.encoded.push([collection, value]);
        } else if (grows && Array.isArray(value)) {
          const arr: unknown[] = value;
          const had = this.#lengths.get(arr);
          if (had === undefined || had > arr.length) out += member(key, arr);
          else if (had < arr.length) added += member(key, [had, ...arr.slice(had)]);
          const length = arr.length;
          commits.push(() => this.#lengths.set(arr, length));
          carried.encoded.push([collection, arr]);
        } else {
          out += member(key, value);
        }
      }
      const name = JSON.stringify(collection);
      // Each part starts with a comma: the first one's is dropped.
      if (out !== "") changed.push(`${name}:{${out.slice(1)}}`);
      if (added !== "") grown.push(`${name}:{${added.slice(1)}}`);
      if (extras !== "") extended.push(`${name}:{${extras.slice(1)}}`);
      carried.keys.push([collection, [...keys]]);
      keys.clear();
    }
    // Numbered as it is built: a snapshot serialized from now on holds what this line does.
    let text = `{"n":${++this.#seq.n},"s":${JSON.stringify(scalars)},"c":{${changed.join(",")}}`;
    if (grown.length > 0) text += `,"a":{${grown.join(",")}}`;
    if (extended.length > 0) text += `,"x":{${extended.join(",")}}`;
    return { text: `${text}}\n`, carried, commits };
  }

  /**
   * Folds the journal into a new snapshot once it is big (or retries a fold that failed).
   * The rename waits until no line is in flight (appends wait for it meanwhile); the
   * snapshot itself is written in the background.
   */
  #maybeFold(): void {
    this.#foldDue = false;
    if (this.#gate !== undefined || this.#folding !== undefined || this.#closing !== undefined) return;
    if (!this.#oldPending && this.#durable < this.#compactBytes) return;
    if (Date.now() < this.#foldAfter) return;
    if (this.#syncing !== undefined || this.#unsynced.length > 0) {
      this.#foldDue = true; // the end of the sync in flight comes back here
      return;
    }
    this.#gate = this.#rotate().finally(() => {
      this.#gate = undefined;
      this.#resume();
    });
  }

  async #rotate(): Promise<void> {
    if (!this.#oldPending) {
      try {
        await this.#fs.rename(this.#journal, this.#old);
      } catch (err) {
        // The journal and its handle are as they were: writes go on, the fold waits.
        this.#foldFailed(ioError(err, `cannot fold store journal ${this.#label}.journal (renaming it to .journal.old)`, this.#label, { then: FOLD_LATER }));
        return;
      }
      this.#oldPending = true;
      const rotated = this.#fh;
      this.#fh = undefined;
      this.#durable = this.#end = 0;
      this.#damaged = false;
      await rotated?.close().catch(() => undefined);
    }
    // The snapshot is serialized when its write starts, which is now or later: it holds
    // everything in `.journal.old`, so that file may go once the snapshot is durable.
    this.#folding = this.#snapshotOld().finally(() => {
      this.#folding = undefined;
    });
  }

  async #snapshotOld(): Promise<void> {
    try {
      await this.#snapshot.write();
    } catch (err) {
      this.#foldFailed(err instanceof StoreError ? err : ioError(err, `cannot write store ${this.#label}`, this.#label, { then: FOLD_LATER }));
      return;
    }
    try {
      await this.#fs.unlink(this.#old);
    } catch (err) {
      if (errnoCode(err) !== "ENOENT") {
        this.#foldFailed(ioError(err, `cannot remove ${this.#label}.journal.old after folding it into the snapshot`, this.#label, { then: FOLD_LATER }));
        return;
      }
    }
    this.#oldPending = false;
    this.#foldDelay = this.#retrier.policy.firstMs;
    this.#foldTrouble.ok((s) => `store ${this.#label}: its journal was folded into the snapshot again (after ${s.toFixed(1)} s of failures)`);
  }

  #foldFailed(err: StoreError): void {
    this.#foldTrouble.failed(retell(err, FOLD_LATER));
    this.#foldAfter = Date.now() + this.#foldDelay;
    // A fold rewrites the whole snapshot: on a full disk, try it less often than a journal line.
    this.#foldDelay = Math.min(this.#foldDelay * 2, 12 * this.#retrier.policy.maxMs);
  }
}

/** Throws a StoreError when `opts.check` finds the data's shape wrong; `journal` is the file replayed last, if any. */
function shapeCheck<T>(opts: JournaledStoreOptions<T>, data: unknown, label: string, journal: string | undefined): void {
  const problem = opts.check?.(data);
  if (problem === undefined) return;
  const file = journal ?? label;
  const aside = journal === undefined
    ? `move it aside to start with an empty store (open conversations and message links are forgotten): mv ${shellQuote(label)} ${shellQuote(`${label}.broken`)}`
    : `move the journal aside to start from the last snapshot (the changes after it are forgotten): mv ${shellQuote(journal)} ${shellQuote(`${journal}.broken`)}`;
  throw new StoreError(
    `store ${label} cannot be used: ${problem}${journal === undefined ? "" : ` (written by its journal ${journal})`}`,
    `the store was not changed; it was edited by hand or by another program. Fix that record in ${file} by hand, or ${aside}`,
    { file: label },
  );
}

/**
 * Applies a journal file's lines to `data`; a torn last line (a crash mid-append) is
 * ignored. Returns whether the file had any content.
 */
async function replay<T>(
  fs: StoreFs,
  file: string,
  data: Record<string, unknown>,
  label: string,
  opts: JournaledStoreOptions<T>,
  seq: { n: number },
): Promise<boolean> {
  const held = seq.n;
  const text = await fs.readFile(file).catch((err: unknown) => {
    if (errnoCode(err) === "ENOENT") return "";
    throw new StoreError(`cannot read store journal ${file}: ${(err as Error).message}`, "check the file's permissions", { file: label, cause: err });
  });
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw === "") continue;
    let line: Line;
    try {
      line = JSON.parse(raw) as Line;
    } catch {
      if (raw.includes("\0")) {
        // Zeros: blocks the system never wrote before it went down (a power cut while lines
        // were appended ahead of their sync, see #kickSync). No sync finished after this
        // line was appended, or its blocks would be on disk: neither it nor any line after
        // it was ever confirmed durable, and the lines after it build on it. Replay stops.
        opts.log?.warn(`store journal ${file} ends in blocks a crash left unwritten (from line ${i + 1}): the changes written after them were never confirmed and are not used; the desk starts from the line before`);
        break;
      }
      if (lines.slice(i + 1).every((l) => l === "")) break; // the last line, cut short by a crash
      throw new StoreError(
        `store journal ${file} is damaged at line ${i + 1}`,
        `the store was not changed. Move the journal aside to start from the last snapshot (changes after it are lost): mv '${file}' '${file}.broken'`,
        { file: label },
      );
    }
    if (line.n !== undefined) {
      if (line.n <= held) continue; // the snapshot holds it already
      seq.n = Math.max(seq.n, line.n);
    }
    applyLine(line, data, opts);
  }
  return text.length > 0;
}

/**
 * `,"key":value` for a line being built, or nothing for a value JSON leaves out (as
 * JSON.stringify of the whole line would).
 */
function member(key: string, value: unknown): string {
  const json = JSON.stringify(value);
  return json === undefined ? "" : `,${key}:${json}`;
}

/** Applies one journal line to `data`. */
function applyLine<T>(line: Line, data: Record<string, unknown>, opts: JournaledStoreOptions<T>): void {
  Object.assign(data, line.s);
  for (const [collection, records] of Object.entries(line.c)) {
    const target = (data[collection] ??= {}) as Record<string, unknown>;
    const codec = opts.codecs?.[collection as keyof T & string];
    const extras = line.x?.[collection];
    for (const [k, v] of Object.entries(records)) {
      if (v === null) delete target[k];
      else target[k] = codec ? codec.decode(target[k], v, extras?.[k]) : v;
    }
  }
  // Codec records journaled without their `c` (unchanged): only what the codec added.
  for (const [collection, extras] of Object.entries(line.x ?? {})) {
    const codec = opts.codecs?.[collection as keyof T & string];
    if (codec === undefined) continue;
    const target = (data[collection] ??= {}) as Record<string, unknown>;
    const records = line.c[collection];
    for (const [k, extra] of Object.entries(extras)) {
      if (records !== undefined && k in records) continue;
      const value = codec.decode(target[k], undefined, extra);
      if (value === undefined) delete target[k];
      else target[k] = value;
    }
  }
  for (const [collection, records] of Object.entries(line.a ?? {})) {
    const target = (data[collection] ??= {}) as Record<string, unknown>;
    for (const [k, [start, ...items]] of Object.entries(records)) {
      const arr = Array.isArray(target[k]) ? (target[k] as unknown[]) : (target[k] = []);
      // Items past `start` came with a snapshot serialized after this line was built: these are the same ones.
      arr.length = Math.min(arr.length, start as number);
      arr.push(...items);
    }
  }
}
