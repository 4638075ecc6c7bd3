/** Whether the files clientes writes (config, store, replies) can be written where they are set. */
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { dirname } from "node:path";

/** Can `path` be created or replaced by this user? */
export type Writable = { ok: true; exists: boolean } | { ok: false; reason: string };

/**
 * Whether `path` can be written: an existing file must be writable and not a folder; a
 * missing one needs its nearest existing parent to be a writable folder (missing folders
 * in between are created by whoever writes it). Never creates anything.
 */
export async function checkWritable(path: string): Promise<Writable> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => err);
  if (!(info instanceof Error)) {
    if (info.isDirectory()) return { ok: false, reason: `${path} is a folder, not a file` };
    const denied = await access(path, constants.W_OK).then(() => undefined, (err: NodeJS.ErrnoException) => err);
    return denied ? { ok: false, reason: `${path} cannot be written (${denied.code ?? denied.message})` } : { ok: true, exists: true };
  }
  if (info.code === "ENOTDIR") return { ok: false, reason: await notAFolder(path) };
  if (info.code !== "ENOENT") return { ok: false, reason: `${path} cannot be checked (${info.code ?? info.message})` };
  let parent = dirname(path);
  for (;;) {
    const p = await stat(parent).catch((err: NodeJS.ErrnoException) => err);
    if (!(p instanceof Error)) {
      if (!p.isDirectory()) return { ok: false, reason: `${parent} is a file, not a folder` };
      const denied = await access(parent, constants.W_OK).then(() => undefined, (err: NodeJS.ErrnoException) => err);
      return denied ? { ok: false, reason: `the folder ${parent} cannot be written (${denied.code ?? denied.message})` } : { ok: true, exists: false };
    }
    if (p.code === "ENOTDIR") return { ok: false, reason: await notAFolder(parent) };
    const up = dirname(parent);
    if (up === parent) return { ok: false, reason: `no existing folder above ${path}` };
    parent = up;
  }
}

/** For ENOTDIR: names the ancestor that is a file. */
async function notAFolder(path: string): Promise<string> {
  let parent = dirname(path);
  for (;;) {
    const p = await stat(parent).catch(() => undefined);
    if (p && !p.isDirectory()) return `${parent} is a file, not a folder`;
    const up = dirname(parent);
    if (up === parent) return `a part of ${path} is a file, not a folder`;
    parent = up;
  }
}
