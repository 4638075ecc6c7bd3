/** The benchmark's outputs: a table for people, a JSON file for the record (sorted keys, so diffs stay small). */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Summary } from "./stats.ts";
import { round } from "./stats.ts";

/** One line of the table. */
export interface Row {
  figure: string;
  summary: Summary | undefined;
  unit: string;
  /** e.g. "≥ 1000"; empty when the figure has no target. */
  target: string;
  met: boolean | undefined;
  digits?: number;
}

function fmt(n: number, digits: number): string {
  if (!Number.isFinite(n)) return "–";
  return n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A plain-text table: figure, median, spread (min–max), target, met. */
export function table(rows: Row[]): string {
  const cells = rows.map((r) => {
    const d = r.digits ?? 1;
    const s = r.summary;
    return [
      r.figure,
      s ? `${fmt(s.median, d)} ${r.unit}`.trim() : "–",
      s && s.runs.length > 1 ? `${fmt(s.min, d)}–${fmt(s.max, d)}` : "",
      r.target,
      r.met === undefined ? "" : r.met ? "yes" : "NO",
    ];
  });
  const head = ["figure", "median", "spread (min–max)", "target", "met"];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => (i === 1 || i === 2 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}

/** A markdown version of the same table (for the README). */
export function markdownTable(rows: Row[]): string {
  const out = ["| figure | median | spread (min–max) | target | met |", "|---|---:|---:|---|---|"];
  for (const r of rows) {
    const d = r.digits ?? 1;
    const s = r.summary;
    out.push(
      `| ${r.figure} | ${s ? `${fmt(s.median, d)} ${r.unit}`.trim() : "–"} | ${s && s.runs.length > 1 ? `${fmt(s.min, d)}–${fmt(s.max, d)}` : ""} | ${r.target} | ${r.met === undefined ? "" : r.met ? "yes" : "**no**"} |`,
    );
  }
  return out.join("\n");
}

/** A copy with object keys sorted at every level and numbers rounded, for a stable JSON file. */
export function stable(value: unknown, digits = 3): unknown {
  if (typeof value === "number") return Number.isFinite(value) ? round(value, digits) : null;
  if (Array.isArray(value)) return value.map((v) => stable(v, digits));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, stable((value as Record<string, unknown>)[k], digits)]),
    );
  }
  return value;
}

export async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify(stable(value), null, 2) + "\n");
}
