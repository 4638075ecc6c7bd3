/** The daemon's log through an outage and a conflict: the changes, not every failure. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { HealthReporter } from "../../src/daemon/health.ts";
import { TelegramWatch, untilAnswered } from "../../src/daemon/outage.ts";
import type { Logger } from "../../src/log.ts";
import { NetworkError, TelegramApiError } from "../../src/telegram/errors.ts";

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, debug: (m) => lines.push(`debug ${m}`), info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) };
}

function setup() {
  let now = Date.UTC(2026, 0, 1);
  const log = recorder();
  const health = new HealthReporter({ storePath: "/nonexistent/s.json", pid: 1, log, now: () => now });
  const watch = new TelegramWatch(log, health, () => now);
  return { log, health, watch, advance: (ms: number) => (now += ms) };
}

const down = new NetworkError({ method: "getUpdates", problem: "unreachable", origin: "https://api.telegram.org", detail: "connect ECONNREFUSED" });
const conflict = new TelegramApiError({ method: "getUpdates", code: 409, description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running" });
const webhook = new TelegramApiError({ method: "getUpdates", code: 409, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first" });

test("an outage: a warning when it starts, one a minute while it lasts, one line when it ends; the health record follows", () => {
  const { log, health, watch, advance } = setup();
  watch.failed("getUpdates", down, 500);
  assert.equal(health.unreachableSince, Date.UTC(2026, 0, 1));
  for (let i = 0; i < 20; i++) {
    advance(5000);
    watch.failed("getUpdates", down, 5000);
  }
  const warns = log.lines.filter((l) => l.startsWith("warn"));
  assert.equal(warns.length, 2, log.lines.join("\n"));
  assert.match(warns[0]!, /^warn Telegram unavailable \(getUpdates\): Could not reach Telegram .*ECONNREFUSED.*; retrying with backoff until it answers \(next try in 0\.5 s\)/);
  assert.match(warns[1]!, /^warn Telegram still unavailable after 1 min \(13 failed attempts; getUpdates\)/);
  watch.polled();
  watch.polled();
  assert.deepEqual(log.lines.filter((l) => l.startsWith("info")), ["info Telegram reachable again after 1 min (21 failed attempts)"]);
  assert.equal(health.unreachableSince, undefined);
  assert.ok(health.lastPollAt);
});

test("another poller: one loud error, again every 5 minutes while it lasts, a growing backoff, and 'alone again' after a quiet minute", () => {
  const { log, health, watch, advance } = setup();
  const waits = [watch.conflict(conflict)];
  for (let i = 0; i < 9; i++) {
    advance(40_000);
    watch.polled(); // its polls succeed in between: still a conflict
    waits.push(watch.conflict(conflict));
  }
  const errors = log.lines.filter((l) => l.startsWith("error"));
  assert.equal(errors.length, 2, log.lines.join("\n"));
  assert.match(errors[0]!, /another program is polling Telegram with this bot token \(Telegram says: Conflict: terminated by other getUpdates request.*\): each update goes to only one of them.*`clientes check`.*Polling goes on with backoff/);
  assert.match(errors[1]!, /still another program polls with this bot token: 9 conflicts in 5 min/);
  assert.ok(waits[0]! < 1000 && waits.at(-1)! >= 27_000, `backoff grows to 30 s: ${waits.join(", ")}`);
  assert.equal(health.conflict?.count, 10);
  advance(60_000);
  watch.polled();
  assert.match(log.lines.at(-1)!, /^info no other program has polled with this bot token for 1 min \(10 conflicts in all\): polling alone again/);
  assert.equal(health.conflict, undefined);
  assert.ok(watch.conflict(conflict) < 1000, "a new conflict starts the backoff again");
  assert.equal(log.lines.filter((l) => l.startsWith("error")).length, 3, "and is said again");
});

test("a webhook set by another program is named as such", () => {
  const { log, watch } = setup();
  watch.conflict(webhook);
  assert.match(log.lines[0]!, /^error a webhook is set for this bot token, so Telegram refuses to hand updates to this daemon/);
});

test("untilAnswered retries what passes, throws a refusal at once, and stops on abort", async () => {
  const { log, watch } = setup();
  const noSleep = async () => {};
  let calls = 0;
  const got = await untilAnswered("getMe", async () => (++calls < 4 ? Promise.reject(down) : "me"), watch, new AbortController().signal, noSleep);
  assert.equal(got, "me");
  assert.equal(calls, 4);
  assert.match(log.lines.at(-1)!, /^info Telegram reachable again after 0 s \(3 failed attempts\)/);

  const refused = new TelegramApiError({ method: "getMe", code: 401, description: "Unauthorized" });
  calls = 0;
  await assert.rejects(untilAnswered("getMe", async () => (calls++, Promise.reject(refused)), watch, new AbortController().signal, noSleep), refused);
  assert.equal(calls, 1);

  const stop = new AbortController();
  await assert.rejects(
    untilAnswered("getMe", async () => {
      stop.abort(new Error("shutting down"));
      throw down;
    }, watch, stop.signal, noSleep),
    down,
  );
});
