/** The demo desk's clock: real time when the desk is open, forward only, a closed period on request. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeskClock } from "../../src/demo/clock.ts";
import { at, iso, SP } from "../core/service-helpers.ts";

/** A time source the test moves by hand. */
function source(start: string) {
  let t = at(start);
  return { now: () => t, pass: (ms: number) => (t += ms) };
}

test("while the desk is open the clock is real time, and runs with it", () => {
  const real = source("2026-03-11T10:00:00-03:00"); // Wednesday morning
  const clock = new DeskClock(SP, real.now);
  assert.equal(clock.now(), real.now());
  real.pass(5_000);
  assert.equal(clock.now(), real.now());
  assert.deepEqual(clock.status(), { now: real.now(), open: true, timezone: "America/Sao_Paulo", until: at("2026-03-11T18:00:00-03:00") });
});

test("started while closed, or with under an hour left, it begins at the next opening", () => {
  assert.equal(iso(new DeskClock(SP, source("2026-03-07T22:00:00-03:00").now).now()), "2026-03-09T12:00:00.000Z", "Saturday night: Monday 09:00");
  assert.equal(iso(new DeskClock(SP, source("2026-03-11T17:30:00-03:00").now).now()), "2026-03-12T12:00:00.000Z", "Wednesday 17:30: Thursday 09:00");
  assert.equal(iso(new DeskClock(SP, source("2026-03-07T11:30:00-03:00").now).now()), "2026-03-09T12:00:00.000Z", "Saturday 11:30: the short morning is nearly over");
  assert.equal(iso(new DeskClock(SP, source("2026-12-24T20:00:00-03:00").now).now()), "2026-12-26T12:00:00.000Z", "the holiday is skipped");
});

test("after hours: forward to the closing time, then forward to the next opening; never backwards", () => {
  const real = source("2026-03-11T10:00:00-03:00");
  const clock = new DeskClock(SP, real.now);
  const closed = clock.moveTo(false);
  assert.equal(iso(closed.now), "2026-03-11T21:00:00.000Z", "Wednesday 18:00");
  assert.deepEqual([closed.open, iso(closed.until ?? undefined)], [false, "2026-03-12T12:00:00.000Z"]);
  real.pass(60_000);
  assert.equal(clock.moveTo(false).now, closed.now + 60_000, "already closed: the clock only runs on");
  const open = clock.moveTo(true);
  assert.deepEqual([iso(open.now), open.open], ["2026-03-12T12:00:00.000Z", true], "Thursday 09:00");
  assert.equal(clock.moveTo(true).now, open.now, "already open");
});

test("Friday after hours is closed until Saturday 09:00; Saturday's closing lasts until Monday", () => {
  const clock = new DeskClock(SP, source("2026-03-13T10:00:00-03:00").now);
  assert.equal(iso(clock.moveTo(false).until ?? undefined), "2026-03-14T12:00:00.000Z");
  assert.equal(iso(clock.moveTo(true).now), "2026-03-14T12:00:00.000Z", "Saturday 09:00: three hours open");
  const weekend = clock.moveTo(false);
  assert.deepEqual([iso(weekend.now), iso(weekend.until ?? undefined)], ["2026-03-14T15:00:00.000Z", "2026-03-16T12:00:00.000Z"]);
});
