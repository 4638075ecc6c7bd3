import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { buildReport, parsePeriod, percentile, reportCsv, reportJson, type Figures } from "../../src/setup/report.ts";
import { ANA } from "../core/helpers.ts";
import { at, SP } from "../core/service-helpers.ts";
import { BRUNO, CUSTOMERS, scriptedWeek, WEEK_SLA } from "./week.ts";

const MIN = 60_000;
const WEEK = { since: at("2026-03-02T00:00:00-03:00"), until: at("2026-03-09T00:00:00-03:00") };
const names = new Map([[ANA, "Ana"], [BRUNO, "Bruno"]]);
const state = scriptedWeek();
const report = buildReport(state.events, { ...WEEK, hours: SP, sla: WEEK_SLA, staffNames: names });

/** Figures in minutes, for readable expectations. */
function inMinutes(f: Figures) {
  const m = (ms: number | null) => (ms === null ? null : ms / MIN);
  return {
    opened: f.opened,
    reopened: f.reopened,
    closed: f.closed,
    first: [f.firstResponse.count, m(f.firstResponse.p50Ms), m(f.firstResponse.p90Ms)],
    resolution: [f.resolution.count, m(f.resolution.p50Ms), m(f.resolution.p90Ms)],
    sla: f.sla && [f.sla.met, f.sla.waits, f.sla.percent],
    csat: [f.csat.count, f.csat.average, f.csat.distribution],
  };
}

describe("report on a scripted week", () => {
  test("totals: volumes, p50/p90 in business time, SLA met, CSAT", () => {
    // First answers 12, 20, 30, 40, 60 business min; resolutions 60, 60, 60, 75, 120.
    // Waits with a target: A (2, met), B (met), C (breach), E (met, then breach), F (breach, unanswered).
    assert.deepEqual(inMinutes(report.total), {
      opened: 6,
      reopened: 1,
      closed: 5,
      first: [5, 30, 60],
      resolution: [5, 60, 120],
      sla: [4, 7, 57.1],
      csat: [3, 4, [0, 0, 1, 1, 1]],
    });
    assert.equal(report.businessHours, true);
  });

  test("per owner, per tag and per origin", () => {
    assert.deepEqual(
      report.byOwner.map((g) => [g.owner, g.name, inMinutes(g.figures)]),
      [
        [ANA, "Ana", { opened: 2, reopened: 0, closed: 2, first: [2, 12, 60], resolution: [2, 60, 75], sla: [2, 3, 66.7], csat: [2, 4, [0, 0, 1, 0, 1]] }],
        [BRUNO, "Bruno", { opened: 1, reopened: 0, closed: 1, first: [1, 30, 30], resolution: [1, 120, 120], sla: [1, 1, 100], csat: [0, null, [0, 0, 0, 0, 0]] }],
        [null, null, { opened: 3, reopened: 1, closed: 2, first: [2, 20, 40], resolution: [2, 60, 60], sla: [1, 3, 33.3], csat: [1, 4, [0, 0, 0, 1, 0]] }],
      ],
    );
    assert.deepEqual(
      report.byTag.map((g) => [g.tag, inMinutes(g.figures)]),
      [
        ["billing", { opened: 2, reopened: 0, closed: 2, first: [2, 12, 30], resolution: [2, 60, 120], sla: [3, 3, 100], csat: [1, 5, [0, 0, 0, 0, 1]] }],
        ["shipping", { opened: 1, reopened: 1, closed: 2, first: [2, 20, 40], resolution: [2, 60, 60], sla: [1, 2, 50], csat: [1, 4, [0, 0, 0, 1, 0]] }],
        ["urgent", { opened: 1, reopened: 0, closed: 1, first: [1, 30, 30], resolution: [1, 120, 120], sla: [1, 1, 100], csat: [0, null, [0, 0, 0, 0, 0]] }],
        [null, { opened: 3, reopened: 0, closed: 1, first: [1, 60, 60], resolution: [1, 75, 75], sla: [0, 2, 0], csat: [1, 3, [0, 0, 1, 0, 0]] }],
      ],
    );
    assert.deepEqual(
      report.byOrigin.map((g) => [g.origin, inMinutes(g.figures)]),
      [
        ["instagram", { opened: 1, reopened: 0, closed: 0, first: [0, null, null], resolution: [0, null, null], sla: [0, 0, null], csat: [0, null, [0, 0, 0, 0, 0]] }],
        ["promo", { opened: 2, reopened: 0, closed: 2, first: [2, 12, 60], resolution: [2, 60, 75], sla: [2, 3, 66.7], csat: [2, 4, [0, 0, 1, 0, 1]] }],
        [null, { opened: 3, reopened: 1, closed: 3, first: [3, 30, 40], resolution: [3, 60, 120], sla: [2, 4, 50], csat: [1, 4, [0, 0, 0, 1, 0]] }],
      ],
    );
  });

  test("without hours, times are wall-clock: Bruno's overnight answer took 15 h 30 min", () => {
    const wall = buildReport(state.events, { ...WEEK, sla: WEEK_SLA, staffNames: names });
    const bruno = wall.byOwner.find((g) => g.owner === BRUNO)!;
    assert.equal(bruno.figures.firstResponse.p50Ms, 930 * MIN);
    assert.equal(wall.businessHours, false);
    const noSla = buildReport(state.events, WEEK);
    assert.equal(noSla.total.sla, null, "no targets: no SLA figure");
  });

  test("the period cuts by event time: Monday alone", () => {
    const monday = buildReport(state.events, { since: WEEK.since, until: at("2026-03-03T00:00:00-03:00"), hours: SP, sla: WEEK_SLA });
    assert.deepEqual(inMinutes(monday.total), { opened: 2, reopened: 0, closed: 1, first: [1, 12, 12], resolution: [1, 60, 60], sla: [2, 2, 100], csat: [1, 5, [0, 0, 0, 0, 1]] });
  });

  test("no events: zeros and nulls", () => {
    const empty = buildReport({}, { ...WEEK, sla: WEEK_SLA });
    assert.deepEqual(inMinutes(empty.total), { opened: 0, reopened: 0, closed: 0, first: [0, null, null], resolution: [0, null, null], sla: [0, 0, null], csat: [0, null, [0, 0, 0, 0, 0]] });
    assert.deepEqual([empty.byOwner, empty.byTag, empty.byOrigin], [[], [], []]);
  });

  test("JSON: snake_case, seconds, ISO dates, every group", () => {
    const j = reportJson(report, "America/Sao_Paulo") as Record<string, unknown> & { by_owner: Array<Record<string, unknown>> };
    assert.deepEqual(Object.keys(j), ["since", "until", "timezone", "business_hours", "sla", "total", "by_owner", "by_tag", "by_origin"]);
    assert.equal(j.since, "2026-03-02T03:00:00.000Z");
    assert.equal(j.until, "2026-03-09T03:00:00.000Z");
    assert.deepEqual(j.sla, { first_response_minutes: 30, response_minutes: 60 });
    assert.deepEqual(j.total, {
      opened: 6,
      reopened: 1,
      closed: 5,
      first_response: { count: 5, p50_seconds: 1800, p90_seconds: 3600 },
      resolution: { count: 5, p50_seconds: 3600, p90_seconds: 7200 },
      sla: { waits: 7, met: 4, met_percent: 57.1 },
      csat: { count: 3, average: 4, distribution: { 1: 0, 2: 0, 3: 1, 4: 1, 5: 1 } },
    });
    assert.deepEqual(Object.keys(j.by_owner[0]!).slice(0, 3), ["owner_id", "owner_name", "opened"]);
    assert.deepEqual(j.by_owner.map((g) => g.owner_name), ["Ana", "Bruno", null]);
  });

  test("CSV: a header, the total, then one row per owner, tag and origin", () => {
    const lines = reportCsv(report).split("\r\n");
    assert.equal(lines.at(-1), "", "ends with a line break");
    assert.equal(
      lines[0],
      "group,key,name,opened,reopened,closed,first_response_count,first_response_p50_seconds,first_response_p90_seconds,resolution_count,resolution_p50_seconds,resolution_p90_seconds,sla_waits,sla_met,sla_met_percent,csat_count,csat_average,csat_1,csat_2,csat_3,csat_4,csat_5",
    );
    assert.equal(lines[1], "total,,,6,1,5,5,1800,3600,5,3600,7200,7,4,57.1,3,4,0,0,1,1,1");
    assert.equal(lines[2], `owner,${ANA},Ana,2,0,2,2,720,3600,2,3600,4500,3,2,66.7,2,4,0,0,1,0,1`);
    assert.equal(lines[4], "owner,,,3,1,2,2,1200,2400,2,3600,3600,3,1,33.3,1,4,0,0,0,1,0");
    assert.deepEqual(lines.slice(1, -1).map((l) => l.split(",").slice(0, 2).join(",")), [
      "total,",
      `owner,${ANA}`,
      `owner,${BRUNO}`,
      "owner,",
      "tag,billing",
      "tag,shipping",
      "tag,urgent",
      "tag,",
      "origin,instagram",
      "origin,promo",
      "origin,",
    ]);
    assert.equal(lines[9], "origin,instagram,,1,0,0,0,,,0,,,0,0,,0,,0,0,0,0,0", "no data: empty cells");
  });

  test("CSV: a hostile origin is quoted and cannot run as a formula", () => {
    const events = { [CUSTOMERS.A]: [{ type: "opened" as const, at: WEEK.since + 1, origin: '=HYPERLINK("x","y"),1' }] };
    const csv = reportCsv(buildReport(events, WEEK));
    assert.match(csv, /\r\norigin,"'=HYPERLINK\(""x"",""y""\),1",,1,/);
  });
});

describe("period", () => {
  const now = at("2026-03-10T15:00:00-03:00");
  const zone = "America/Sao_Paulo";
  test("relative, dates in the zone (a bare --until includes the day), times, offsets", () => {
    assert.deepEqual(parsePeriod({}, now, zone), { since: now - 7 * 86_400_000, until: now });
    assert.deepEqual(parsePeriod({ since: "24h" }, now, zone), { since: now - 86_400_000, until: now });
    assert.deepEqual(parsePeriod({ since: "2w" }, now, zone), { since: now - 14 * 86_400_000, until: now });
    assert.deepEqual(parsePeriod({ since: "2026-03-02", until: "2026-03-08" }, now, zone), WEEK);
    assert.deepEqual(parsePeriod({ since: "2026-03-02T09:30", until: "2026-03-02T18:00:30" }, now, zone), {
      since: at("2026-03-02T09:30:00-03:00"),
      until: at("2026-03-02T18:00:30-03:00"),
    });
    assert.deepEqual(parsePeriod({ since: "2026-03-02T09:30:00Z" }, now, zone), { since: at("2026-03-02T09:30:00Z"), until: now });
  });

  test("bad forms say which flag and what is accepted", () => {
    const forms = "use 7d (days back; also 24h or 2w), a date like 2026-03-01, or a date and time like 2026-03-01T09:00";
    assert.deepEqual(parsePeriod({ since: "last week" }, now, zone), { error: `--since: "last week" is not a period start; ${forms}` });
    assert.deepEqual(parsePeriod({ since: "2026-02-30" }, now, zone), { error: `--since: "2026-02-30" is not a period start; ${forms}` });
    assert.deepEqual(parsePeriod({ until: "03/08/2026" }, now, zone), { error: `--until: "03/08/2026" is not a period end; ${forms}` });
    assert.deepEqual(parsePeriod({ since: "2026-03-09", until: "2026-03-01" }, now, zone), {
      error: "--since (2026-03-09T03:00:00.000Z) must come before --until (2026-03-02T03:00:00.000Z)",
    });
  });

  test("nearest-rank percentiles", () => {
    assert.equal(percentile([], 50), null);
    assert.equal(percentile([7], 90), 7);
    assert.equal(percentile([1, 2, 3, 4], 50), 2);
    assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), 9);
    assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90), 10);
  });
});
