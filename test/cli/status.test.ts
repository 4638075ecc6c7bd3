import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { emptyState, type Conversation, type State } from "../../src/core/state.ts";
import { openStateStore } from "../../src/daemon/daemon.ts";
import { renderConfig } from "../../src/setup/config-text.ts";
import { run, tempDir } from "./helpers.ts";

const MIN = 60_000;
const TOKEN = "123456:TEST-sandbox-token-0123456789abcdef";

/** `now` is the caller's, so response times are exact (two Date.now() calls apart can round 4 min down). */
function conversation(id: number, first_name: string, fields: Partial<Conversation> = {}, now = Date.now()): Conversation {
  return {
    customer: { id, first_name },
    status: "open",
    banned: false,
    blocked: false,
    priority: 3,
    failures: 0,
    createdAt: now - 120 * MIN,
    firstMessageAt: now - 120 * MIN,
    queues: { team: [], customer: [], card: [], staff: [] },
    ...fields,
  };
}

describe("clientes status", () => {
  let dir = "";
  let cleanup = async () => {};
  let store = "";
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    store = join(dir, "data", "clientes.json");
    await writeFile(join(dir, "config.yaml"), renderConfig({ token: TOKEN, channel: -1001, group: -1002, staff: [{ id: 111, name: "Rita" }, { id: 222, name: "Sam" }], locale: "en" }));
  });
  afterEach(() => cleanup());

  /** Writes a store the way the daemon does (with its lock, journaled), then releases it. */
  async function writeStore(fill: (s: State) => void): Promise<void> {
    const s = await openStateStore(store, { pid: 999_999, isPidAlive: () => false });
    fill(s.data);
    for (const key of Object.keys(s.data.conversations)) s.dirty.conversations.add(key);
    await s.write();
    await s.close();
  }

  function sample(s: State): void {
    const now = Date.now();
    s.conversations["1"] = conversation(1, "Ana", { waitingSince: now - 12 * MIN - 5_000, customer: { id: 1, first_name: "Ana", last_name: "Lima", username: "analima" }, owner: 111, tags: ["billing", "vip"] }, now);
    s.conversations["2"] = conversation(2, "Bruno", { waitingSince: now - 95 * MIN, priority: 5, firstResponseAt: now - 110 * MIN, tags: ["billing"] }, now);
    s.conversations["3"] = conversation(3, "Caio", { status: "closed", firstResponseAt: now - 116 * MIN }, now);
    s.conversations["4"] = conversation(4, "Duda", { firstResponseAt: now - 119 * MIN }, now);
  }

  test("open, closed, waiting customers with their wait, median first response", async () => {
    await writeStore(sample);
    const r = await run(["status"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^daemon: not running, 0 deliveries queued\nconversations: 3 open, 1 closed\n/);
    assert.match(r.stdout, /waiting for an answer: 2\n/);
    // 10, 4 and 1 min: the median is 4 min.
    assert.match(r.stdout, /median first response: 4 min \(over 3 conversations\)\n/);
    const table = r.stdout.split("\n\n")[1] ?? "";
    assert.deepEqual(table.trim().split("\n"), [
      "CUSTOMER  USERNAME  ID  PRIORITY  OWNER  TAGS           WAITING",
      "Bruno               2   5                #billing       1 h 35 min",
      "Ana Lima  @analima  1   3         Rita   #billing #vip  12 min",
    ]);
  });

  test("--owner and --tag list only the matching waiting customers, in the text and the JSON alike", async () => {
    await writeStore(sample);
    const rita = await run(["status", "--owner", "rita"], { cwd: dir });
    assert.equal(rita.code, 0, rita.stderr);
    assert.match(rita.stdout, /waiting for an answer: 2, 1 owned by Rita\n/);
    assert.deepEqual((rita.stdout.split("\n\n")[1] ?? "").trim().split("\n").slice(1).map((l) => l.split(/\s{2,}/)[0]), ["Ana Lima"]);
    const none = await run(["status", "--owner", "none", "--tag", "billing", "--json"], { cwd: dir });
    const j = JSON.parse(none.stdout) as { waiting: number; filter: unknown; waiting_customers: Array<{ name: string; owner: unknown; tags: string[] }> };
    assert.equal(j.waiting, 2);
    assert.deepEqual(j.filter, { owner: "none", tag: "billing" });
    assert.deepEqual(j.waiting_customers.map((w) => [w.name, w.owner, w.tags]), [["Bruno", null, ["billing"]]]);
    const ritaJson = JSON.parse((await run(["status", "--owner", "111", "--json"], { cwd: dir })).stdout) as { waiting_customers: Array<{ owner: unknown }> };
    assert.deepEqual(ritaJson.waiting_customers.map((w) => w.owner), [{ id: 111, name: "Rita" }]);
    const bad = await run(["status", "--owner", "Zoe"], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--owner: no staff member is called "Zoe"/);
    assert.match(bad.stderr, /Rita \(111\), Sam \(222\)/);
  });

  test("--json gives the same numbers for scripts", async () => {
    await writeStore(sample);
    const r = await run(["status", "--json"], { cwd: dir });
    assert.equal(r.code, 0);
    const j = JSON.parse(r.stdout) as Record<string, unknown> & { waiting_customers: Array<Record<string, unknown>> };
    assert.equal(j.open, 3);
    assert.equal(j.closed, 1);
    assert.equal(j.waiting, 2);
    assert.equal(j.median_first_response_seconds, 240);
    assert.deepEqual(
      j.waiting_customers.map((w) => [w.name, w.id, w.username, Math.floor(Number(w.wait_seconds) / 60)]),
      [
        ["Bruno", 2, null, 95],
        ["Ana Lima", 1, "analima", 12],
      ],
    );
  });

  test("works while the daemon holds the store, and never writes it", async () => {
    await writeStore(sample);
    const held = await openStateStore(store, { pid: 999_998, isPidAlive: () => true });
    try {
      const before = await readFile(store, "utf8");
      const r = await run(["status"], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /3 open/);
      assert.equal(await readFile(store, "utf8"), before);
    } finally {
      await held.close();
    }
  });

  test("no store yet: 'no conversations yet', exit 0 (also as JSON)", async () => {
    const r = await run(["status"], { cwd: dir });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "daemon: not running, 0 deliveries queued\nno conversations yet\n");
    assert.match(r.stderr, /clientes start/);
    const j = await run(["status", "--json"], { cwd: dir });
    assert.deepEqual(JSON.parse(j.stdout), {
      daemon: {
        running: false,
        pid: null,
        polling: false,
        state: "not running",
        started_at: null,
        last_poll_at: null,
        last_poll_seconds_ago: null,
        last_update_at: null,
        backlog: 0,
        group_backlog: { messages: 0, comments: 0, clear_seconds: 0 },
        unreachable_since: null,
        conflict: null,
        last_error: null,
      },
      total: 0,
      open: 0,
      closed: 0,
      waiting: 0,
      waiting_customers: [],
      median_first_response_seconds: null,
      responded: 0,
    });
  });

  test("a corrupt store: the store's error and how to recover, exit 1, file untouched", async () => {
    await mkdir(join(dir, "data"));
    await writeFile(store, '{"version": 1, "data": {');
    const r = await run(["status"], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error: store .*clientes\.json cannot be used/);
    assert.match(r.stderr, /hint: /);
    assert.equal(await readFile(store, "utf8"), '{"version": 1, "data": {');
  });

  test("a missing config is exit 2", async () => {
    const r = await run(["--config", join(dir, "nope.yaml"), "status"], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /config file not found/);
  });

  test("--help explains waiting and shows examples", async () => {
    const r = await run(["status", "--help"], { cwd: dir });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /works while `clientes start` runs/);
    assert.match(r.stdout, /\$ clientes status --json/);
  });
});

