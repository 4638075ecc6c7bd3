import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { emptyState, type Conversation } from "../../src/core/state.ts";
import type { Health } from "../../src/daemon/health.ts";
import { queuedJobs } from "../../src/core/queue.ts";
import { daemonJson, daemonLines, daemonStatus, groupBacklogOf, humanDuration, median, parseStatusFilter, statusJson, summarize } from "../../src/setup/status.ts";

const NOW = Date.UTC(2025, 0, 10, 12, 0, 0);
const MIN = 60_000;

export function conversation(id: number, fields: Partial<Conversation> & { first_name?: string; username?: string } = {}): Conversation {
  const { first_name, username, ...rest } = fields;
  return {
    customer: { id, first_name: first_name ?? `Customer ${id}`, ...(username ? { username } : {}) },
    status: "open",
    banned: false,
    blocked: false,
    priority: 3,
    failures: 0,
    createdAt: NOW - 60 * MIN,
    firstMessageAt: NOW - 60 * MIN,
    queues: { team: [], customer: [], card: [], staff: [] },
    ...rest,
  };
}

describe("status summary", () => {
  test("counts open, closed and waiting; waiting customers longest first with their wait", () => {
    const state = emptyState();
    state.conversations = {
      "1": conversation(1, { first_name: "Ana", username: "ana", waitingSince: NOW - 12 * MIN }),
      "2": conversation(2, { first_name: "Bia", waitingSince: NOW - 90 * MIN, priority: 5 }),
      "3": conversation(3, { status: "closed" }),
      "4": conversation(4),
      // closed with waitingSince left over: not waiting.
      "5": conversation(5, { status: "closed", waitingSince: NOW - MIN }),
    };
    const s = summarize(state, NOW);
    assert.equal(s.total, 5);
    assert.equal(s.open, 3);
    assert.equal(s.closed, 2);
    assert.equal(s.waiting, 2);
    assert.deepEqual(
      s.waitingCustomers.map((w) => [w.name, w.id, humanDuration(w.waitMs)]),
      [
        ["Bia", 2, "1 h 30 min"],
        ["Ana", 1, "12 min"],
      ],
    );
    assert.equal(s.waitingCustomers[1]?.username, "ana");
  });

  test("median first-response time over answered conversations only", () => {
    const state = emptyState();
    const answered = (id: number, minutes: number) => conversation(id, { firstMessageAt: NOW - 100 * MIN, firstResponseAt: NOW - 100 * MIN + minutes * MIN });
    state.conversations = { "1": answered(1, 2), "2": answered(2, 10), "3": answered(3, 4), "4": conversation(4) };
    const s = summarize(state, NOW);
    assert.equal(s.medianFirstResponseMs, 4 * MIN);
    assert.equal(s.responded, 3);
    assert.equal(summarize(emptyState(), NOW).medianFirstResponseMs, null);
    assert.equal(median([1, 2, 3, 10]), 2.5);
    assert.equal(median([]), null);
  });

  test("waiting is what the card calls waiting: a banned or blocked customer is not listed", () => {
    const state = emptyState();
    state.conversations = {
      "1": conversation(1, { waitingSince: NOW - MIN }),
      "2": conversation(2, { waitingSince: NOW - MIN, blocked: true }),
      "3": conversation(3, { waitingSince: NOW - MIN, banned: true }),
    };
    assert.deepEqual(summarize(state, NOW).waitingCustomers.map((w) => w.id), [1]);
  });

  test("owner and tags on each waiting customer; --owner and --tag narrow the list, not the counts", () => {
    const state = emptyState();
    state.conversations = {
      "1": conversation(1, { waitingSince: NOW - 5 * MIN, owner: 111, tags: ["billing"] }),
      "2": conversation(2, { waitingSince: NOW - 9 * MIN, owner: 222, ownerName: "Bruno T." }),
      "3": conversation(3, { waitingSince: NOW - 7 * MIN, tags: ["billing", "vip"] }),
    };
    const names = new Map([[111, "Ana"]]);
    const all = summarize(state, NOW, names);
    assert.deepEqual(all.waitingCustomers.map((w) => [w.id, w.owner?.name ?? null, w.tags]), [
      [2, "Bruno T.", []],
      [3, null, ["billing", "vip"]],
      [1, "Ana", ["billing"]],
    ]);
    const staff = [{ id: 111, name: "Ana Souza" }, { id: 222 }];
    const byAna = summarize(state, NOW, names, parseStatusFilter(staff, { owner: "ana" }));
    assert.deepEqual(byAna.waitingCustomers.map((w) => w.id), [1]);
    assert.equal(byAna.waiting, 3, "the count stays the desk's");
    assert.deepEqual(summarize(state, NOW, names, parseStatusFilter(staff, { owner: "222" })).waitingCustomers.map((w) => w.id), [2]);
    assert.deepEqual(summarize(state, NOW, names, parseStatusFilter(staff, { owner: "none", tag: "#Billing" })).waitingCustomers.map((w) => w.id), [3]);
    assert.deepEqual(statusJson(summarize(state, NOW, names, parseStatusFilter(staff, { owner: "none" }))).filter, { owner: "none", tag: null });
    assert.throws(() => parseStatusFilter(staff, { owner: "Zed" }), (err: Error & { exitCode?: number; hint?: string }) => {
      assert.match(err.message, /--owner: no staff member is called "Zed"/);
      assert.match(err.hint ?? "", /Ana Souza \(111\), 222/);
      assert.equal(err.exitCode, 2);
      return true;
    });
  });

  test("text and JSON give the same seconds (a median of 9.6 s is 10 s in both)", () => {
    const state = emptyState();
    state.conversations = { "1": conversation(1, { firstMessageAt: NOW - MIN, firstResponseAt: NOW - MIN + 9_600 }) };
    const s = summarize(state, NOW);
    assert.equal(humanDuration(s.medianFirstResponseMs!), "10 s");
    assert.equal(statusJson(s).median_first_response_seconds, 10);
  });

  test("humanDuration reads like people talk", () => {
    assert.equal(humanDuration(0), "0 s");
    assert.equal(humanDuration(45_000), "45 s");
    assert.equal(humanDuration(12 * MIN + 29_000), "12 min");
    assert.equal(humanDuration(60 * MIN), "1 h");
    assert.equal(humanDuration(185 * MIN), "3 h 5 min");
    assert.equal(humanDuration(52 * 60 * MIN), "2 d 4 h");
    assert.equal(humanDuration(-5), "0 s");
  });

  test("the JSON uses snake_case, seconds and ISO dates", () => {
    const state = emptyState();
    state.conversations = { "7": conversation(7, { first_name: "Ana", waitingSince: NOW - 12 * MIN, firstResponseAt: NOW - 50 * MIN }) };
    assert.deepEqual(statusJson(summarize(state, NOW)), {
      total: 1,
      open: 1,
      closed: 0,
      waiting: 1,
      waiting_customers: [{ id: 7, name: "Ana", username: null, priority: 3, owner: null, tags: [], waiting_since: new Date(NOW - 12 * MIN).toISOString(), wait_seconds: 720 }],
      median_first_response_seconds: 600,
      responded: 1,
    });
  });

  const health = (fields: Partial<Health> = {}): Health => ({
    version: 1,
    pid: 900,
    started_at: new Date(NOW - 60 * MIN).toISOString(),
    state: "polling",
    last_poll_at: new Date(NOW - 3000).toISOString(),
    unreachable_since: null,
    conflict: null,
    last_error: null,
    ...fields,
  });

  test("daemon: polling when its process holds the lock and Telegram answers its getUpdates", () => {
    const d = daemonStatus(health(), 900, 2, NOW);
    assert.deepEqual(daemonJson(d), {
      running: true,
      pid: 900,
      polling: true,
      state: "polling",
      started_at: new Date(NOW - 60 * MIN).toISOString(),
      last_poll_at: new Date(NOW - 3000).toISOString(),
      last_poll_seconds_ago: 3,
      last_update_at: null,
      backlog: 2,
      group_backlog: { messages: 0, comments: 0, clear_seconds: 0 },
      unreachable_since: null,
      conflict: null,
      last_error: null,
    });
    assert.deepEqual(daemonLines(d), ["daemon: polling (pid 900), last getUpdates 3 s ago, 2 deliveries queued"]);
  });

  test("daemon: running but not polling while Telegram is away, starting before its first poll, with the last error", () => {
    const error = { at: new Date(NOW).toISOString(), level: "warn" as const, message: "Telegram unavailable (getUpdates): …" };
    const away = daemonStatus(health({ unreachable_since: new Date(NOW - MIN).toISOString(), last_error: error }), 900, 0, NOW);
    assert.deepEqual([away.running, away.polling, away.state], [true, false, "polling"]);
    assert.deepEqual(daemonLines(away), [
      "daemon: running (pid 900), last getUpdates 3 s ago, 0 deliveries queued",
      `  Telegram unavailable since ${new Date(NOW - MIN).toISOString()}: retrying with backoff`,
      `  last warning (${error.at}): Telegram unavailable (getUpdates): …`,
    ]);
    const starting = daemonStatus(health({ state: "starting", last_poll_at: null }), 900, 1, NOW);
    assert.deepEqual([starting.polling, starting.state], [false, "starting"]);
    assert.equal(daemonLines(starting)[0], "daemon: starting (pid 900), not polling yet, 1 delivery queued");
  });

  test("daemon: receiving by webhook, with when the last update came", () => {
    const d = daemonStatus(health({ state: "webhook", last_poll_at: null, last_update_at: new Date(NOW - 5000).toISOString() }), 900, 0, NOW);
    assert.deepEqual([d.running, d.polling, d.state, daemonJson(d).last_update_at], [true, false, "webhook", new Date(NOW - 5000).toISOString()]);
    assert.deepEqual(daemonLines(d), ["daemon: receiving updates by webhook (pid 900), last update 5 s ago, 0 deliveries queued"]);
    const fresh = daemonStatus(health({ state: "webhook", last_poll_at: null }), 900, 0, NOW);
    assert.equal(daemonLines(fresh)[0], "daemon: receiving updates by webhook (pid 900), no update yet, 0 deliveries queued");
  });

  test("daemon: not running when no live process holds the lock, even if its last health file said polling", () => {
    const dead = daemonStatus(health(), undefined, 4, NOW);
    assert.deepEqual([dead.running, dead.pid, dead.polling, dead.state, dead.backlog], [false, null, false, "not running", 4]);
    assert.equal(dead.lastPollAt, new Date(NOW - 3000).toISOString(), "its last poll is still told");
    assert.match(daemonLines(dead)[0]!, /^daemon: not running, 4 deliveries queued \(its last getUpdates: /);
    const other = daemonStatus(health({ pid: 123 }), 900, 0, NOW);
    assert.deepEqual([other.running, other.state], [true, "starting"], "a file from an earlier run does not make the new one polling");
    assert.equal(daemonLines(daemonStatus(undefined, undefined, 0, NOW))[0], "daemon: not running, 0 deliveries queued");
  });

  test("backlog counts the jobs queued in both directions", () => {
    const state = emptyState();
    state.conversations = {
      "1": conversation(1, { queues: { team: [{} as never, {} as never], customer: [{} as never], card: [], staff: [] } }),
      "2": conversation(2),
    };
    assert.equal(queuedJobs(state), 3);
  });
});

describe("backlog for the group", () => {
  const GROUP = -1001;
  function backlogged() {
    const state = emptyState();
    const texts = Array.from({ length: 25 }, (_, i) => ({ id: i + 1, at: NOW, kind: "in" as const, p: i + 1, text: { text: `text ${i}` } }));
    const photos = Array.from({ length: 30 }, (_, i) => ({ id: 100 + i, at: NOW, kind: "in" as const, p: 100 + i }));
    state.conversations["1"] = conversation(1, { queues: { team: [{ id: 99, at: NOW, kind: "card" }, ...texts], customer: [{ id: 98, at: NOW, kind: "notice", html: "hi" }], card: [], staff: [] } });
    state.conversations["2"] = conversation(2, { queues: { team: photos, customer: [], card: [], staff: [] } });
    return state;
  }

  test("messages waiting for the group, the comments they make, and the least time Telegram's ~20 a minute allows", () => {
    const state = backlogged();
    assert.deepEqual(groupBacklogOf(state, false, GROUP, NOW), { messages: 55, comments: 55, clearMs: 2 * MIN + 14_000 });
    // Merged, the 25 texts are one comment: 31 comments, the 31st a minute after the 11th.
    assert.deepEqual(groupBacklogOf(state, true, GROUP, NOW), { messages: 55, comments: 31, clearMs: MIN + 10_000 });
    // The group's last minute, as the daemon stored it, counts: 20 sends 30 s ago push everything back.
    state.recentSends = { [String(GROUP)]: Array.from({ length: 20 }, (_, i) => NOW - 30_000 + i) };
    assert.equal(groupBacklogOf(state, true, GROUP, NOW).clearMs, 30_000 + MIN + 10_000);
  });

  test("status shows it, also as JSON", () => {
    const group = groupBacklogOf(backlogged(), true, GROUP, NOW);
    const d = daemonStatus(undefined, undefined, 57, NOW, group);
    assert.match(daemonLines(d).join("\n"), /waiting for the group: 55 messages \(as 31 comments\), about 1 min to clear/);
    assert.deepEqual(daemonJson(d)["group_backlog"], { messages: 55, comments: 31, clear_seconds: 70 });
  });
});
