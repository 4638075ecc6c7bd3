import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emptyState, groupFor, jobsIn, link, linkOf, migrateState, pruneLinks, STATE_VERSION, worldOf, type Conversation, type State } from "../../src/core/state.ts";
import { enqueue, enqueueFirst } from "../../src/core/queue.ts";
import { checkState } from "../../src/core/state-check.ts";
import { openStateStore } from "../../src/daemon/daemon.ts";

function conv(id: number): Conversation {
  return { customer: { id, first_name: "C" }, status: "open", banned: false, blocked: false, priority: 3, failures: 0, createdAt: 0, firstMessageAt: 0, queues: { team: [], customer: [], card: [], staff: [] } };
}

test("links answer both ways, survive a restart's index rebuild, and old ones are pruned from the front", () => {
  const state = emptyState();
  state.conversations[7] = conv(7);
  const w = worldOf(state);
  const day = 86_400_000;
  link(w, 100, 7, 1, 0);
  link(w, 101, 7, 2, 10 * day);
  assert.equal(groupFor(w, 7, 2), 101);
  assert.deepEqual(linkOf(w, 100), { customer: 7, p: 1 });
  assert.deepEqual([...w.dirty.links], ["7"], "the customer's links are saved as one record");
  const again = worldOf(structuredClone(state));
  assert.deepEqual(linkOf(again, 101), { customer: 7, p: 2 }, "rebuilt from the stored state");
  assert.equal(pruneLinks(again, 30, 35 * day), 1);
  assert.equal(linkOf(again, 100), undefined);
  assert.equal(groupFor(again, 7, 2), 101);
  assert.deepEqual(again.state.links[7], [101, 2, 864_000]);
});

test("a conversation without a spare lane (stored before it existed, or left out while empty) has none in memory or in the store, and takes jobs in it", () => {
  const state = emptyState();
  const old = conv(7) as unknown as { queues: Record<string, unknown> };
  delete old.queues.card;
  state.conversations[7] = old as unknown as Conversation;
  state.conversations[8] = conv(8);
  const w = worldOf(state);
  assert.deepEqual(jobsIn(w.state.conversations[7]!, "card"), []);
  assert.equal(w.dirty.conversations.size, 0, "nothing to save: a missing spare lane is an empty one");
  const stored = JSON.parse(JSON.stringify(w.state)) as State;
  assert.deepEqual(Object.keys(stored.conversations[8]!.queues), ["team", "customer"], "empty spare lanes are left out of the store");
  enqueue(w.state, w.state.conversations[8]!, "card", { kind: "cardEdit" }, 0);
  enqueueFirst(w.state, w.state.conversations[7]!, "staff", { kind: "staff", to: 1, about: "opened" }, 0);
  assert.deepEqual(jobsIn(w.state.conversations[8]!, "card").map((j) => j.kind), ["cardEdit"]);
  assert.deepEqual(jobsIn(w.state.conversations[7]!, "staff").map((j) => j.kind), ["staff"]);
  assert.equal(checkState(stored), undefined, "the store's shape check accepts it");
});

test("a store written by the first version opens with its links converted, the original kept aside", async () => {
  const dir = await mkdtemp(join(tmpdir(), "clientes-migrate-"));
  try {
    const path = join(dir, "clientes.json");
    const v1 = { ...emptyState(), conversations: { 7: { ...conv(7), cardText: "old card" } }, links: { 300: [7, 3, 30], 100: [7, 1, 10], 200: [8, 2, 20] } };
    await writeFile(path, JSON.stringify({ version: 1, data: v1 }));
    const store = await openStateStore(path, { pid: 1, isPidAlive: () => false });
    assert.deepEqual(store.data.links, { 7: [100, 1, 10, 300, 3, 30], 8: [200, 2, 20] });
    assert.equal("cardText" in store.data.conversations[7]!, false);
    await store.close();
    assert.ok(existsSync(`${path}.v1.bak`), "the original is kept");
    assert.equal(JSON.parse(await readFile(path, "utf8")).version, STATE_VERSION);
    assert.deepEqual(migrateState(structuredClone(v1), 1).links[8], [200, 2, 20]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a version 3 store gains staff records, reply uses and every conversation's staff lane", () => {
  const c = conv(7) as Partial<Conversation>;
  c.queues = { team: [], customer: [] } as never;
  const v3 = { offset: 5, nextJobId: 2, conversations: { 7: c }, pendingRoots: {}, links: {}, events: {} };
  const state = migrateState(structuredClone(v3), 3);
  assert.deepEqual(state.staff, {});
  assert.deepEqual(state.replyUses, {});
  assert.deepEqual(state.conversations[7]!.queues.staff, []);
});
