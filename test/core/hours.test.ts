import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { addBusinessMs, businessMs, isOpen, localTime, nextClosing, nextOpening, zonedInstant } from "../../src/core/hours.ts";
import { at, hours, iso, SP } from "./service-helpers.ts";

const H = 3_600_000;

describe("business hours", () => {
  test("inside and outside on a weekday and on Saturday, ends exclusive", () => {
    assert.equal(isOpen(SP, at("2026-03-06T09:00:00-03:00")), true, "Friday 09:00: open");
    assert.equal(isOpen(SP, at("2026-03-06T08:59:59-03:00")), false, "Friday 08:59:59: not yet");
    assert.equal(isOpen(SP, at("2026-03-06T17:59:59-03:00")), true);
    assert.equal(isOpen(SP, at("2026-03-06T18:00:00-03:00")), false, "Friday 18:00: closed");
    assert.equal(isOpen(SP, at("2026-03-07T11:59:00-03:00")), true, "Saturday morning");
    assert.equal(isOpen(SP, at("2026-03-07T12:00:00-03:00")), false, "Saturday 12:00");
    assert.equal(isOpen(SP, at("2026-03-08T10:00:00-03:00")), false, "Sunday");
  });

  test("the zone decides the day, not UTC: Friday 23:30 in São Paulo is Saturday in UTC", () => {
    const t = at("2026-03-07T02:30:00Z"); // Friday 23:30 local
    assert.deepEqual(localTime("America/Sao_Paulo", t), { date: "2026-03-06", minutes: 23 * 60 + 30, weekday: "fri" });
    assert.equal(isOpen(SP, t), false);
    assert.equal(iso(nextOpening(SP, t)), "2026-03-07T12:00:00.000Z", "Saturday 09:00 local");
    // Sunday 21:30 local is Monday 00:30 UTC: still closed, and Monday opens at 09:00 local.
    assert.equal(isOpen(SP, at("2026-03-09T00:30:00Z")), false);
    assert.equal(iso(nextOpening(SP, at("2026-03-09T00:30:00Z"))), "2026-03-09T12:00:00.000Z");
    // A zone ahead of UTC: Monday 08:00 in Tokyo is Sunday 23:00 UTC.
    const tokyo = hours("Asia/Tokyo", { mon: "08:00-09:00" });
    assert.equal(isOpen(tokyo, at("2026-03-08T23:00:00Z")), true);
    assert.equal(isOpen(tokyo, at("2026-03-09T08:00:00Z")), false, "Monday 08:00 UTC is 17:00 in Tokyo");
  });

  test("ranges that meet at midnight are one open period; several ranges a day", () => {
    const night = hours("America/Sao_Paulo", { fri: "22:00-24:00", sat: "00:00-02:00, 10:00-11:00" });
    const fri2330 = at("2026-03-06T23:30:00-03:00");
    assert.equal(isOpen(night, fri2330), true);
    assert.equal(isOpen(night, at("2026-03-07T00:00:00-03:00")), true, "midnight is inside");
    assert.equal(nextOpening(night, fri2330), fri2330, "open: the closed period ends now");
    assert.equal(businessMs(night, at("2026-03-06T21:00:00-03:00"), at("2026-03-07T12:00:00-03:00")), 5 * H);
    assert.equal(iso(nextOpening(night, at("2026-03-07T02:00:00-03:00"))), "2026-03-07T13:00:00.000Z", "the lunch gap: back at 10:00");
  });

  test("when an open period ends: across midnight it is one period; closed, it is now", () => {
    const night = hours("America/Sao_Paulo", { fri: "22:00-24:00", sat: "00:00-02:00, 10:00-11:00" });
    assert.equal(iso(nextClosing(night, at("2026-03-06T23:30:00-03:00"))), "2026-03-07T05:00:00.000Z", "Saturday 02:00");
    assert.equal(iso(nextClosing(SP, at("2026-03-06T10:00:00-03:00"))), "2026-03-06T21:00:00.000Z", "Friday 18:00");
    const sunday = at("2026-03-08T10:00:00-03:00");
    assert.equal(nextClosing(SP, sunday), sunday, "closed: it ends now");
    const always = hours("UTC", { "mon-sun": "00:00-24:00" });
    assert.ok(nextClosing(always, sunday) > sunday + 365 * 24 * H, "open around the clock: not within a year");
  });

  test("a holiday is closed all day; a yearly one every year", () => {
    assert.equal(isOpen(SP, at("2026-12-25T10:00:00-03:00")), false, "Christmas (a Friday)");
    assert.equal(iso(nextOpening(SP, at("2026-12-24T18:30:00-03:00"))), "2026-12-26T12:00:00.000Z", "Saturday 09:00");
    const yearly = { ...SP, holidays: ["12-25"] };
    assert.equal(isOpen(yearly, at("2026-12-25T10:00:00-03:00")), false);
    assert.equal(isOpen(yearly, at("2028-12-25T10:00:00-03:00")), false, "a Monday two years on");
    assert.equal(isOpen(yearly, at("2028-12-26T10:00:00-03:00")), true);
  });

  test("business time between two instants and a deadline in business time", () => {
    // Friday 17:00 to Monday 10:00: 1 h Friday + 3 h Saturday + 1 h Monday.
    assert.equal(businessMs(SP, at("2026-03-06T17:00:00-03:00"), at("2026-03-09T10:00:00-03:00")), 5 * H);
    assert.equal(businessMs(SP, at("2026-03-08T10:00:00-03:00"), at("2026-03-08T20:00:00-03:00")), 0, "all Sunday");
    assert.equal(businessMs(SP, at("2026-03-09T10:00:00-03:00"), at("2026-03-09T09:00:00-03:00")), 0, "backwards is 0");
    assert.equal(iso(addBusinessMs(SP, at("2026-03-06T17:30:00-03:00"), H)), "2026-03-07T12:30:00.000Z", "30 min Friday, 30 min Saturday");
    assert.equal(iso(addBusinessMs(SP, at("2026-03-07T23:00:00-03:00"), 30 * 60_000)), "2026-03-09T12:30:00.000Z", "Saturday night + 30 min: Monday 09:30");
  });

  test("DST in New York: the spring day is an hour short, the autumn day an hour long", () => {
    const ny = hours("America/New_York", { sun: "01:00-04:00" });
    assert.equal(businessMs(ny, at("2026-03-07T00:00:00Z"), at("2026-03-09T00:00:00Z")), 2 * H, "01:00 EST to 04:00 EDT");
    assert.equal(businessMs(ny, at("2026-10-31T00:00:00Z"), at("2026-11-02T00:00:00Z")), 4 * H, "01:00 EDT to 04:00 EST");
    assert.equal(businessMs(ny, at("2026-03-14T00:00:00Z"), at("2026-03-16T00:00:00Z")), 3 * H, "a plain Sunday");
    // Opening at 02:30, a time that does not exist that day: open when the clocks jump to 03:00.
    const gap = hours("America/New_York", { sun: "02:30-05:00" });
    assert.equal(iso(nextOpening(gap, at("2026-03-08T05:00:00Z"))), "2026-03-08T07:00:00.000Z");
    assert.equal(isOpen(gap, at("2026-03-08T06:59:59Z")), false);
    assert.equal(isOpen(gap, at("2026-03-08T07:00:00Z")), true);
  });

  test("DST at midnight (São Paulo, 2018): the day starts at 01:00 and the range still opens", () => {
    const br = hours("America/Sao_Paulo", { sat: "20:00-24:00", sun: "00:00-12:00" });
    // Saturday 20:00 BRT (23:00Z) to Sunday 12:00 BRST (14:00Z); midnight never happened.
    assert.equal(businessMs(br, at("2018-11-03T00:00:00Z"), at("2018-11-05T00:00:00Z")), 15 * H);
    assert.equal(isOpen(br, at("2018-11-04T02:59:00Z")), true, "Saturday 23:59");
    assert.equal(isOpen(br, at("2018-11-04T03:00:00Z")), true, "Sunday 01:00 BRST");
    assert.equal(zonedInstant("America/Sao_Paulo", "2018-11-04"), at("2018-11-04T03:00:00Z"), "the day's first instant");
  });
});
