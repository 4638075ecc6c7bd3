import type { Writable } from "node:stream";

export type LogLevel = "debug" | "info" | "warn" | "error";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** One line per event, with a level; secrets (the token) are blanked out of every line. */
export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Strings never to print (the bot token and its secret half). */
  secrets?: readonly string[];
  now?: () => Date;
}

/** A logger writing `2026-11-26T10:00:00.000Z info  message` lines to `out`. */
export function createLogger(out: Writable, options: LoggerOptions = {}): Logger {
  const min = ORDER[options.level ?? "info"];
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 8);
  const now = options.now ?? (() => new Date());
  const write = (level: LogLevel, msg: string): void => {
    if (ORDER[level] < min) return;
    let line = msg;
    for (const s of secrets) line = line.split(s).join("***");
    out.write(`${now().toISOString()} ${level.padEnd(5)} ${line}\n`);
  };
  return {
    debug: (m) => write("debug", m),
    info: (m) => write("info", m),
    warn: (m) => write("warn", m),
    error: (m) => write("error", m),
  };
}

/** A logger that drops everything (tests that do not read logs). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
