/**
 * A file layer that fails on purpose, for tests (the store's counterpart of the sandbox):
 * a disk that fills up and is freed again, and single operations that fail with a given
 * errno (a rename refused, an EIO on fsync). Pass `faulty.fs` as the store's `fs`.
 */
import { nodeFs, type StoreFileHandle, type StoreFs } from "./fs.ts";

/** Operations that can be made to fail. */
export type FsOp = "open" | "append" | "writeFile" | "sync" | "truncate" | "close" | "rename" | "unlink" | "link" | "readFile" | "copyFile";

/** A file layer under a test's control. */
export interface FaultyFs {
  readonly fs: StoreFs;
  /**
   * The disk is full from now on: every operation that adds data (appends, file writes,
   * copies) fails with ENOSPC. With `torn`, half of an append lands first, as write(2)
   * does when the disk fills up mid-line.
   */
  fill(options?: { torn?: boolean }): void;
  /** The disk fills up (as {@link fill}) once `appends` more appends have succeeded: a fault at a known point of a backlog. */
  fillAfter(appends: number, options?: { torn?: boolean }): void;
  /** The disk has room again. */
  free(): void;
  readonly full: boolean;
  /** The next `count` (default 1) `op`s on a path that `match` accepts (default: any) fail with `code`. */
  failNext(op: FsOp, code: string, options?: { count?: number; match?: (path: string) => boolean }): void;
  /**
   * From now on every fdatasync/fsync on a path `match` accepts (default: any) waits before
   * it reaches the disk, until `release()`: what was appended stays in the OS's cache, as
   * when the disk is slow to sync. `waiting` counts the syncs held right now. `release(code)`
   * makes the held syncs fail with `code` (an EIO after a slow sync); later syncs work.
   */
  holdSyncs(options?: { match?: (path: string) => boolean }): { readonly waiting: number; release(code?: string): void };
  /** Drops every armed failure and frees the disk: from now on it works. */
  heal(): void;
  /** Operations failed so far. */
  readonly failures: number;
}

interface Armed {
  op: FsOp;
  code: string;
  left: number;
  match: (path: string) => boolean;
}

/** Wraps `base` (default: the real file system) in a layer that fails when told to. */
export function faultyFs(base: StoreFs = nodeFs): FaultyFs {
  let full: { torn: boolean } | undefined;
  let fillLater: { left: number; torn: boolean } | undefined;
  const armed: Armed[] = [];
  let failures = 0;
  let hold: { match: (path: string) => boolean; waiting: number; gate: Promise<void>; code?: string } | undefined;
  const held = async (path: string, syscall: string): Promise<void> => {
    const h = hold;
    if (h === undefined || !h.match(path)) return;
    h.waiting += 1;
    try {
      await h.gate;
    } finally {
      h.waiting -= 1;
    }
    if (h.code !== undefined) throw errno(h.code, syscall, path);
  };

  const fail = (op: FsOp, path: string, syscall: string): void => {
    const a = armed.find((x) => x.op === op && x.left > 0 && x.match(path));
    if (a) {
      a.left -= 1;
      throw errno(a.code, syscall, path);
    }
  };
  const errno = (code: string, syscall: string, path: string): NodeJS.ErrnoException => {
    failures += 1;
    const text = code === "ENOSPC" ? "no space left on device" : code === "EIO" ? "i/o error" : code === "EACCES" ? "permission denied" : "operation failed";
    return Object.assign(new Error(`${code}: ${text}, ${syscall} '${path}'`), { code, syscall, path, errno: -1 });
  };
  const noSpace = (syscall: string, path: string): void => {
    if (full) throw errno("ENOSPC", syscall, path);
  };

  const wrap = (fh: StoreFileHandle, path: string): StoreFileHandle => ({
    appendSync(data) {
      fail("append", path, "write");
      if (full) {
        if (full.torn) fh.appendSync(data.slice(0, Math.floor(data.length / 2)));
        noSpace("write", path);
      }
      fh.appendSync(data);
      if (fillLater && --fillLater.left <= 0) {
        full = { torn: fillLater.torn };
        fillLater = undefined;
      }
    },
    async writeFile(data) {
      fail("writeFile", path, "write");
      noSpace("write", path);
      return fh.writeFile(data);
    },
    async sync() {
      fail("sync", path, "fsync");
      await held(path, "fsync");
      return fh.sync();
    },
    async datasync() {
      fail("sync", path, "fdatasync");
      await held(path, "fdatasync");
      return fh.datasync();
    },
    async truncate(length) {
      fail("truncate", path, "ftruncate");
      return fh.truncate(length);
    },
    chmod: (mode) => fh.chmod(mode),
    async close() {
      fail("close", path, "close");
      return fh.close();
    },
  });

  const fs: StoreFs = {
    async open(path, flags, mode) {
      fail("open", path, "open");
      return wrap(await base.open(path, flags, mode), path);
    },
    async readFile(path) {
      fail("readFile", path, "read");
      return base.readFile(path);
    },
    async writeFile(path, data, options) {
      fail("writeFile", path, "write");
      noSpace("write", path);
      return base.writeFile(path, data, options);
    },
    async rename(from, to) {
      fail("rename", from, "rename");
      return base.rename(from, to);
    },
    async unlink(path) {
      fail("unlink", path, "unlink");
      return base.unlink(path);
    },
    async link(existing, path) {
      fail("link", path, "link");
      return base.link(existing, path);
    },
    async copyFile(from, to) {
      fail("copyFile", to, "copyfile");
      noSpace("copyfile", to);
      return base.copyFile(from, to);
    },
    mkdir: (path, options) => base.mkdir(path, options),
    readdir: (path) => base.readdir(path),
  };

  return {
    fs,
    fill(options = {}) {
      full = { torn: options.torn ?? false };
    },
    fillAfter(appends, options = {}) {
      fillLater = { left: appends, torn: options.torn ?? false };
    },
    free() {
      full = undefined;
      fillLater = undefined;
    },
    get full() {
      return full !== undefined;
    },
    failNext(op, code, options = {}) {
      armed.push({ op, code, left: options.count ?? 1, match: options.match ?? (() => true) });
    },
    holdSyncs(options = {}) {
      let open!: () => void;
      const h: { match: (path: string) => boolean; waiting: number; gate: Promise<void>; code?: string } = {
        match: options.match ?? (() => true),
        waiting: 0,
        gate: new Promise<void>((r) => (open = r)),
      };
      hold = h;
      return {
        get waiting() {
          return h.waiting;
        },
        release(code) {
          if (code !== undefined) h.code = code;
          if (hold === h) hold = undefined;
          open();
        },
      };
    },
    heal() {
      full = undefined;
      fillLater = undefined;
      armed.length = 0;
    },
    get failures() {
      return failures;
    },
  };
}
