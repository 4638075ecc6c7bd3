import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { StoreError, shellQuote } from "./errors.ts";
import { errnoCode, nodeFs, type StoreFs } from "./fs.ts";

/** Who takes the lock: this process, and how to tell whether another one still runs. */
export interface LockOwner {
  pid: number;
  isPidAlive: (pid: number) => boolean;
}

/** A lock this process holds; release it exactly once. */
export interface HeldLock {
  readonly path: string;
  release(): Promise<void>;
}

/** What a lock file holds. */
interface LockInfo {
  pid: number;
  startedAt: string;
}

/** Locks held by this process, so a lock carrying our own pid can be told apart from one left by an earlier life of that pid. */
const heldHere = new Set<string>();

const MAX_ATTEMPTS = 5;

/**
 * Takes `lockPath` for one daemon. The file is created exclusively and holds
 * `{pid, startedAt}`. A lock whose pid is dead, or that does not hold a lock record
 * (garbage, empty), is stale and taken over. `label` names the store in messages.
 *
 * A lock with our own pid that this process does not hold is stale too: in a container
 * the daemon gets the same pid after every restart.
 */
export async function acquireLock(lockPath: string, label: string, owner: LockOwner, now: Date = new Date(), fs: StoreFs = nodeFs): Promise<HeldLock> {
  const mine = JSON.stringify({ pid: owner.pid, startedAt: now.toISOString() } satisfies LockInfo);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    if (await createExclusive(fs, lockPath, mine)) {
      heldHere.add(resolve(lockPath));
      return { path: lockPath, release: once(() => release(fs, lockPath, mine)) };
    }
    const seen = await fs.readFile(lockPath).catch(ignoreMissing);
    if (seen === null) continue; // released meanwhile: try again
    const info = parseLock(seen);
    if (info !== undefined && isLive(info, lockPath, owner)) {
      throw new StoreError(
        `store ${label} is in use by another clientes daemon (pid ${info.pid})`,
        `that daemon has been running since ${info.startedAt}; stop it first (kill ${info.pid}). ` +
          `If no clientes daemon is running (the pid now belongs to another program), remove the lock: rm ${shellQuote(`${label}.lock`)}`,
        { file: label },
      );
    }
    // Stale: remove it, unless someone replaced it since we looked.
    const again = await fs.readFile(lockPath).catch(ignoreMissing);
    if (again === seen) await fs.unlink(lockPath).catch(ignoreMissing);
  }
  throw new StoreError(
    `store ${label}: could not take the lock ${label}.lock (other clientes processes keep racing for it)`,
    `make sure only one clientes daemon is started for this store, then try again`,
    { file: label },
  );
}

function isLive(info: LockInfo, lockPath: string, owner: LockOwner): boolean {
  if (info.pid === owner.pid) return heldHere.has(resolve(lockPath));
  return owner.isPidAlive(info.pid);
}

function parseLock(text: string): LockInfo | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null) return undefined;
    const { pid, startedAt } = value as Record<string, unknown>;
    if (typeof pid !== "number" || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
    return { pid, startedAt: typeof startedAt === "string" ? startedAt : "an unknown time" };
  } catch {
    return undefined;
  }
}

/**
 * Creates the lock only if it does not exist. It is written to a temp file first and
 * then hard-linked into place (link fails if the target exists, like O_EXCL), so no
 * one ever reads a half-written lock; without hard links, plain O_EXCL.
 */
async function createExclusive(fs: StoreFs, lockPath: string, content: string): Promise<boolean> {
  const temp = `${lockPath}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await fs.writeFile(temp, content, { mode: 0o600, flag: "wx" });
    try {
      await fs.link(temp, lockPath);
      return true;
    } catch (err) {
      if (errnoCode(err) === "EEXIST") return false;
      // No hard links here (some network or FUSE filesystems).
    }
  } finally {
    await fs.unlink(temp).catch(() => {});
  }
  try {
    await fs.writeFile(lockPath, content, { mode: 0o600, flag: "wx" });
    return true;
  } catch (err) {
    if (errnoCode(err) === "EEXIST") return false;
    throw err;
  }
}

async function release(fs: StoreFs, lockPath: string, mine: string): Promise<void> {
  heldHere.delete(resolve(lockPath));
  // Only remove it if it is still ours (never another daemon's lock that took over).
  const current = await fs.readFile(lockPath).catch(ignoreMissing);
  if (current === mine) await fs.unlink(lockPath).catch(ignoreMissing);
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

function ignoreMissing(err: unknown): null {
  if (errnoCode(err) === "ENOENT") return null;
  throw err;
}
