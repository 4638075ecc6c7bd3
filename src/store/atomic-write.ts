import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { nodeFs, type StoreFileHandle, type StoreFs } from "./fs.ts";

/** Options for {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** File mode, applied exactly (not filtered by the umask). Default 0o600: stores and configs hold secrets and customer data. */
  mode?: number;
  /**
   * Keep the file being replaced under this name. It is a hard link, so it costs no
   * copy; on a filesystem without hard links the backup is skipped.
   */
  backup?: string;
  /** The file layer (tests inject faults here). Default: node:fs. */
  fs?: StoreFs;
}

/** The temp-file prefix used for `path`, so leftovers of a crash can be found and removed. */
export function tempPrefix(path: string): string {
  return `.${basename(path)}.`;
}

/**
 * Replaces `path` with `data` so that, whatever happens (crash, power loss, full disk),
 * the file holds either the old or the new content, never a mix: write a temp file in
 * the same folder, fsync it, rename it over the target, fsync the folder.
 */
export async function writeFileAtomic(path: string, data: string, options: AtomicWriteOptions = {}): Promise<void> {
  const fs = options.fs ?? nodeFs;
  const dir = dirname(path);
  const temp = join(dir, `${tempPrefix(path)}${randomBytes(6).toString("hex")}.tmp`);
  const fh = await fs.open(temp, "wx", options.mode ?? 0o600);
  try {
    try {
      await fh.chmod(options.mode ?? 0o600);
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (options.backup !== undefined) await linkBackup(fs, path, options.backup);
    await fs.rename(temp, path);
  } catch (err) {
    await fs.unlink(temp).catch(() => {});
    throw err;
  }
  await syncDir(fs, dir);
}

async function linkBackup(fs: StoreFs, path: string, backup: string): Promise<void> {
  await fs.unlink(backup).catch(() => {});
  // Best effort: no current file yet, or no hard links on this filesystem.
  await fs.link(path, backup).catch(() => {});
}

/** Makes a rename durable. Some platforms cannot fsync a folder; the rename is then as durable as they allow. */
async function syncDir(fs: StoreFs, dir: string): Promise<void> {
  let fh: StoreFileHandle | undefined;
  try {
    fh = await fs.open(dir, "r");
    await fh.sync();
  } catch {
    // EISDIR/EPERM/EINVAL on platforms without directory fsync.
  } finally {
    await fh?.close().catch(() => {});
  }
}
