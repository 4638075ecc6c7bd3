/** Whether a clientes daemon holds a store (its `<store>.lock`), without touching the lock. */
import { readFile } from "node:fs/promises";

/**
 * The pid of the live daemon that holds `storePath`'s lock, or undefined when none does
 * (no lock file, an unreadable one, or one left by a dead process). `selfPid` is never
 * "a daemon": a lock with our own pid was left by an earlier life of this pid.
 */
export async function runningDaemonPid(storePath: string, isPidAlive: (pid: number) => boolean, selfPid: number): Promise<number | undefined> {
  const text = await readFile(`${storePath}.lock`, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  let pid: unknown;
  try {
    pid = (JSON.parse(text) as { pid?: unknown }).pid;
  } catch {
    return undefined;
  }
  if (typeof pid !== "number" || !Number.isSafeInteger(pid) || pid <= 0 || pid === selfPid) return undefined;
  return isPidAlive(pid) ? pid : undefined;
}
