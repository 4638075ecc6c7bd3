/**
 * How commands print: tables for humans, stable JSON for scripts (`--json`), and
 * ✓/✗ checklist lines. All take the stream to write to; data goes to stdout,
 * everything else (progress, results of an action, errors) to stderr.
 */
import type { Writable } from "node:stream";

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Columns a string takes in a terminal: wide (CJK, emoji) graphemes count 2, combining marks 0. */
export function displayWidth(s: string): number {
  let width = 0;
  for (const { segment } of segmenter.segment(s)) width += graphemeWidth(segment);
  return width;
}

function graphemeWidth(g: string): number {
  const cp = g.codePointAt(0) ?? 0;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (/\p{Extended_Pictographic}/u.test(g) && (g.includes("\u{fe0f}") || cp >= 0x1f000)) return 2;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/**
 * One line, at most `max` columns: line breaks and tabs become spaces and what does not
 * fit is replaced by "…". Never splits a grapheme (an emoji, an accented letter).
 */
export function truncate(s: string, max: number): string {
  const flat = s.replace(/\s+/g, " ").trim();
  if (displayWidth(flat) <= max) return flat;
  let out = "";
  let width = 0;
  for (const { segment } of segmenter.segment(flat)) {
    const w = graphemeWidth(segment);
    if (width + w > max - 1) break;
    out += segment;
    width += w;
  }
  return out.trimEnd() + "…";
}

function pad(s: string, width: number): string {
  return s + " ".repeat(Math.max(0, width - displayWidth(s)));
}

/** A table column: its header and how to get the cell from a row. */
export interface Column<R> {
  header: string;
  get(row: R): string;
  /** Cells longer than this are truncated with "…". */
  max?: number;
}

/**
 * Aligned columns separated by two spaces, with an upper-case header line. The last
 * column is not padded (no trailing spaces).
 */
export function formatTable<R>(columns: Column<R>[], rows: readonly R[]): string {
  const cells = rows.map((row) => columns.map((c) => {
    const value = c.get(row).replace(/\s+/g, " ").trim();
    return c.max !== undefined ? truncate(value, c.max) : value;
  }));
  const headers = columns.map((c) => c.header.toUpperCase());
  const widths = headers.map((h, i) => Math.max(displayWidth(h), ...cells.map((r) => displayWidth(r[i] ?? ""))));
  const line = (r: string[]) =>
    r.map((cell, i) => (i === r.length - 1 ? cell : pad(cell, widths[i] ?? 0))).join("  ").trimEnd();
  return [line(headers), ...cells.map(line)].join("\n") + "\n";
}

/** Writes {@link formatTable}'s output. */
export function writeTable<R>(out: Writable, columns: Column<R>[], rows: readonly R[]): void {
  out.write(formatTable(columns, rows));
}

/** Stable JSON for scripts: 2-space indent, one trailing newline, keys in the order given. */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

/** Writes {@link formatJson}'s output. */
export function writeJson(out: Writable, value: unknown): void {
  out.write(formatJson(value));
}

// ---------------------------------------------------------------------------- colours

/** How text is coloured on one stream: ANSI colours in a terminal, or nothing at all. */
export interface Style {
  /** Whether this style adds colours (false: every function returns its text as it is). */
  readonly colored: boolean;
  ok(s: string): string;
  fail(s: string): string;
  warn(s: string): string;
  /** Skipped or secondary text. */
  dim(s: string): string;
  /** A heading ("Checking the setup:", the help's "Usage:"). */
  heading(s: string): string;
}

const same = (s: string): string => s;
const sgr = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;

/** No colours: for pipes, files, NO_COLOR and --no-color. */
export const PLAIN: Style = { colored: false, ok: same, fail: same, warn: same, dim: same, heading: same };
/** The terminal's green, red, yellow, dim and bold. */
export const COLORS: Style = { colored: true, ok: sgr(32, 39), fail: sgr(31, 39), warn: sgr(33, 39), dim: sgr(2, 22), heading: sgr(1, 22) };

/** A stream as bin/ hands it in: a terminal says so with isTTY. */
export interface MaybeTTY {
  isTTY?: boolean;
}

/**
 * Whether to colour a stream: only a terminal, and never with NO_COLOR set (to anything
 * but "", as no-color.org says), `--no-color`, or TERM=dumb.
 */
export function wantsColor(stream: MaybeTTY, env: Record<string, string | undefined>, noColorFlag: boolean): boolean {
  if (noColorFlag || (env.NO_COLOR ?? "") !== "" || env.TERM === "dumb") return false;
  return stream.isTTY === true;
}

// ---------------------------------------------------------------------------- checklist

/** The state of one checklist item. */
export type CheckState = "ok" | "fail" | "warn" | "skip";

const MARKS: Record<CheckState, string> = { ok: "✓", fail: "✗", warn: "⚠", skip: "-" };

/** One checklist item; `detail` goes on the same line, `hint` on an indented line below. */
export interface CheckItem {
  state: CheckState;
  label: string;
  detail?: string;
  hint?: string;
}

function mark(state: CheckState, style: Style): string {
  const m = MARKS[state];
  return state === "ok" ? style.ok(m) : state === "fail" ? style.fail(m) : state === "warn" ? style.warn(m) : style.dim(m);
}

/** `✓ label`, `✗ label: detail` and, for a hint, an indented `hint: …` line. */
export function formatCheck(item: CheckItem, style: Style = PLAIN): string {
  const label = item.state === "skip" ? style.dim(item.label) : item.label;
  let s = `${mark(item.state, style)} ${label}`;
  if (item.detail) s += item.state === "skip" ? style.dim(`: ${item.detail}`) : `: ${item.detail}`;
  s += "\n";
  if (item.hint) for (const line of item.hint.split("\n")) s += `  ${style.dim("hint:")} ${line}\n`;
  return s;
}

/** Writes one checklist line (see {@link formatCheck}). */
export function writeCheck(out: Writable, item: CheckItem, style: Style = PLAIN): void {
  out.write(formatCheck(item, style));
}

/** A short success line for the end of an action: `✓ message`. */
export function writeDone(out: Writable, message: string, style: Style = PLAIN): void {
  out.write(`${style.ok("✓")} ${message}\n`);
}

/** A failure that does not end the command (it asks again): `✗ message` and its hint. */
export function writeFailed(out: Writable, message: string, hint: string, style: Style = PLAIN): void {
  out.write(formatCheck({ state: "fail", label: message, hint }, style));
}

// ---------------------------------------------------------------------------- spinner

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** A running spinner; `stop` erases its line. */
export interface Spinner {
  stop(): void;
}

/**
 * Draws `⠋ label` on one terminal line and turns it every `intervalMs` until stopped,
 * then erases the line, so what is written next starts clean. For terminals only.
 */
export function startSpinner(out: Writable, label: string, intervalMs = 80): Spinner {
  let frame = 0;
  const draw = () => out.write(`\r${FRAMES[frame++ % FRAMES.length]} ${label}`);
  draw();
  const timer = setInterval(draw, intervalMs);
  timer.unref?.();
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      out.write("\r\x1b[2K");
    },
  };
}
