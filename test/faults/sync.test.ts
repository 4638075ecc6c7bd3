/**
 * Fault suite, a journal slow to sync (R25 durable-offset, R13 nothing-lost): a customer's
 * message goes out to the thread while the line that holds it is written but not yet
 * synced; the offset waits for the sync. The real daemon in its own process (its store's
 * syncs held on command: fixtures/held-sync-daemon.ts) is SIGKILLed before the sync ends,
 * with the line surviving (a crash of the process: the OS has it) and lost (a power cut).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { open, stat, truncate } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { openStateStore } from "../../src/daemon/daemon.ts";
import type { Sandbox } from "../../src/sandbox/index.ts";
import { eventually } from "../daemon/harness.ts";
import { judge, startRig, threadTexts, type Rig } from "./helpers.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const FIXTURE = join(import.meta.dirname, "fixtures", "held-sync-daemon.ts");

interface Held {
  child: ChildProcess;
  exited: Promise<unknown>;
  /** Resolves with the first line (stdout or stderr) from now on that matches. */
  next(re: RegExp, timeoutMs?: number): Promise<string>;
  say(command: "hold" | "release"): Promise<void>;
}

function startHeld(rig: Rig): Held {
  const child = spawn(process.execPath, ["--import", "tsx", FIXTURE, rig.config], {
    cwd: ROOT,
    env: { ...process.env, CLIENTES_BOT_TOKEN: rig.sb.token, CLIENTES_CONFIG: "" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  const waiters = new Set<{ re: RegExp; resolve: (line: string) => void }>();
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on("line", (line) => {
      lines.push(line);
      for (const w of waiters) if (w.re.test(line)) (waiters.delete(w), w.resolve(line));
    });
  }
  const next = (re: RegExp, timeoutMs = 20_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const w = { re, resolve: (line: string) => (clearTimeout(timer), resolve(line)) };
      const timer = setTimeout(() => (waiters.delete(w), reject(new Error(`timed out waiting for ${re}; output:\n${lines.slice(-20).join("\n")}`))), timeoutMs);
      waiters.add(w);
    });
  return {
    child,
    exited,
    next,
    async say(command) {
      const answer = next(command === "hold" ? /^holding$/ : /^released$/);
      child.stdin!.write(`${command}\n`);
      await answer;
    },
  };
}

const idle = (sb: Sandbox): Promise<unknown> => sb.waitFor(() => sb.pendingUpdates().length === 0 && sb.isPolling(), 10_000, "the daemon idle");

/** A customer whose first message is in their thread, the daemon idle and every job's end in its journal. */
async function customerWithThread(rig: Rig): Promise<{ id: number }> {
  const { sb } = rig;
  const u = sb.addUser({ first_name: "Eva" });
  sb.sendPrivate(u.id, { text: "first" });
  await sb.waitFor(() => threadTexts(sb, u.id).includes("first"), 20_000, "the first message in the thread");
  await idle(sb);
  await eventually(async () => {
    const store = await openStateStore(join(rig.dir, "data", "clientes.json"));
    const queues = store.data.conversations[u.id]?.queues;
    return queues !== undefined && Object.values(queues).every((q) => q.length === 0);
  }, "every job of the conversation stored as done");
  return u;
}

/** Sends `text` with the journal's syncs held; resolves once its copy is in the thread while the sync is still held. */
async function sendWhileHeld(rig: Rig, held: Held, customer: number, text: string): Promise<number> {
  const { sb } = rig;
  await held.say("hold");
  const syncHeld = held.next(/^sync held$/);
  sb.sendPrivate(customer, { text });
  const update = sb.pendingUpdates().at(-1)!.update_id;
  await sb.waitFor(() => threadTexts(sb, customer).includes(text), 20_000, "the copy in the thread");
  await syncHeld;
  assert.ok(
    sb.pendingUpdates().some((u) => u.update_id === update),
    "the copy is out, but the update is not confirmed to Telegram while its line is not synced",
  );
  return update;
}

/**
 * Sends `text` while the journal's sync is held (see sendWhileHeld), then SIGKILLs the daemon:
 * the journal's path, its size when the sync was held (what the disk had synced) and the update.
 */
async function killWhileHeld(rig: Rig, held: Held, customer: number, text: string): Promise<{ journal: string; synced: number; update: number }> {
  const journal = join(rig.dir, "data", "clientes.json.journal");
  const synced = (await stat(journal)).size;
  const update = await sendWhileHeld(rig, held, customer, text);
  held.child.kill("SIGKILL");
  await held.exited;
  return { journal, synced, update };
}

/** Runs `body` with a rig, the held-sync daemon relaying and Eva's thread ready; cleans up after. */
async function withHeldDaemon(body: (rig: Rig, held: Held, eva: { id: number }) => Promise<void>): Promise<void> {
  const rig = await startRig();
  const held = startHeld(rig);
  try {
    await held.next(/relaying/);
    await body(rig, held, await customerWithThread(rig));
  } finally {
    held.child.kill("SIGKILL");
    await held.exited;
    await rig.close();
  }
}

test("a journal slow to sync: the copy goes out at once, the offset only once the line is synced", { timeout: 90_000 }, (t) =>
  withHeldDaemon(async (rig, held, eva) => {
    const { sb } = rig;
    const update = await sendWhileHeld(rig, held, eva.id, "sent while the sync is held");
    await held.say("release");
    await sb.waitFor(() => !sb.pendingUpdates().some((u) => u.update_id === update), 10_000, "the update confirmed once synced");
    await idle(sb);
    assert.deepEqual(threadTexts(sb, eva.id), ["first", "sent while the sync is held"], "once each");
    t.diagnostic("copy out with the sync held; update confirmed after the release");
  }),
);

for (const lost of [false, true]) {
  const how = lost ? "the unsynced line lost (a power cut)" : "the written line kept (a crash of the process)";
  test(`SIGKILL while the journal sync is held, ${how}: after the restart the message is in the thread, at most once more`, { timeout: 90_000 }, (t) =>
    withHeldDaemon(async (rig, held, eva) => {
      const { sb } = rig;
      const { journal, synced, update } = await killWhileHeld(rig, held, eva.id, "sent while the sync is held");
      if (lost) await truncate(journal, synced); // what the disk had synced; the OS's cache is gone
      assert.ok(sb.pendingUpdates().some((u) => u.update_id === update), "not confirmed before the crash");

      const again = await rig.start();
      const pending = Number(/(\d+) deliveries pending from last run/.exec(await again.waitForLog(/relaying/, 20_000))?.[1]);
      await sb.waitFor(() => !sb.pendingUpdates().some((u) => u.update_id === update), 20_000, "the update confirmed after the restart");
      // It goes out once more when the job is found in the store or Telegram sends the update
      // again; not when the copy's success was appended too (the journal appends the next line
      // while the one before is being synced), which a crash of the process keeps.
      const repeats = lost || pending > 0;
      if (repeats) await again.waitForLog(/relayed: .*copyMessage/, 20_000);
      await idle(sb);
      const seen = threadTexts(sb, eva.id);
      const verdict = judge(["first", "sent while the sync is held"], seen);
      assert.ok("duplicates" in verdict, `${"wrong" in verdict ? verdict.wrong : ""}: ${JSON.stringify(seen)}`);
      assert.ok(verdict.duplicates <= 1, `at most one repeat: ${JSON.stringify(seen)}`);
      if (!repeats) assert.equal(verdict.duplicates, 0, `its success stored, it does not go again: ${JSON.stringify(seen)}`);
      t.diagnostic(`${how}: thread ${JSON.stringify(seen)} (${verdict.duplicates} repeat)`);
    }),
  );
}

test("SIGKILL while the journal sync is held, the unsynced line's blocks left as zeros (a power cut mid-writeback): the daemon starts, says so, and the message is in the thread at most once more", { timeout: 90_000 }, (t) =>
  withHeldDaemon(async (rig, held, eva) => {
    const { sb } = rig;
    const { journal, synced, update } = await killWhileHeld(rig, held, eva.id, "sent while the sync is held");
    // The first unsynced line never reached the disk: its blocks read as zeros. Whatever came
    // after it (the copy's success, if it was appended) is kept, as a disk may keep it.
    const end = (await stat(journal)).size;
    const fh = await open(journal, "r+");
    const after = Buffer.alloc(end - synced);
    await fh.read(after, 0, after.length, synced);
    const firstLine = after.indexOf("\n") + 1;
    await fh.write(Buffer.alloc(firstLine), 0, firstLine, synced);
    await fh.close();

    const again = await rig.start();
    const warning = await again.waitForLog(/ends in blocks a crash left unwritten/, 20_000);
    await again.waitForLog(/relaying/, 20_000);
    await sb.waitFor(() => !sb.pendingUpdates().some((u) => u.update_id === update), 20_000, "the update confirmed after the restart");
    await again.waitForLog(/relayed: .*copyMessage/, 20_000); // Telegram sent the update again: its job was lost with the line
    await idle(sb);
    const seen = threadTexts(sb, eva.id);
    const verdict = judge(["first", "sent while the sync is held"], seen);
    assert.ok("duplicates" in verdict, `${"wrong" in verdict ? verdict.wrong : ""}: ${JSON.stringify(seen)}`);
    assert.ok(verdict.duplicates <= 1, `at most one repeat: ${JSON.stringify(seen)}`);
    t.diagnostic(`zeros: ${warning.slice(0, 80)}…; thread ${JSON.stringify(seen)} (${verdict.duplicates} repeat)`);
  }),
);
