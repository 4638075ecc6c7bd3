/**
 * Business hours (config `hours:`): is the desk open at an instant, when does a closed
 * period end, and how much business time lies between two instants. Pure: the clock
 * comes in as arguments; zone conversions use Intl (the tz database Node ships with),
 * so DST changes and midnight in the desk's zone are handled without a dependency.
 *
 * The open intervals of a local day are the source of truth: each range "09:00-18:00"
 * of a weekday becomes [the first instant the zone's clock shows 09:00 or later, the
 * first instant it shows 18:00 or later). A start inside a DST gap (02:30 on the day the
 * clocks jump from 02:00 to 03:00) opens when the gap ends; adjacent ranges, including
 * "…-24:00" and a next day's "00:00-…", merge into one open period.
 */

/** Days of the week, in the order config ranges like "mon-fri" use. */
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** One opening range of a day, in minutes after local midnight; `to` may be 1440 (24:00). */
export interface DayRange {
  from: number;
  to: number;
}

/** Validated business hours (see src/config/parse.ts for the YAML form). */
export interface Hours {
  /** Canonical IANA zone name, e.g. "America/Sao_Paulo". */
  timezone: string;
  /** Ranges per weekday, sorted, not overlapping; a day without ranges is closed. */
  week: Record<Weekday, DayRange[]>;
  /** Closed days: "YYYY-MM-DD" (that date) or "MM-DD" (that day every year). */
  holidays: string[];
}

const DAY_MS = 86_400_000;
/** How far ahead a next opening is looked for (holidays may close many days in a row). */
const SEARCH_DAYS = 800;

/** An open period: [start, end) in epoch ms. */
type Interval = [number, number];

interface Compiled {
  fmt: Intl.DateTimeFormat;
  holidays: Set<string>;
  /** Local day number (days since 1970-01-01 on the zone's calendar) -> its open intervals. */
  days: Map<number, Interval[]>;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const compiled = new WeakMap<Hours, Compiled>();

/** One formatter per zone: creating one costs far more than using it. */
function formatter(timezone: string): Intl.DateTimeFormat {
  let fmt = formatters.get(timezone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timezone, fmt);
  }
  return fmt;
}

function compile(h: Hours): Compiled {
  let c = compiled.get(h);
  if (!c) {
    c = { fmt: formatter(h.timezone), holidays: new Set(h.holidays), days: new Map() };
    compiled.set(h, c);
  }
  return c;
}

function zoneOnly(timezone: string): Compiled {
  return { fmt: formatter(timezone), holidays: new Set(), days: new Map() };
}

/**
 * The zone's wall clock at instant `t`, as if it were UTC (ms): the same number for
 * 09:00 local whatever the offset, so local dates and times are plain arithmetic.
 */
function wall(c: Compiled, t: number): number {
  const parts: Record<string, number> = {};
  for (const p of c.fmt.formatToParts(t)) if (p.type !== "literal") parts[p.type] = Number(p.value);
  const ms = ((t % 1000) + 1000) % 1000;
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!) + ms;
}

/** The first instant at which the zone's clock shows wall time `w` or later. */
function instantOf(c: Compiled, w: number): number {
  // The offset of the day before and the day after: at most one DST change lies between.
  const before = w - (wall(c, w - DAY_MS) - (w - DAY_MS));
  const after = w - (wall(c, w + DAY_MS) - (w + DAY_MS));
  const valid = [before, after].filter((t) => wall(c, t) === w);
  if (valid.length > 0) return Math.min(...valid);
  // `w` falls in a gap (clocks jumped over it): the answer is the jump itself.
  let lo = Math.min(before, after);
  let hi = Math.max(before, after);
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (wall(c, mid) >= w) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The local day number of instant `t`. */
function dayOf(c: Compiled, t: number): number {
  return Math.floor(wall(c, t) / DAY_MS);
}

/** "YYYY-MM-DD" of a local day number. */
function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday). */
function weekdayOf(day: number): Weekday {
  return WEEKDAYS[(((day + 3) % 7) + 7) % 7]!;
}

function intervalsOfDay(h: Hours, c: Compiled, day: number): Interval[] {
  let list = c.days.get(day);
  if (list) return list;
  const iso = isoDay(day);
  list = [];
  if (!c.holidays.has(iso) && !c.holidays.has(iso.slice(5))) {
    for (const r of h.week[weekdayOf(day)]) {
      const start = instantOf(c, day * DAY_MS + r.from * 60_000);
      const end = instantOf(c, day * DAY_MS + r.to * 60_000);
      if (end > start) list.push([start, end]);
    }
  }
  if (c.days.size > 5000) c.days.clear(); // bounded: a long-running daemon sees new days forever
  c.days.set(day, list);
  return list;
}

/**
 * Open periods overlapping [from, until), in order, adjacent ones merged. `until` may be
 * Infinity (then the search stops after {@link SEARCH_DAYS} days).
 */
function* openPeriods(h: Hours, from: number, until: number): Generator<Interval> {
  const c = compile(h);
  const first = dayOf(c, from) - 1; // a day's intervals may start before its local midnight in UTC terms: look one back
  const lastDay = Number.isFinite(until) ? dayOf(c, until) + 1 : first + SEARCH_DAYS;
  let pending: Interval | undefined;
  for (let day = first; day <= lastDay; day++) {
    for (const [s, e] of intervalsOfDay(h, c, day)) {
      if (e <= from) continue;
      if (pending && s <= pending[1]) {
        pending[1] = Math.max(pending[1], e);
        continue;
      }
      if (pending) yield pending;
      if (s >= until) return;
      pending = [s, e];
    }
  }
  if (pending) yield pending;
}

/** Whether the desk is open at instant `t` (epoch ms). */
export function isOpen(h: Hours, t: number): boolean {
  for (const [s] of openPeriods(h, t, t + 1)) return s <= t;
  return false;
}

/**
 * When the closed period around `t` ends: `t` itself when open, else the next opening.
 * Undefined when the desk never opens again (within ~2 years: only holidays could do that).
 */
export function nextOpening(h: Hours, t: number): number | undefined {
  for (const [s] of openPeriods(h, t, Infinity)) return Math.max(s, t);
  return undefined;
}

/**
 * When the open period around `t` ends: `t` itself when closed, else the instant it closes
 * (adjacent ranges, across midnight too, are one period; a desk open around the clock
 * "closes" at the end of the ~2-year search window).
 */
export function nextClosing(h: Hours, t: number): number {
  for (const [s, e] of openPeriods(h, t, Infinity)) return s <= t ? e : t;
  return t;
}

/** Business milliseconds in [from, to): the open time between two instants (0 when to <= from). */
export function businessMs(h: Hours, from: number, to: number): number {
  if (to <= from) return 0;
  let total = 0;
  for (const [s, e] of openPeriods(h, from, to)) total += Math.min(e, to) - Math.max(s, from);
  return total;
}

/**
 * The instant at which `ms` of business time have passed since `from` (a response target's
 * deadline). Undefined when the desk never opens again.
 */
export function addBusinessMs(h: Hours, from: number, ms: number): number | undefined {
  let left = ms;
  for (const [s, e] of openPeriods(h, from, Infinity)) {
    const start = Math.max(s, from);
    if (e - start >= left) return start + left;
    left -= e - start;
  }
  return undefined;
}

/** Minutes after midnight as "HH:MM" (540 -> "09:00", 1440 -> "24:00"). */
export function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** The zone's calendar date ("YYYY-MM-DD") and the minutes after its midnight at `t`. */
export function localTime(timezone: string, t: number): { date: string; minutes: number; weekday: Weekday } {
  const w = wall(zoneOnly(timezone), t);
  const day = Math.floor(w / DAY_MS);
  return { date: isoDay(day), minutes: Math.floor((w - day * DAY_MS) / 60_000), weekday: weekdayOf(day) };
}

/** The instant the zone's clock first shows `date` ("YYYY-MM-DD") at `minutes` after midnight. */
export function zonedInstant(timezone: string, date: string, minutes = 0): number {
  return instantOf(zoneOnly(timezone), Date.parse(`${date}T00:00:00Z`) + minutes * 60_000);
}

/**
 * Whether `zone` is an IANA time zone Intl knows; returns its canonical spelling
 * ("america/sao_paulo" -> "America/Sao_Paulo"), or undefined.
 */
export function canonicalZone(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
