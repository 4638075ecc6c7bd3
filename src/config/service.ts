/**
 * The service-level keys of the config: `hours:` (business hours) and `sla:` (response
 * targets). Each problem names its key and how to fix it; all are reported at once.
 */
import { canonicalZone, hhmm, WEEKDAYS, type DayRange, type Hours, type Weekday } from "../core/hours.ts";
import type { Sla } from "../core/sla.ts";
import { describe } from "./parse.ts";
import { distance, suggest } from "./suggest.ts";

/** Where problems go: `add(key, detail)`, as the config parser collects them. */
export interface ProblemSink {
  add(key: string | undefined, detail: string): void;
}

const HOURS_KEYS = ["timezone", "week", "holidays"] as const;
const SLA_KEYS = ["first_response_minutes", "response_minutes"] as const;
const DAY_LIST = "mon, tue, wed, thu, fri, sat or sun";
const RANGES_EXAMPLE = '"09:00-18:00" or "09:00-12:00, 13:00-18:00"';
const HOURS_EXAMPLE = '{timezone: "America/Sao_Paulo", week: {mon-fri: "09:00-18:00"}}';

type Mapping = Record<string, unknown>;
const isMapping = (v: unknown): v is Mapping => typeof v === "object" && v !== null && !Array.isArray(v);

function unknownKeys(p: ProblemSink, map: Mapping, known: readonly string[], prefix: string): void {
  for (const key of Object.keys(map)) {
    if (known.includes(key)) continue;
    const close = suggest(key, known);
    p.add(`${prefix}.${key}`, `unknown key; ${close ? `did you mean "${close}"?` : `valid keys: ${known.join(", ")}`}`);
  }
}

/** Reads `hours:`; undefined when absent (the desk is always open). */
export function readHours(p: ProblemSink, value: unknown): Hours | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isMapping(value)) {
    p.add("hours", `expected a mapping like ${HOURS_EXAMPLE}, got ${describe(value)}`);
    return undefined;
  }
  unknownKeys(p, value, HOURS_KEYS, "hours");
  const timezone = readZone(p, value.timezone);
  const week = readWeek(p, value.week);
  const holidays = readHolidays(p, value.holidays);
  if (timezone === undefined || week === undefined || holidays === undefined) return undefined;
  return { timezone, week, holidays };
}

function readZone(p: ProblemSink, value: unknown): string | undefined {
  const expected = 'an IANA time zone like "America/Sao_Paulo", "Europe/Lisbon" or "UTC"';
  if (value === undefined || value === null || value === "") {
    p.add("hours.timezone", `missing; expected ${expected}`);
    return undefined;
  }
  if (typeof value !== "string") {
    p.add("hours.timezone", `expected ${expected}, got ${describe(value)}`);
    return undefined;
  }
  const zone = canonicalZone(value.trim());
  if (zone !== undefined) return zone;
  const close = closestZone(value.trim());
  p.add("hours.timezone", `${describe(value)} is not a time zone${close ? `; did you mean "${close}"?` : ""} (expected ${expected})`);
  return undefined;
}

function closestZone(zone: string): string | undefined {
  const wanted = zone.toLowerCase().replace(/ /g, "_");
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(wanted.length / 4)) + 1;
  for (const candidate of Intl.supportedValuesOf("timeZone")) {
    const d = distance(wanted, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** "09:00" -> 540; "24:00" -> 1440 (only meaningful as an end). */
function minutesOf(time: string): number | undefined {
  const m = /^(\d{1,2}):(\d{2})$/.exec(time);
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return undefined;
  return h * 60 + min;
}

/** "mon-fri" / "sat" / "mon-wed, fri" -> the weekdays, or a problem. */
function daysOf(p: ProblemSink, key: string): Weekday[] | undefined {
  const days: Weekday[] = [];
  for (const part of key.split(",").map((s) => s.trim())) {
    const [a, b, ...rest] = part.split("-").map((s) => s.trim().toLowerCase());
    const ends = [a, b].filter((d): d is string => d !== undefined);
    const bad = ends.find((d) => !(WEEKDAYS as readonly string[]).includes(d));
    if (rest.length > 0 || bad !== undefined || part === "") {
      const close = bad ? suggest(bad, WEEKDAYS) : undefined;
      p.add(
        `hours.week.${key}`,
        `${JSON.stringify(bad ?? part)} is not a day${close ? `; did you mean "${close}"?` : ""} (write ${DAY_LIST}, or a range like mon-fri)`,
      );
      return undefined;
    }
    const from = WEEKDAYS.indexOf(a as Weekday);
    const to = b === undefined ? from : WEEKDAYS.indexOf(b as Weekday);
    if (to < from) {
      p.add(`hours.week.${key}`, `days run from mon to sun, so "${part}" is backwards; write it as ${a}-sun and mon${to > 0 ? `-${b}` : ""}`);
      return undefined;
    }
    days.push(...WEEKDAYS.slice(from, to + 1));
  }
  return days;
}

/** "09:00-12:00, 13:00-18:00" (or a YAML list of such) -> ranges, or a problem. */
function rangesOf(p: ProblemSink, key: string, value: unknown): DayRange[] | undefined {
  if (value === null || value === undefined) return [];
  const texts = Array.isArray(value) ? value : [value];
  const ranges: DayRange[] = [];
  for (const text of texts) {
    if (typeof text !== "string") {
      p.add(key, `expected opening hours like ${RANGES_EXAMPLE}, got ${describe(text)}`);
      return undefined;
    }
    for (const part of text.split(",").map((s) => s.trim())) {
      const m = /^(\S+?)\s*-\s*(\S+)$/.exec(part);
      if (!m) {
        p.add(key, `expected opening hours like ${RANGES_EXAMPLE}, got ${JSON.stringify(part)}`);
        return undefined;
      }
      const from = minutesOf(m[1]!);
      const to = minutesOf(m[2]!);
      if (from === undefined || to === undefined) {
        p.add(key, `${JSON.stringify(from === undefined ? m[1] : m[2])} is not a time; write HH:MM from 00:00 to 24:00, like ${RANGES_EXAMPLE}`);
        return undefined;
      }
      if (to <= from) {
        p.add(
          key,
          `"${part}" ends before it starts; a range that crosses midnight is two ranges: "${m[1]}-24:00" on one day and "00:00-${m[2]}" on the next`,
        );
        return undefined;
      }
      ranges.push({ from, to });
    }
  }
  return ranges;
}

function readWeek(p: ProblemSink, value: unknown): Record<Weekday, DayRange[]> | undefined {
  const expected = 'opening hours per day, like {mon-fri: "09:00-18:00", sat: "09:00-12:00"}';
  if (value === undefined || value === null) {
    p.add("hours.week", `missing; expected ${expected}`);
    return undefined;
  }
  if (!isMapping(value)) {
    p.add("hours.week", `expected ${expected}, got ${describe(value)}`);
    return undefined;
  }
  const week = Object.fromEntries(WEEKDAYS.map((d) => [d, [] as Array<DayRange & { key: string }>])) as Record<Weekday, Array<DayRange & { key: string }>>;
  let ok = true;
  for (const [key, ranges] of Object.entries(value)) {
    const days = daysOf(p, key);
    const list = rangesOf(p, `hours.week.${key}`, ranges);
    if (days === undefined || list === undefined) {
      ok = false;
      continue;
    }
    for (const day of days) week[day].push(...list.map((r) => ({ ...r, key })));
  }
  if (!ok) return undefined;
  for (const day of WEEKDAYS) {
    const list = week[day].sort((a, b) => a.from - b.from);
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1]!;
      const cur = list[i]!;
      if (cur.from >= prev.to) continue;
      const a = `"${hhmm(prev.from)}-${hhmm(prev.to)}"`;
      const b = `"${hhmm(cur.from)}-${hhmm(cur.to)}"`;
      const where = prev.key === cur.key ? `` : ` (from ${prev.key})`;
      p.add(`hours.week.${cur.key}`, `${b} overlaps ${a}${where} on ${day}; make the ranges separate, like "09:00-12:00, 13:00-18:00"`);
      return undefined;
    }
  }
  if (WEEKDAYS.every((d) => week[d].length === 0)) {
    p.add("hours.week", `no opening hours on any day; give at least one, like mon-fri: "09:00-18:00" (or remove hours: to be open all the time)`);
    return undefined;
  }
  return Object.fromEntries(WEEKDAYS.map((d) => [d, week[d].map(({ from, to }) => ({ from, to }))])) as Record<Weekday, DayRange[]>;
}

function readHolidays(p: ProblemSink, value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    p.add("hours.holidays", `expected a list of dates like ["2026-12-25", "01-01"], got ${describe(value)}`);
    return undefined;
  }
  const out: string[] = [];
  let ok = true;
  value.forEach((item: unknown, i) => {
    const text = typeof item === "string" ? item.trim() : item instanceof Date ? item.toISOString().slice(0, 10) : undefined;
    const m = text === undefined ? null : /^(?:(\d{4})-)?(\d{2})-(\d{2})$/.exec(text);
    // Every year's "02-29" is fine (leap years have it); a dated one must exist.
    const year = m?.[1] ? Number(m[1]) : 2000;
    const valid = m !== null && new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]))).getUTCDate() === Number(m[3]) && Number(m[2]) >= 1 && Number(m[2]) <= 12;
    if (!valid) {
      p.add(`hours.holidays[${i}]`, `${describe(item)} is not a date; write YYYY-MM-DD for one day (like "2026-12-25") or MM-DD for every year (like "01-01")`);
      ok = false;
      return;
    }
    out.push(text!);
  });
  return ok ? out : undefined;
}

/** Reads `sla:`; undefined when absent (no response targets). */
export function readSla(p: ProblemSink, value: unknown): Sla | undefined {
  if (value === undefined || value === null) return undefined;
  const example = "{first_response_minutes: 30, response_minutes: 60}";
  if (!isMapping(value)) {
    p.add("sla", `expected a mapping like ${example}, got ${describe(value)}`);
    return undefined;
  }
  unknownKeys(p, value, SLA_KEYS, "sla");
  const sla: Sla = {};
  for (const [key, field] of [["first_response_minutes", "firstResponseMinutes"], ["response_minutes", "responseMinutes"]] as const) {
    const v = value[key];
    if (v === undefined || v === null) continue;
    if (typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 100_000) sla[field] = v;
    else p.add(`sla.${key}`, `expected a whole number of minutes, 1 or more (like 30), got ${describe(v)}`);
  }
  if (sla.firstResponseMinutes === undefined && sla.responseMinutes === undefined) {
    if (Object.keys(value).every((k) => (SLA_KEYS as readonly string[]).includes(k) && (value[k] === undefined || value[k] === null))) {
      p.add("sla", `no target set; expected ${example} (either key, or both)`);
    }
    return undefined;
  }
  return sla;
}
