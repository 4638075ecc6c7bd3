/**
 * `clientes report`: service figures over a period (volumes, response and resolution
 * times, SLA, CSAT; per owner, tag and origin), from the daemon's store, read without
 * its lock, so it works while the daemon runs.
 */
import { access } from "node:fs/promises";
import type { Writable } from "node:stream";
import type { Command } from "commander";
import { hhmm, localTime } from "../../core/hours.ts";
import { emptyState } from "../../core/state.ts";
import { openStateStore } from "../../daemon/daemon.ts";
import { EXIT } from "../../runtime.ts";
import { buildReport, parsePeriod, PERIOD_FORMS, reportCsv, reportJson, type Figures, type Report } from "../../setup/report.ts";
import { humanDuration } from "../../setup/status.ts";
import { configOption, loadCliConfig } from "../config.ts";
import { UsageError, type CliContext } from "../context.ts";
import { writeJson, writeTable, type Column } from "../output.ts";

function when(zone: string, t: number): string {
  const { date, minutes } = localTime(zone, t);
  return `${date} ${hhmm(minutes)}`;
}

const dur = (ms: number | null): string => (ms === null ? "-" : humanDuration(ms));
const csat = (f: Figures): string => (f.csat.average === null ? "-" : `${f.csat.average.toFixed(2)} (${f.csat.count})`);
const slaCell = (f: Figures): string => (f.sla?.percent == null ? "-" : `${f.sla.percent}%`);

function writeText(out: Writable, r: Report, zone: string): void {
  const t = r.total;
  out.write(`report from ${when(zone, r.since)} to ${when(zone, r.until)} (${zone})${r.businessHours ? "; times count business hours only" : ""}\n`);
  out.write(`conversations: ${t.opened} opened, ${t.reopened} reopened, ${t.closed} closed\n`);
  const spread = (label: string, s: Figures["firstResponse"], what: string): string =>
    s.count === 0 ? `${label}: none yet\n` : `${label}: p50 ${dur(s.p50Ms)}, p90 ${dur(s.p90Ms)} (over ${s.count} ${what})\n`;
  out.write(spread("first response", t.firstResponse, t.firstResponse.count === 1 ? "answer" : "answers"));
  out.write(spread("resolution", t.resolution, t.resolution.count === 1 ? "closing" : "closings"));
  if (t.sla) {
    out.write(t.sla.waits === 0 ? "SLA met: no waits with a target\n" : `SLA met: ${t.sla.percent}% (${t.sla.met} of ${t.sla.waits} waits answered within target)\n`);
  }
  const d = t.csat.distribution.map((n, i) => `${i + 1}★ ${n}`).join(", ");
  out.write(t.csat.count === 0 ? "CSAT: no ratings\n" : `CSAT: ${t.csat.average!.toFixed(2)} from ${t.csat.count} ${t.csat.count === 1 ? "rating" : "ratings"} (${d})\n`);
  if (r.byOrigin.length === 0) return;

  const figureColumns: Column<{ f: Figures }>[] = [
    { header: "opened", get: (g) => String(g.f.opened) },
    { header: "reopened", get: (g) => String(g.f.reopened) },
    { header: "closed", get: (g) => String(g.f.closed) },
    { header: "first p50", get: (g) => dur(g.f.firstResponse.p50Ms) },
    { header: "first p90", get: (g) => dur(g.f.firstResponse.p90Ms) },
    { header: "resolution p50", get: (g) => dur(g.f.resolution.p50Ms) },
    { header: "resolution p90", get: (g) => dur(g.f.resolution.p90Ms) },
    ...(r.sla ? [{ header: "sla met", get: (g: { f: Figures }) => slaCell(g.f) }] : []),
    { header: "csat", get: (g) => csat(g.f) },
  ];
  const section = (title: string, rows: Array<{ key: string; f: Figures }>): void => {
    out.write("\n");
    writeTable(out, [{ header: title, get: (g: { key: string; f: Figures }) => g.key, max: 32 }, ...(figureColumns as Column<{ key: string; f: Figures }>[])], rows);
  };
  section("owner", r.byOwner.map((g) => ({ key: g.owner === null ? "(nobody)" : (g.name ?? String(g.owner)), f: g.figures })));
  section("tag", r.byTag.map((g) => ({ key: g.tag === null ? "(no tag)" : `#${g.tag}`, f: g.figures })));
  section("origin", r.byOrigin.map((g) => ({ key: g.origin ?? "(none)", f: g.figures })));
}

async function report(ctx: CliContext, cmd: Command): Promise<number> {
  const { rt } = ctx;
  const opts = cmd.opts() as { since?: string; until?: string; json?: boolean; csv?: boolean };
  if (opts.json && opts.csv) throw new UsageError("--json and --csv cannot be used together", { hint: "pick one output format" });
  const config = await loadCliConfig(rt, configOption(cmd.optsWithGlobals()));
  const zone = config.hours?.timezone ?? new Intl.DateTimeFormat().resolvedOptions().timeZone;
  const period = parsePeriod({ since: opts.since, until: opts.until }, Date.now(), zone);
  if ("error" in period) throw new UsageError(period.error, { hint: `dates and times are in ${zone}; a bare --until date includes that whole day` });

  const exists = await access(config.store).then(
    () => true,
    () => false,
  );
  // Read-only: no lock, never written (a StoreError for a corrupt file says how to recover).
  const state = exists ? (await openStateStore(config.store)).data : emptyState();
  const r = buildReport(state.events, {
    ...period,
    hours: config.hours,
    sla: config.sla,
    staffNames: new Map(config.staff.filter((s) => s.name).map((s) => [s.id, s.name!])),
  });
  if (opts.json) writeJson(rt.stdout, reportJson(r, zone));
  else if (opts.csv) rt.stdout.write(reportCsv(r));
  else writeText(rt.stdout, r, zone);
  if (!exists) rt.stderr.write(`(no store at ${config.store} yet: \`clientes start\` creates it)\n`);
  return EXIT.OK;
}

/** Registers `clientes report`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("report")
    .description("service figures over a period: volumes, response and resolution times, SLA, CSAT; per owner, tag and origin")
    .option("--since <when>", `start of the period: ${PERIOD_FORMS} (default 7d)`)
    .option("--until <when>", "end of the period, same forms (default now; a bare date includes that day)")
    .option("--json", "print JSON on stdout")
    .option("--csv", "print CSV on stdout (one row for the total, then one per owner, tag and origin)")
    .addHelpText(
      "after",
      `
Reads the daemon's store without changing it, so it works while \`clientes start\` runs.
Counts what happened in the period: conversations opened, reopened and closed; the first
response (from opening or reopening to the team's first answer) and the resolution time
(to /close) as p50 and p90 (nearest rank); with sla: set, the share of waits answered
within target; ratings (CSAT) when the customers gave any. With hours: set, times count
business hours only, and dates are in hours.timezone (else the machine's zone).
The figures come from small events kept for retention_days; no message content is kept.

Examples:
  $ clientes report
  $ clientes report --since 30d --json | jq '.total.first_response'
  $ clientes report --since 2026-03-01 --until 2026-03-31 --csv > march.csv`,
    )
    .action(ctx.action((_opts: unknown, cmd: Command) => report(ctx, cmd)));
}
