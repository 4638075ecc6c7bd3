/**
 * `clientes report`, computed: service figures over a period from the store's report
 * events (src/core/events.ts). Pure: events, the period, business hours and targets in,
 * figures out; the CLI prints them as text, JSON or CSV.
 */
import type { EventType, ReportEvent, SlaTarget } from "../core/events.ts";
import { businessMs, zonedInstant, type Hours } from "../core/hours.ts";
import type { Sla } from "../core/sla.ts";
import type { State } from "../core/state.ts";

/** Nearest-rank percentiles of some durations (ms); null when there are none. */
export interface Spread {
  count: number;
  p50Ms: number | null;
  p90Ms: number | null;
}

/** The figures of one group (or of everything). */
export interface Figures {
  opened: number;
  reopened: number;
  closed: number;
  /** From (re)opening to the team's first answer. */
  firstResponse: Spread;
  /** From (re)opening to `/close`. */
  resolution: Spread;
  /** Waits with a target (first answers and later ones): how many were answered in time. Null without `sla:`. */
  sla: { waits: number; met: number; percent: number | null } | null;
  /** Ratings 1–5: `distribution[0]` counts the 1s. */
  csat: { count: number; average: number | null; distribution: [number, number, number, number, number] };
}

export interface Report {
  since: number;
  until: number;
  /** Durations count business time only (hours: set). */
  businessHours: boolean;
  sla: Sla | null;
  total: Figures;
  /** By each conversation's owner as last recorded before the period's end; `owner` null: nobody. */
  byOwner: Array<{ owner: number | null; name: string | null; figures: Figures }>;
  /** By tag, likewise (a conversation with several tags counts under each); `tag` null: untagged. */
  byTag: Array<{ tag: string | null; figures: Figures }>;
  /** By `/start` payload; `origin` null: none. */
  byOrigin: Array<{ origin: string | null; figures: Figures }>;
}

export interface ReportOptions {
  since: number;
  until: number;
  hours?: Hours | undefined;
  sla?: Sla | undefined;
  staffNames?: ReadonlyMap<number, string>;
}

interface Wait {
  target: SlaTarget;
  answeredMs?: number;
  breached: boolean;
}

/** Collects one group's events; `figures()` turns them into numbers. */
class Tally {
  readonly counts: Partial<Record<EventType, number>> = {};
  readonly first: number[] = [];
  readonly resolution: number[] = [];
  readonly waits = new Map<string, Wait>();
  readonly ratings: number[] = [];

  add(c: string, e: ReportEvent, duration: (since: number, at: number) => number): void {
    this.counts[e.type] = (this.counts[e.type] ?? 0) + 1;
    const since = e.since;
    switch (e.type) {
      case "first_response":
      case "response":
        if (since === undefined) return;
        if (e.type === "first_response") this.first.push(duration(since, e.at));
        this.wait(c, since, e.type).answeredMs = duration(since, e.at);
        return;
      case "sla_breach":
        if (since !== undefined && e.target) this.wait(c, since, e.target).breached = true;
        return;
      case "closed":
        if (since !== undefined) this.resolution.push(duration(since, e.at));
        return;
      case "csat":
        if (typeof e.score === "number" && e.score >= 1 && e.score <= 5) this.ratings.push(Math.round(e.score));
        return;
      default:
        return;
    }
  }

  private wait(c: string, since: number, target: SlaTarget): Wait {
    const key = `${c}:${since}`;
    let w = this.waits.get(key);
    if (!w) this.waits.set(key, (w = { target, breached: false }));
    return w;
  }

  figures(sla: Sla | undefined): Figures {
    let slaFigures: Figures["sla"] = null;
    if (sla) {
      let waits = 0;
      let met = 0;
      for (const w of this.waits.values()) {
        const minutes = w.target === "first_response" ? sla.firstResponseMinutes : sla.responseMinutes;
        if (minutes === undefined) continue;
        waits++;
        if (!w.breached && w.answeredMs !== undefined && w.answeredMs <= minutes * 60_000) met++;
      }
      slaFigures = { waits, met, percent: waits === 0 ? null : Math.round((met / waits) * 1000) / 10 };
    }
    const distribution: Figures["csat"]["distribution"] = [0, 0, 0, 0, 0];
    for (const r of this.ratings) distribution[r - 1]!++;
    const sum = this.ratings.reduce((a, b) => a + b, 0);
    return {
      opened: this.counts.opened ?? 0,
      reopened: this.counts.reopened ?? 0,
      closed: this.counts.closed ?? 0,
      firstResponse: spread(this.first),
      resolution: spread(this.resolution),
      sla: slaFigures,
      csat: { count: this.ratings.length, average: this.ratings.length === 0 ? null : Math.round((sum / this.ratings.length) * 100) / 100, distribution },
    };
  }
}

/** The p-th percentile by nearest rank: the smallest value with at least p% of values at or below it. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50Ms: percentile(sorted, 50), p90Ms: percentile(sorted, 90) };
}

/** Groups sorted by key, the "none" group last. */
function sortedGroups<K extends string | number>(map: Map<K | null, Tally>, label: (k: K) => string): Array<[K | null, Tally]> {
  return [...map.entries()].sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : label(a).localeCompare(label(b)) || String(a).localeCompare(String(b))));
}

/** The report over [since, until) from the store's events. */
export function buildReport(events: State["events"], opts: ReportOptions): Report {
  const { hours, sla } = opts;
  const duration = (from: number, to: number): number => (hours ? businessMs(hours, from, to) : Math.max(0, to - from));
  const total = new Tally();
  const owners = new Map<number | null, Tally>();
  const tags = new Map<string | null, Tally>();
  const origins = new Map<string | null, Tally>();
  const into = <K>(map: Map<K, Tally>, key: K): Tally => {
    let t = map.get(key);
    if (!t) map.set(key, (t = new Tally()));
    return t;
  };
  for (const [c, list] of Object.entries(events)) {
    // A conversation counts under its owner, tags and origin as last recorded before the
    // period's end: a conversation opened unowned and then taken by Ana is Ana's.
    let last: ReportEvent | undefined;
    for (const e of list) if (e.at < opts.until && (last === undefined || e.at >= last.at)) last = e;
    if (last === undefined) continue;
    const groups = [total, into(owners, last.owner ?? null), ...(last.tags?.length ? last.tags : [null]).map((tag) => into(tags, tag)), into(origins, last.origin ?? null)];
    for (const e of list) {
      if (e.at < opts.since || e.at >= opts.until) continue;
      for (const g of groups) g.add(c, e, duration);
    }
  }
  const name = (id: number): string => opts.staffNames?.get(id) ?? String(id);
  return {
    since: opts.since,
    until: opts.until,
    businessHours: hours !== undefined,
    sla: sla ?? null,
    total: total.figures(sla),
    byOwner: sortedGroups(owners, name).map(([owner, t]) => ({ owner, name: owner === null ? null : (opts.staffNames?.get(owner) ?? null), figures: t.figures(sla) })),
    byTag: sortedGroups(tags, String).map(([tag, t]) => ({ tag, figures: t.figures(sla) })),
    byOrigin: sortedGroups(origins, String).map(([origin, t]) => ({ origin, figures: t.figures(sla) })),
  };
}

/** The accepted forms of --since and --until, for usage errors and --help. */
export const PERIOD_FORMS = "7d (days back; also 24h or 2w), a date like 2026-03-01, or a date and time like 2026-03-01T09:00";

/**
 * Reads `--since` / `--until`. Dates and times without an offset are in `timezone`; a bare
 * date as `until` includes that whole day. Default: the last 7 days up to now.
 */
export function parsePeriod(args: { since?: string | undefined; until?: string | undefined }, nowMs: number, timezone: string): { since: number; until: number } | { error: string } {
  const since = readInstant(args.since ?? "7d", nowMs, timezone, false);
  if (since === undefined) return { error: `--since: ${JSON.stringify(args.since)} is not a period start; use ${PERIOD_FORMS}` };
  const until = args.until === undefined ? nowMs : readInstant(args.until, nowMs, timezone, true);
  if (until === undefined) return { error: `--until: ${JSON.stringify(args.until)} is not a period end; use ${PERIOD_FORMS}` };
  if (since >= until) return { error: `--since (${new Date(since).toISOString()}) must come before --until (${new Date(until).toISOString()})` };
  return { since, until };
}

const UNIT_MS = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

function readInstant(text: string, nowMs: number, timezone: string, endOfDay: boolean): number | undefined {
  const s = text.trim();
  const relative = /^(\d{1,5})([hdw])$/.exec(s);
  if (relative) return nowMs - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS];
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (m) {
    const [, date, hh, mm, ss] = m;
    const check = new Date(`${date}T00:00:00Z`);
    if (Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== date) return undefined;
    if (hh === undefined) {
      if (!endOfDay) return zonedInstant(timezone, date!);
      const next = new Date(check.getTime() + 86_400_000).toISOString().slice(0, 10);
      return zonedInstant(timezone, next);
    }
    if (Number(hh) > 23 || Number(mm) > 59 || Number(ss ?? 0) > 59) return undefined;
    return zonedInstant(timezone, date!, Number(hh) * 60 + Number(mm)) + Number(ss ?? 0) * 1000;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s)) {
    const t = Date.parse(s);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

const seconds = (ms: number | null): number | null => (ms === null ? null : Math.round(ms / 1000));

function figuresJson(f: Figures): Record<string, unknown> {
  const spreadJson = (s: Spread) => ({ count: s.count, p50_seconds: seconds(s.p50Ms), p90_seconds: seconds(s.p90Ms) });
  return {
    opened: f.opened,
    reopened: f.reopened,
    closed: f.closed,
    first_response: spreadJson(f.firstResponse),
    resolution: spreadJson(f.resolution),
    sla: f.sla === null ? null : { waits: f.sla.waits, met: f.sla.met, met_percent: f.sla.percent },
    csat: {
      count: f.csat.count,
      average: f.csat.average,
      distribution: Object.fromEntries(f.csat.distribution.map((n, i) => [String(i + 1), n])),
    },
  };
}

/** The report as stable JSON for scripts (snake_case, seconds, ISO dates). */
export function reportJson(r: Report, timezone: string): Record<string, unknown> {
  return {
    since: new Date(r.since).toISOString(),
    until: new Date(r.until).toISOString(),
    timezone,
    business_hours: r.businessHours,
    sla: r.sla === null ? null : { first_response_minutes: r.sla.firstResponseMinutes ?? null, response_minutes: r.sla.responseMinutes ?? null },
    total: figuresJson(r.total),
    by_owner: r.byOwner.map((g) => ({ owner_id: g.owner, owner_name: g.name, ...figuresJson(g.figures) })),
    by_tag: r.byTag.map((g) => ({ tag: g.tag, ...figuresJson(g.figures) })),
    by_origin: r.byOrigin.map((g) => ({ origin: g.origin, ...figuresJson(g.figures) })),
  };
}

/** The CSV columns, in order: one row for the total, then one per owner, tag and origin. */
export const CSV_COLUMNS = [
  "group",
  "key",
  "name",
  "opened",
  "reopened",
  "closed",
  "first_response_count",
  "first_response_p50_seconds",
  "first_response_p90_seconds",
  "resolution_count",
  "resolution_p50_seconds",
  "resolution_p90_seconds",
  "sla_waits",
  "sla_met",
  "sla_met_percent",
  "csat_count",
  "csat_average",
  "csat_1",
  "csat_2",
  "csat_3",
  "csat_4",
  "csat_5",
] as const;

/**
 * One CSV field (RFC 4180): quoted when needed; text a spreadsheet would run as a formula
 * (a customer-chosen origin like "=HYPERLINK(…)") gets a leading apostrophe.
 */
function csvField(value: string | number | null): string {
  if (value === null) return "";
  let s = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The report as CSV with a header line; empty cells for "none" and for figures without data. */
export function reportCsv(r: Report): string {
  const row = (group: string, key: string | number | null, name: string | null, f: Figures): string =>
    [
      group,
      key,
      name,
      f.opened,
      f.reopened,
      f.closed,
      f.firstResponse.count,
      seconds(f.firstResponse.p50Ms),
      seconds(f.firstResponse.p90Ms),
      f.resolution.count,
      seconds(f.resolution.p50Ms),
      seconds(f.resolution.p90Ms),
      f.sla?.waits ?? null,
      f.sla?.met ?? null,
      f.sla?.percent ?? null,
      f.csat.count,
      f.csat.average,
      ...f.csat.distribution,
    ]
      .map(csvField)
      .join(",");
  return [
    CSV_COLUMNS.join(","),
    row("total", null, null, r.total),
    ...r.byOwner.map((g) => row("owner", g.owner, g.name, g.figures)),
    ...r.byTag.map((g) => row("tag", g.tag, null, g.figures)),
    ...r.byOrigin.map((g) => row("origin", g.origin, null, g.figures)),
  ].join("\r\n") + "\r\n";
}
