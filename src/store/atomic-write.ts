import { randomBytes } from "node:crypto";
import { link, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Options for {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** File mode, applied exactly (not filtered by the umask). Default 0o600: stores and configs hold secrets and customer data. */
  mode?: number;
  /**
   * Keep the file being replaced under this name. It is a hard link, so it costs no
   * copy; on a filesystem without hard links the backup is skipped.
   */
  backup?: string;
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
  const dir = dirname(path);
  const temp = join(dir, `${tempPrefix(path)}${randomBytes(6).toString("hex")}.tmp`);
  const fh = await open(temp, "wx", options.mode ?? 0o600);
  try {
    try {
      await fh.chmod(options.mode ?? 0o600);
      await fh.writeFile(data, "utf8");
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (options.backup !== undefined) await linkBackup(path, options.backup);
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw err;
  }
  await syncDir(dir);
}

async function linkBackup(path: string, backup: string): Promise<void> {
  await unlink(backup).catch(() => {});
  // Best effort: no current file yet, or no hard links on this filesystem.
  await link(path, backup).catch(() => {});
}

/** Makes a rename durable. Some platforms cannot fsync a folder; the rename is then as durable as they allow. */
async function syncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, "r");
    await fh.sync();
  } catch {
    // EISDIR/EPERM/EINVAL on platforms without directory fsync.
  } finally {
    await fh?.close();
  }
}
