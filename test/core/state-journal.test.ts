import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordCsat, recordEvent } from "../../src/core/events.ts";
import type { InAlbumJob, Job } from "../../src/core/jobs.ts";
import { markUnreachable, setNotify } from "../../src/core/notify.ts";
import { enqueue, enqueueFirst } from "../../src/core/queue.ts";
import { conversationCodec } from "../../src/core/state-journal.ts";
import { forgetMerged, recordMerged } from "../../src/core/merge.ts";
import { jobsIn, countUse, emptyState, keepRecentSends, link, markDirty, STATE_VERSION, worldOf, type Conversation, type State, type World } from "../../src/core/state.ts";
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

/** The state a restart on `path` holds (see {@link plain}). */
async function reopened(path: string): Promise<State> {
  const s = await openStateStore(path);
  try {
    return plain(s.data);
  } finally {
    await s.close();
  }
}

/** `state` as plain data, as a restart holds it: worldOf leaves empty spare lanes out. */
const plain = (state: State): State => JSON.parse(JSON.stringify(worldOf(JSON.parse(JSON.stringify(state)) as State).state)) as State;

/** A new store holding customer 7's conversation, with `jobs` queued for the team and as many links. */
async function backlog(path: string, jobs = 1000): Promise<{ store: JournaledStore<State>; world: World; conv: Conversation }> {
  const store = await openStateStore(path, lock);
  const world = worldOf(store.data, store.dirty);
  const conv = conversation(7);
  world.state.conversations[7] = conv;
  for (let i = 0; i < jobs; i++) {
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
    const { store, world, conv } = await backlog(path, 0);
    const states: unknown[] = [plain(world.state)]; // backlog's first write
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

/** A conversation as a store of version `v` held it: no staff lane before 4, no card lane before 2. */
function oldConversation(id: number, v: number): Conversation {
  const c = conversation(id);
  if (v < 4) delete (c.queues as Partial<Conversation["queues"]>).staff;
  return c;
}

test("a version 3 store and its journal open as the current version: a job put first keeps its place, lanes missing from old lines read as empty", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "clientes.json");
    const conv = oldConversation(7, 3);
    conv.queues.team = [
      { id: 9, at: T0, kind: "card" },
      { id: 3, at: T0, kind: "in", p: 1 },
      { id: 4, at: T0, kind: "in", p: 2 },
    ];
    const data = { offset: 1, nextJobId: 12, conversations: { 7: conv }, pendingRoots: {}, links: {}, events: {} };
    await writeFile(path, JSON.stringify({ version: 3, data }));
    // A version 3 line: the whole conversation, a job put first without its mark, no staff lane.
    const changed = { ...conv, queues: { team: [{ id: 11, at: T0, kind: "card" }, ...conv.queues.team, { id: 10, at: T0, kind: "in", p: 3 }], customer: [], card: [] } };
    await writeFile(`${path}.journal`, JSON.stringify({ s: { offset: 2, nextJobId: 12 }, c: { conversations: { 7: changed } } }) + "\n");
    const store = await openStateStore(path, lock);
    const world = worldOf(store.data, store.dirty);
    const c = world.state.conversations[7]!;
    assert.deepEqual(c.queues.team.map((j) => j.id), [11, 9, 3, 4, 10]);
    assert.deepEqual(jobsIn(c, "staff"), []);
    assert.deepEqual(world.state.staff, {});
    assert.deepEqual(world.state.replyUses, {});
    const before = store.journalBytes();
    c.queues.team.splice(2, 1); // job 3 delivered
    markDirty(world, "conversations", 7);
    await store.write();
    // The first line after the upgrade is a delta too: the lane was found in order (marks added).
    assert.match((await readFile(`${path}.journal`, "utf8")).trim().split("\n").at(-1)!, /"gone":\[3\]/);
    assert.ok(store.journalBytes() - before < 600);
    await store.close();
    const back = await reopened(path);
    assert.deepEqual(back.conversations[7]!.queues.team.map((j) => j.id), [11, 9, 4, 10]);
    assert.deepEqual(back, plain(world.state));
    assert.equal(JSON.parse(await readFile(path, "utf8")).version, STATE_VERSION);
    assert.ok(await readFile(`${path}.v3.bak`, "utf8"));
  });
});

test("a version 4 store (staff records, reply uses, events, the staff lane) and its journal open as the current version with nothing lost", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "clientes.json");
    const conv = conversation(7);
    conv.queues.staff = [
      { id: 20, at: T0, kind: "staff", to: 500, about: "opened" },
      { id: 21, at: T0, kind: "staff", to: 501, about: "opened" },
    ];
    conv.queues.team = [{ id: 22, at: T0, kind: "card" }, { id: 5, at: T0, kind: "in", p: 1 }];
    const data = {
      offset: 30,
      handled: [10, 29, 1_767_600_000],
      nextJobId: 23,
      conversations: { 7: conv },
      pendingRoots: {},
      links: { 7: [100, 1, 1_767_600_000] },
      events: { 7: [{ type: "opened", at: T0 }] },
      staff: { 500: { notify: true } },
      replyUses: { hello: { count: 2, last: T0 } },
    };
    await writeFile(path, JSON.stringify({ version: 4, data }));
    // Version 4 journal lines: whole values, no line numbers.
    const lines = [
      { s: { offset: 31, handled: [10, 30, 1_767_600_001], nextJobId: 23 }, c: { staff: { 501: { unreachableSince: T0 } }, replyUses: { hello: { count: 3, last: T0 + 1 } } } },
      { s: { offset: 32, handled: [10, 31, 1_767_600_002], nextJobId: 23 }, c: { events: { 7: [{ type: "opened", at: T0 }, { type: "closed", at: T0 + 5, since: T0 }] }, links: { 7: [100, 1, 1_767_600_000, 101, 2, 1_767_600_002] } } },
    ];
    await writeFile(`${path}.journal`, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    const store = await openStateStore(path, lock);
    const world = worldOf(store.data, store.dirty);
    const s = world.state;
    assert.equal(s.offset, 32);
    assert.deepEqual(s.handled, [10, 31, 1_767_600_002]);
    assert.deepEqual(s.staff, { 500: { notify: true }, 501: { unreachableSince: T0 } });
    assert.deepEqual(s.replyUses, { hello: { count: 3, last: T0 + 1 } });
    assert.equal(s.events[7]!.length, 2);
    assert.equal(s.links[7]!.length, 6);
    const c = s.conversations[7]!;
    assert.equal(c.queues.team[0]!.first, true, "the card put first before version 5 is marked so");
    assert.deepEqual(jobsIn(c, "staff").map((j) => j.id), [20, 21]);
    // The hot path after the upgrade: a staff notice sent, one queued, a use, an event, a link.
    const before = store.journalBytes();
    c.queues.staff!.shift();
    enqueue(s, c, "staff", { kind: "staff", to: 500, about: "waiting" }, T0);
    markDirty(world, "conversations", 7);
    countUse(world, "hello", T0 + 2);
    recordEvent(world, c, "reopened", T0 + 6);
    link(world, 102, 7, 3, T0 + 7_000);
    markUnreachable(world, 500, T0 + 8);
    await store.write();
    const line = (await readFile(`${path}.journal`, "utf8")).trim().split("\n").at(-1)!;
    assert.ok(store.journalBytes() - before < 1024, line);
    assert.match(line, /"gone":\[20\]/);
    await store.close();
    const back = await reopened(path);
    assert.deepEqual(back, plain(s));
    assert.deepEqual(jobsIn(back.conversations[7]!, "staff").map((j) => j.kind === "staff" && j.about), ["opened", "waiting"]);
    assert.ok(await readFile(`${path}.v4.bak`, "utf8"));
  });
});

test("staff records, reply uses and report events (a csat rating replaced) round-trip through the journal", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "clientes.json");
    const { store, world, conv } = await backlog(path, 0);
    recordEvent(world, conv, "opened", T0);
    recordCsat(world, conv, 2, T0, T0 + 1);
    setNotify(world, 500, false);
    countUse(world, "hello", T0);
    await store.write();
    recordEvent(world, conv, "closed", T0 + 2);
    await store.write();
    recordCsat(world, conv, 5, T0, T0 + 3); // within 24 h: replaces the rating of the same period
    countUse(world, "hello", T0 + 3);
    markUnreachable(world, 500, T0 + 3);
    await store.write();
    await store.close();
    const back = await reopened(path);
    assert.deepEqual(back.events[7]!.map((e) => [e.type, e.score]), [["opened", undefined], ["closed", undefined], ["csat", 5]]);
    assert.deepEqual(back.replyUses.hello, { count: 2, last: T0 + 3 });
    assert.deepEqual(back.staff[500], { notify: false, unreachableSince: T0 + 3 });
    assert.deepEqual(back, plain(world.state));
  });
});

test("merged comments' parts and the limiter's last minute round-trip; a send journals its time, not the minute's", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "clientes.json");
    const { store, world } = await backlog(path, 0);
    recordMerged(world, 300, [{ p: 1, text: "a" }, { p: 2, text: "b", entities: [{ type: "bold", offset: 0, length: 1 }] }]);
    recordMerged(world, 301, [{ p: 3, text: "c" }, { p: 4, text: "d" }]);
    const group = "-1001";
    const sends = Array.from({ length: 20 }, (_, i) => T0 + i * 1000);
    keepRecentSends(world, { [group]: sends.slice(0, 19), "-1002": [T0] });
    await store.write();
    // One more send into the group, and the channel's window is over.
    const before = store.journalBytes();
    keepRecentSends(world, { [group]: sends.slice(1) });
    await store.write();
    const line = (await readFile(`${path}.journal`, "utf8")).trim().split("\n").at(-1)!;
    assert.ok(store.journalBytes() - before < 200, line);
    assert.match(line, new RegExp(`"${group}":\\[19,${sends[19]}\\]`), "just the new time, placed after the 19 kept");
    // Two sends that complete in the same millisecond both count.
    keepRecentSends(world, { [group]: [...sends.slice(1), sends[19]!] });
    forgetMerged(world, [300]);
    await store.write();
    await store.close();
    const back = await reopened(path);
    assert.deepEqual(back.recentSends, { [group]: [...sends, sends[19]] });
    assert.deepEqual(Object.keys(back.merged), ["301"]);
    assert.deepEqual(back, plain(world.state));
  });
});

test("the limiter's kept times are replaced by the recent ones once they pile up: the store holds about a minute of them", () => {
  const world = worldOf(emptyState());
  for (let i = 0; i < 200; i++) keepRecentSends(world, { "-1001": Array.from({ length: Math.min(20, i + 1) }, (_, k) => T0 + (i - k) * 3000).reverse() });
  const kept = world.state.recentSends["-1001"]!;
  assert.ok(kept.length <= 60, `${kept.length} times kept`);
  assert.equal(kept.at(-1), T0 + 199 * 3000, "the latest send is there");
  keepRecentSends(world, {});
  assert.deepEqual(world.state.recentSends, {}, "a chat with nothing in the window is dropped");
});

test("a crash mid-line (the last line torn) loses no write that was acknowledged, and the next run goes on from there", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "clientes.json");
    const { store, world, conv } = await backlog(path);
    for (let i = 0; i < 3; i++) {
      deliver(world, conv, 90_000 + i);
      await store.write();
    }
    const acknowledged = plain(world.state);
    deliver(world, conv, 90_003);
    await store.write();
    await store.close();
    // The last line is cut at every byte in turn: what it held was never acknowledged.
    const text = await readFile(`${path}.journal`, "utf8");
    const start = text.trimEnd().lastIndexOf("\n") + 1;
    for (const cut of [start + 1, Math.floor((start + text.length) / 2), text.length - 2]) {
      await writeFile(`${path}.journal`, text.slice(0, cut));
      assert.deepEqual(await reopened(path), acknowledged, `cut at byte ${cut} of ${text.length}`);
    }
    await writeFile(`${path}.journal`, text.slice(0, start + 7));
    const again = await openStateStore(path, lock);
    const w = worldOf(again.data, again.dirty);
    deliver(w, w.state.conversations[7]!, 91_000);
    await again.write();
    await again.close();
    const back = await reopened(path);
    assert.equal(back.conversations[7]!.queues.team.length, 996);
    assert.deepEqual(back, plain(w.state));
  });
});

test("delta apply: each line's change decodes over the previous record to the record the daemon had", () => {
  const codec = conversationCodec();
  const conv = conversation(7);
  const state = emptyState();
  state.nextJobId = 1;
  let replayed: unknown;
  const line = (commit = true): Record<string, unknown> | undefined => {
    const { record, extra, commit: done } = codec.encode(conv);
    if (commit) {
      done();
      const json = (v: unknown): unknown => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
      if (record !== undefined || extra !== undefined) replayed = codec.decode(replayed, json(record), json(extra));
      assert.deepEqual(replayed, JSON.parse(JSON.stringify(conv)));
    }
    return extra as Record<string, unknown> | undefined;
  };
  for (let i = 0; i < 3; i++) enqueue(state, conv, "team", { kind: "in", p: i }, T0);
  const first = line()!;
  assert.ok("all" in (first.team as object), "a lane the journal holds nothing of is written whole");
  assert.deepEqual(first.customer, { all: [] }, "an empty lane too, once");
  conv.queues.team.splice(0, 0); // nothing changes
  assert.equal(line(), undefined, "lanes that stayed empty are not journaled again");
  conv.queues.team.shift();
  assert.deepEqual(line(), { team: { gone: [1] } });
  enqueueFirst(state, conv, "team", { kind: "card" }, T0);
  enqueue(state, conv, "staff", { kind: "staff", to: 500, about: "opened" }, T0);
  const extra = line()!;
  assert.deepEqual((extra.team as { put: Job[] }).put.map((j) => j.id), [4]);
  assert.deepEqual((extra.staff as { put: Job[] }).put.map((j) => j.id), [5], "the staff lane is journaled like the others");
  conv.queues.team[1]!.attempts = 1;
  assert.deepEqual((line()!.team as { put: Job[] }).put.map((j) => j.id), [2]);
  assert.equal(line(), undefined, "nothing changed: no queue change in the line");
  // A write that failed (no commit): the next line still carries its change.
  conv.queues.team.pop();
  line(false);
  assert.deepEqual(line(), { team: { gone: [3] } });
  // A lane out of jobOrder (a job put in the middle by hand) is journaled whole.
  conv.queues.team.splice(1, 0, { id: 99, at: T0, kind: "notice", html: "x" });
  assert.ok("all" in (line()!.team as object));
  conv.queues.team.splice(1, 1);
  assert.deepEqual(line(), { team: { gone: [99] } });
});

test("a conversation's fields are journaled only when they changed, in place included, and a line lost before its sync carries them again", () => {
  const codec = conversationCodec();
  const conv = conversation(7);
  conv.tags = ["vip"];
  conv.survey = { since: T0, sentAt: T0 };
  const state = emptyState();
  state.nextJobId = 1;
  let replayed: unknown;
  const json = (v: unknown): unknown => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
  /** A line's record (undefined: left out), replayed as the journal does. */
  const line = (commit = true): unknown => {
    const { record, extra, commit: done } = codec.encode(conv);
    if (commit) {
      done();
      if (record !== undefined || extra !== undefined) replayed = codec.decode(replayed, json(record), json(extra));
      assert.deepEqual(replayed, json(conv));
    }
    return record;
  };
  assert.ok(line() !== undefined, "a record the journal holds nothing of is written");
  assert.equal(line(), undefined, "unchanged: left out");
  enqueue(state, conv, "team", { kind: "in", p: 1 }, T0);
  assert.equal(line(), undefined, "a job queued: only the lane's change");
  const changes: Array<[string, () => void]> = [
    ["a scalar", () => (conv.priority = 5)],
    ["a field added", () => (conv.owner = 42)],
    ["a field set to undefined", () => (conv.owner = undefined)],
    ["the customer changed in place", () => (conv.customer.first_name = "Renamed")],
    ["a field added to the customer", () => (conv.customer.username = "renamed")],
    ["a tag added in place", () => conv.tags!.push("late")],
    ["a tag replaced in place", () => (conv.tags![0] = "gold")],
    ["the survey rated in place", () => (conv.survey!.score = 4)],
  ];
  for (const [what, change] of changes) {
    change();
    assert.ok(line() !== undefined, `${what}: journaled`);
    assert.equal(line(), undefined, `${what}: not journaled twice`);
  }
  // A line not appended (no commit), then lost lines (forget): the next line still carries the fields.
  conv.status = "closed";
  line(false);
  assert.ok(line() !== undefined);
  conv.status = "open";
  line();
  codec.forget(conv);
  assert.ok(line() !== undefined, "after a lost line the record is journaled whole");
});
