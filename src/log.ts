import type { Writable } from "node:stream";
import { scrub } from "./redact.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
/** syslog priorities, which journald reads from a `<N>` line prefix (sd-daemon(3)). */
const SYSLOG: Record<LogLevel, number> = { debug: 7, info: 6, warn: 4, error: 3 };

/** `text` for people, `json` (one object per line) for journald, Loki and the like. */
export const LOG_FORMATS = ["text", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** What an entry is about, as separate fields in `json` (the message says it for people). */
export interface LogFields {
  /** The customer's Telegram user id (one conversation per customer). */
  customer?: number;
  /** The conversation's topic card: its post id in the channel. */
  conversation?: number;
  /** The Bot API method called. */
  method?: string;
  /** Why a call failed, as the core names it ("blocked", "too_long", "rights"…). */
  cause?: string;
  /** The Telegram update being handled. */
  update?: number;
  /** An unexpected error: its message and stack go with the entry (as continuation lines in text). */
  error?: unknown;
}

/** One entry per event, with a level; secrets (the token) are blanked out of every entry. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Default "text". */
  format?: LogFormat;
  /**
   * The output is the systemd journal (see {@link isJournalStream}): text entries drop their
   * own timestamp (the journal stamps each one) and every entry starts with its syslog
   * priority (`<3>`), so `journalctl -p warning` works.
   */
  journal?: boolean;
  /** Strings never to print (the bot token and its secret half). */
  secrets?: readonly string[];
  now?: () => Date;
}

/**
 * Whether stderr is the journal's stream: systemd sets JOURNAL_STREAM to the
 * "device:inode" of the stdout/stderr it connects to journald, and a program that
 * inherited the variable but writes elsewhere (a terminal, a file) is not logging to it.
 * `stderrId` is stderr's own "device:inode", found by bin/.
 */
export function isJournalStream(env: Record<string, string | undefined>, stderrId: string | undefined): boolean {
  const journal = env.JOURNAL_STREAM;
  return journal !== undefined && journal !== "" && stderrId !== undefined && journal === stderrId;
}

/**
 * A logger writing one entry per call to `out`.
 *
 * - text: `2026-11-26T10:00:00.000Z info  message` (no timestamp under the journal). An entry
 *   of several lines (a parser error, a stack) stays one entry: on a terminal its
 *   continuation lines are indented, anywhere else (journald, a file, a pipe: each line an
 *   entry) its line breaks are written as `\n`, so it is one line.
 * - json: `{"time":…,"level":"info","msg":"…","customer":…}`, always one line.
 */
export function createLogger(out: Writable & { isTTY?: boolean }, options: LoggerOptions = {}): Logger {
  const min = ORDER[options.level ?? "info"];
  const secrets = options.secrets ?? [];
  const now = options.now ?? (() => new Date());
  const format = options.format ?? "text";
  const journal = options.journal === true;
  const terminal = out.isTTY === true;
  const write = (level: LogLevel, msg: string, fields: LogFields = {}): void => {
    if (ORDER[level] < min) return;
    const entry = format === "json" ? jsonEntry(now(), level, msg, fields) : textEntry(now(), level, msg, fields, journal, terminal);
    out.write(`${journal ? `<${SYSLOG[level]}>` : ""}${scrub(entry, secrets)}\n`);
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
  };
}

function textEntry(time: Date, level: LogLevel, msg: string, fields: LogFields, journal: boolean, terminal: boolean): string {
  const stack = errorStack(fields.error);
  const lines = `${msg}${stack === undefined ? "" : `\n${stack}`}`.replace(/\r\n?/g, "\n").trimEnd().split("\n");
  const body = terminal ? lines.map((l, i) => (i === 0 || l === "" ? l : `    ${l}`)).join("\n") : lines.join("\\n");
  return `${journal ? "" : `${time.toISOString()} `}${level.padEnd(5)} ${body}`;
}

function jsonEntry(time: Date, level: LogLevel, msg: string, fields: LogFields): string {
  const { error, ...rest } = fields;
  const entry: Record<string, unknown> = { time: time.toISOString(), level, msg };
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) entry[key] = value;
  if (error !== undefined) {
    entry["error"] = errorMessage(error);
    const stack = errorStack(error);
    if (stack !== undefined) entry["stack"] = stack;
  }
  return JSON.stringify(entry);
}

/** The message of an error and of each error in its `cause` chain: "a: b". */
function errorMessage(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    parts.push(e instanceof Error ? e.message || e.name : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(": ");
}

function errorStack(err: unknown): string | undefined {
  if (err === undefined) return undefined;
  return err instanceof Error && err.stack ? err.stack : errorMessage(err);
}

/** A logger that drops everything (tests that do not read logs). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
