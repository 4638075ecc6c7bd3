import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pruneEvents, recordCsat, type ReportEvent } from "../../src/core/events.ts";
import { emptyState, migrateState, STATE_VERSION, worldOf } from "../../src/core/state.ts";
import { handleUpdate } from "../../src/core/updates.ts";
import { openStateStore } from "../../src/daemon/daemon.ts";
import { ANA, comment, context, CUSTOMER, giveThread, privateMsg, world } from "./helpers.ts";

const ctx = context();
const MIN = 60_000;
const T0 = 1_700_000_000_000;

const events = (w: ReturnType<typeof world>): ReportEvent[] => w.state.events[CUSTOMER] ?? [];

test("the core records opened, first_response, response, closed and reopened, with no message content", () => {
  const w = world();
  handleUpdate(w, ctx, privateMsg(1, { text: "/start ad-campaign" }), T0 - 5 * MIN);
  handleUpdate(w, ctx, privateMsg(9, { text: "where is my order?" }), T0); // pressing Start was no question: this is
  giveThread(w, ctx, T0);
  handleUpdate(w, ctx, comment(200, 100, ANA, { text: "# internal note" }), T0 + 1 * MIN);
  handleUpdate(w, ctx, comment(201, 100, ANA, { text: "Hello!" }), T0 + 5 * MIN);
  handleUpdate(w, ctx, comment(202, 100, ANA, { text: "Anything else?" }), T0 + 6 * MIN); // nobody waited: no event
  handleUpdate(w, ctx, privateMsg(2, { text: "yes, one more thing" }), T0 + 10 * MIN);
  handleUpdate(w, ctx, privateMsg(3, { text: "and another" }), T0 + 11 * MIN);
  handleUpdate(w, ctx, comment(203, 100, ANA, { text: "Sure" }), T0 + 30 * MIN);
  handleUpdate(w, ctx, comment(204, 100, ANA, { text: "/close" }), T0 + 40 * MIN);
  handleUpdate(w, ctx, comment(205, 100, ANA, { text: "/close" }), T0 + 41 * MIN); // already closed: not counted twice
  handleUpdate(w, ctx, privateMsg(4, { text: "back again" }), T0 + 60 * MIN);
  handleUpdate(w, ctx, comment(206, 100, ANA, { text: "Hi again" }), T0 + 62 * MIN);

  const o = { origin: "ad-campaign" };
  assert.deepEqual(events(w), [
    { type: "opened", at: T0, ...o },
    { type: "first_response", at: T0 + 5 * MIN, since: T0, ...o },
    { type: "response", at: T0 + 30 * MIN, since: T0 + 10 * MIN, ...o },
    { type: "closed", at: T0 + 40 * MIN, since: T0, ...o },
    { type: "reopened", at: T0 + 60 * MIN, ...o },
    { type: "first_response", at: T0 + 62 * MIN, since: T0 + 60 * MIN, ...o },
  ]);
  assert.ok(w.dirty.events.has(String(CUSTOMER)), "saved with the next store write");
  assert.doesNotMatch(JSON.stringify(w.state.events), /Hello|thing|Sure|back again/, "no message content");
});

test("a bare /start counts for nothing until the customer asks; writing to them first is no answer", () => {
  const w = world();
  handleUpdate(w, ctx, privateMsg(1, { text: "/start promo" }), T0);
  giveThread(w, ctx, T0);
  handleUpdate(w, ctx, comment(200, 100, ANA, { text: "Hi! Anything we can do?" }), T0 + MIN);
  assert.deepEqual(events(w), [], "nobody asked, nobody answered");
  handleUpdate(w, ctx, privateMsg(2, { text: "yes: my order" }), T0 + 10 * MIN);
  handleUpdate(w, ctx, comment(201, 100, ANA, { text: "On its way" }), T0 + 12 * MIN);
  assert.deepEqual(events(w), [
    { type: "opened", at: T0 + 10 * MIN, origin: "promo" },
    { type: "first_response", at: T0 + 12 * MIN, since: T0 + 10 * MIN, origin: "promo" },
  ]);
});

test("a new rating of the same period replaces the earlier one", () => {
  const w = world();
  handleUpdate(w, ctx, privateMsg(1), T0);
  const conv = w.state.conversations[CUSTOMER]!;
  recordCsat(w, conv, 2, T0, T0 + 1000);
  recordCsat(w, conv, 5, T0, T0 + 2000);
  recordCsat(w, conv, 4, T0 + 99, T0 + 3000);
  assert.deepEqual(
    events(w).filter((e) => e.type === "csat").map((e) => [e.score, e.since]),
    [
      [5, T0],
      [4, T0 + 99],
    ],
  );
});

test("events older than retention_days are pruned, like links", () => {
  const w = worldOf(emptyState());
  const day = 86_400_000;
  w.state.events["1"] = [{ type: "opened", at: 0 }, { type: "closed", at: 10 * day, since: 0 }];
  w.state.events["2"] = [{ type: "opened", at: 1 * day }];
  assert.equal(pruneEvents(w, 30, 35 * day), 2);
  assert.deepEqual(w.state.events, { 1: [{ type: "closed", at: 10 * day, since: 0 }] });
  assert.deepEqual([...w.dirty.events].sort(), ["1", "2"]);
});

test(`a version 2 store opens as version ${STATE_VERSION} with no events, and events survive a restart`, async () => {
  const dir = await mkdtemp(join(tmpdir(), "clientes-events-"));
  try {
    const path = join(dir, "clientes.json");
    const { events: _, ...v2 } = emptyState();
    await writeFile(path, JSON.stringify({ version: 2, data: { ...v2, offset: 42 } }));
    const store = await openStateStore(path, { pid: 1, isPidAlive: () => false });
    assert.deepEqual(store.data.events, {});
    assert.equal(store.data.offset, 42);
    store.data.events["7"] = [{ type: "opened", at: 5 }];
    store.dirty.events.add("7");
    await store.write();
    await store.close();
    assert.ok(existsSync(`${path}.v2.bak`), "the original is kept");
    assert.equal(JSON.parse(await readFile(path, "utf8")).version, STATE_VERSION);
    const again = await openStateStore(path, { pid: 2, isPidAlive: () => false });
    assert.deepEqual(again.data.events, { 7: [{ type: "opened", at: 5 }] }, "journaled and replayed");
    await again.close();
    assert.deepEqual(migrateState({ ...v2, events: { 1: [] } }, 2).events, { 1: [] }, "the step never drops events it finds");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
