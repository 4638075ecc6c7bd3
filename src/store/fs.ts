/**
 * The file operations the store uses, and nothing else: one seam where tests put a disk
 * that fills up, fails to rename or returns EIO (see faults.ts), so every failure path of
 * the store runs against the real code.
 */
import { writeSync } from "node:fs";
import * as fsp from "node:fs/promises";

/** An open file, as the store uses it. */
export interface StoreFileHandle {
  /**
   * Appends `data` with write(2) on this thread, not through libuv's thread pool. A journal
   * line is 0.1–2 KB going into the page cache: the call takes microseconds, where the pool
   * costs a hand-off to a worker and back (an event-loop turn, CPU on both sides) and, worse,
   * a wait behind whatever holds the pool's 4 workers: the fdatasync of the line before
   * (p99 ~21 ms on the bench's disk), a snapshot being written. The deliverer starts a copy
   * once its line is appended (R25), so that wait was added latency. The risk: a write(2)
   * that blocks (the kernel throttling a process with too many dirty pages, a stalled network
   * file system) stalls the event loop for that long; the desk can do nothing useful without
   * its line meanwhile, and fdatasync (the slow part) stays in the pool.
   */
  appendSync(data: string): void;
  writeFile(data: string): Promise<void>;
  /** fsync. */
  sync(): Promise<void>;
  /** fdatasync. */
  datasync(): Promise<void>;
  truncate(length: number): Promise<void>;
  chmod(mode: number): Promise<void>;
  close(): Promise<void>;
}

/** The file system as the store uses it (node:fs/promises by default). */
export interface StoreFs {
  open(path: string, flags: string, mode?: number): Promise<StoreFileHandle>;
  readFile(path: string): Promise<string>;
  writeFile(path: string, data: string, options: { mode: number; flag: string }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  link(existing: string, path: string): Promise<void>;
  copyFile(from: string, to: string): Promise<void>;
  mkdir(path: string, options: { recursive: true; mode: number }): Promise<void>;
  readdir(path: string): Promise<string[]>;
}

/** The real file system. */
export const nodeFs: StoreFs = {
  async open(path, flags, mode) {
    const fh = await fsp.open(path, flags, mode);
    return {
      // One write call, not FileHandle.appendFile (its generic writeFile path costs ~4% of the
      // daemon's CPU per relayed message: test/bench, throughput --profile).
      appendSync(data) {
        const buf = Buffer.from(data, "utf8");
        for (let at = 0; at < buf.length; ) at += writeSync(fh.fd, buf, at, buf.length - at);
      },
      writeFile: (data) => fh.writeFile(data, "utf8"),
      sync: () => fh.sync(),
      datasync: () => fh.datasync(),
      truncate: (length) => fh.truncate(length),
      chmod: (m) => fh.chmod(m),
      close: () => fh.close(),
    };
  },
  readFile: (path) => fsp.readFile(path, "utf8"),
  writeFile: (path, data, options) => fsp.writeFile(path, data, options),
  rename: (from, to) => fsp.rename(from, to),
  unlink: (path) => fsp.unlink(path),
  link: (existing, path) => fsp.link(existing, path),
  copyFile: (from, to) => fsp.copyFile(from, to),
  mkdir: async (path, options) => {
    await fsp.mkdir(path, options);
  },
  readdir: (path) => fsp.readdir(path),
};

/** The errno code of a file-system error (`ENOSPC`, `EIO`, …), if it has one. */
export function errnoCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}
