import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InAlbumJob } from "../../src/core/jobs.ts";
import { enqueue, enqueueFirst } from "../../src/core/queue.ts";
import { link, markDirty, worldOf, type Conversation, type State, type World } from "../../src/core/state.ts";
import { openStateStore } from "../../src/daemon/daemon.ts";
import type { JournaledStore } from "../../src/store/index.ts";

const lock = { pid: 4242, isPidAlive: () => false };
const T0 = Date.UTC(2026, 0, 5, 10);

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "clientes-state-journal-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function conversation(id: number): Conversation {
  return {
    customer: { id, first_name: `C${id}` },
    status: "open",
    banned: false,
    blocked: false,
    priority: 3,
    failures: 0,
    createdAt: T0,
    firstMessageAt: T0,
    queues: { team: [], customer: [], card: [], staff: [] },
  };
}

/** What a delivered copy changes: the lane's first job gone, one link added. */
function deliver(world: World, conv: Conversation, g: number): void {
  const job = conv.queues.team.shift()!;
  link(world, g, conv.customer.id, job.kind === "in" ? job.p : 0, T0);
  markDirty(world, "conversations", conv.customer.id);
}

async function reopened(path: string): Promise<State> {
  const s = await openStateStore(path);
  try {
    return s.data;
  } finally {
    await s.close();
  }
}

const plain = (state: State): unknown => JSON.parse(JSON.stringify(state));

async function backlog(path: string): Promise<{ store: JournaledStore<State>; world: World; conv: Conversation }> {
  const store = await openStateStore(path, lock);
  const world = worldOf(store.data, store.dirty);
  const conv = conversation(7);
  world.state.conversations[7] = conv;
  for (let i = 0; i < 1000; i++) {
    enqueue(world.state, conv, "team", { kind: "in", p: 10_000 + i }, T0);
    link(world, 50_000 + i, 7, 20_000 + i, T0);
  }
  markDirty(world, "conversations", 7);
  await store.write();
  return { store, world, conv };
}

test("a delivery journals under 1 KB with 1,000 jobs queued and 1,000 links, and a restart finds every job and link", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "clientes.json");
    const { store, world, conv } = await backlog(path);
    const before = store.journalBytes();
    for (let i = 0; i < 20; i++) {
      deliver(world, conv, 90_000 + i);
      await store.write();
    }
    const perDelivery = (store.journalBytes() - before) / 20;
    assert.ok(perDelivery <= 1024, `a delivery journaled ${perDelivery} bytes`);
    await store.close();
    const back = await reopened(path);
    assert.equal(back.conversations[7]!.queues.team.length, 980);
    assert.equal(back.links[7]!.length, 1020 * 3);
    assert.deepEqual(back, plain(world.state));
  });
});

test("a job put first, an album gathering parts and a changed job keep their order and content across a restart", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "clientes.json");
    const { store, world, conv } = await backlog(path);
    enqueueFirst(world.state, conv, "team", { kind: "card" }, T0);
    enqueueFirst(world.state, conv, "team", { kind: "notice", html: "first of all" }, T0);
    const album = enqueue(world.state, conv, "customer", { kind: "outAlbum", mediaGroup: "m", parts: [{ id: 1, snap: { text: "a" } }], settleAt: T0 }, T0) as InAlbumJob;
    markDirty(world, "conversations", 7);
    await store.write();
    album.parts.push({ id: 2, snap: { text: "b" } });
    conv.queues.team[5]!.attempts = 2;
    markDirty(world, "conversations", 7);
    await store.write();
    await store.close();
    const back = await reopened(path);
    assert.deepEqual(back.conversations[7]!.queues.team.slice(0, 2).map((j) => j.kind), ["notice", "card"]);
    assert.equal((back.conversations[7]!.queues.customer[0] as InAlbumJob).parts.length, 2);
    assert.deepEqual(back, plain(world.state));
  });
});

test("a journal cut after any line replays to the state the daemon had when it wrote that line", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "clientes.json");
    const store = await openStateStore(path, lock);
    const world = worldOf(store.data, store.dirty);
    const conv = conversation(7);
    world.state.conversations[7] = conv;
    const states: unknown[] = [];
    const step = async (change: () => void): Promise<void> => {
      change();
      markDirty(world, "conversations", 7);
      await store.write();
      states.push(plain(world.state));
    };
    await step(() => {
      for (let i = 0; i < 5; i++) enqueue(world.state, conv, "team", { kind: "in", p: 100 + i }, T0);
    });
    await step(() => deliver(world, conv, 900));
    await step(() => enqueueFirst(world.state, conv, "team", { kind: "card" }, T0));
    await step(() => deliver(world, conv, 901));
    await step(() => {
      world.state.links[7] = world.state.links[7]!.slice(3); // pruned: a new array
      markDirty(world, "links", 7);
    });
    await step(() => deliver(world, conv, 902));
    await store.close();
    const journal = (await readFile(`${path}.journal`, "utf8")).split("\n").filter((l) => l !== "");
    assert.equal(journal.length, states.length);
    for (let n = 1; n <= journal.length; n++) {
      await writeFile(`${path}.journal`, journal.slice(0, n).join("\n") + "\n");
      assert.deepEqual(await reopened(path), states[n - 1], `cut after line ${n}`);
    }
  });
});

test("a version 3 store: a job put first keeps its place, and its old journal lines still replay", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "clientes.json");
    const conv = conversation(7);
    conv.queues.team = [
      { id: 9, at: T0, kind: "card" },
      { id: 3, at: T0, kind: "in", p: 1 },
      { id: 4, at: T0, kind: "in", p: 2 },
    ];
    const data = { offset: 1, nextJobId: 10, conversations: { 7: conv }, pendingRoots: {}, links: {}, events: {} };
    await writeFile(path, JSON.stringify({ version: 3, data }));
    const changed = { ...conv, queues: { team: [...conv.queues.team, { id: 10, at: T0, kind: "in", p: 3 }], customer: [], card: [] } };
    await writeFile(`${path}.journal`, JSON.stringify({ s: { offset: 2, nextJobId: 11 }, c: { conversations: { 7: changed } } }) + "\n");
    const store = await openStateStore(path, lock);
    const world = worldOf(store.data, store.dirty);
    const c = world.state.conversations[7]!;
    assert.deepEqual(c.queues.team.map((j) => j.id), [9, 3, 4, 10]);
    c.queues.team.splice(1, 1);
    markDirty(world, "conversations", 7);
    await store.write();
    await store.close();
    const back = await reopened(path);
    assert.deepEqual(back.conversations[7]!.queues.team.map((j) => j.id), [9, 4, 10]);
    assert.deepEqual(back, plain(world.state));
  });
});
