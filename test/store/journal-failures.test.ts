/**
 * Review: the journaled store after a write that failed (a full disk for a moment).
 * JournaledStore.write() documents: "Rejects with a StoreError when the file cannot be
 * written; the data stays in memory and the next write() tries again". Each test fails
 * today because of the bug it names and passes once it is fixed.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, open as openFile, rm } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openJournaledStore, StoreError } from "../../src/store/index.ts";

interface Data {
  offset: number;
  items: Record<string, { n: number }>;
}

const lock = { pid: 4242, isPidAlive: () => false };
const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function storePath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "clientes-review-journal-"));
  dirs.push(dir);
  return join(dir, "s.json");
}

function open(path: string) {
  return openJournaledStore<Data>({ path, version: 1, defaults: () => ({ offset: 0, items: {} }), collections: ["items"], lock });
}

/**
 * The next FileHandle.appendFile fails with ENOSPC, as a full disk does. With `partial`, it
 * first writes half of the data, as write(2) does when the disk fills up mid-line.
 */
async function failNextAppend(partial: boolean): Promise<() => void> {
  const probe = await openFile(join(tmpdir(), "."), "r");
  const proto = Object.getPrototypeOf(probe) as { appendFile: FileHandle["appendFile"] };
  await probe.close();
  const original = proto.appendFile;
  let armed = true;
  proto.appendFile = async function (this: FileHandle, data: string | Uint8Array, options?: unknown) {
    if (!armed) return original.call(this, data, options as never);
    armed = false;
    if (partial) await original.call(this, String(data).slice(0, Math.floor(String(data).length / 2)), options as never);
    throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
  };
  return () => {
    proto.appendFile = original;
  };
}

test("a record changed before a failed journal write is saved by the next write", async () => {
  const path = await storePath();
  const s = await open(path);
  s.data.items.a = { n: 1 };
  s.dirty.items.add("a");
  const restore = await failNextAppend(false);
  try {
    await assert.rejects(s.write(), StoreError, "the full disk is reported");
  } finally {
    restore();
  }
  // The disk has room again; the daemon goes on and writes its next change.
  s.data.offset = 2;
  s.data.items.b = { n: 2 };
  s.dirty.items.add("b");
  await s.write();
  await s.close();

  const again = await open(path);
  try {
    assert.equal(again.data.offset, 2);
    assert.deepEqual(again.data.items.b, { n: 2 });
    assert.deepEqual(again.data.items.a, { n: 1 }, "record a, written before the failure, is lost although the offset moved past it");
  } finally {
    await again.close();
  }
});

test("a journal line cut short by a full disk does not take the next writes with it", async () => {
  const path = await storePath();
  const s = await open(path);
  s.data.items.a = { n: 1 };
  s.dirty.items.add("a");
  const restore = await failNextAppend(true);
  try {
    await assert.rejects(s.write(), StoreError);
  } finally {
    restore();
  }
  for (const k of ["b", "c"]) {
    s.data.items[k] = { n: 2 };
    s.dirty.items.add(k);
    await s.write(); // each resolves: "durably on disk"
  }
  await s.close();

  // Reopening must work and hold what the successful writes stored.
  const again = await open(path);
  try {
    assert.deepEqual(again.data.items.b, { n: 2 }, "a write that resolved is on disk");
    assert.deepEqual(again.data.items.c, { n: 2 });
  } finally {
    await again.close();
  }
});
