import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { ConfigError } from "./errors.ts";
import { parseConfig } from "./parse.ts";
import type { Config } from "./types.ts";

/** Where the config comes from. */
export interface LoadOptions {
  /** `--config PATH`, when given. */
  configPath?: string;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** The config path as the user gave it: --config, then env CLIENTES_CONFIG, then `config.yaml`. Used in messages. */
export function givenConfigPath(opts: LoadOptions): string {
  return nonEmpty(opts.configPath) ?? nonEmpty(opts.env.CLIENTES_CONFIG) ?? "config.yaml";
}

/** The absolute config path: --config, then env CLIENTES_CONFIG, then ./config.yaml (relative to cwd). */
export function resolveConfigPath(opts: LoadOptions): string {
  return resolve(opts.cwd, givenConfigPath(opts));
}

/** Reads, parses and validates the config. Throws a ConfigError for every way it can fail. */
export async function loadConfig(opts: LoadOptions): Promise<Config> {
  const given = givenConfigPath(opts);
  const absolute = resolveConfigPath(opts);
  let source: string;
  try {
    source = await readFile(absolute, "utf8");
  } catch (err) {
    throw readError(err, given, absolute, opts);
  }
  return parseConfig(source, given, opts.env, opts.cwd);
}

function readError(err: unknown, given: string, absolute: string, opts: LoadOptions): ConfigError {
  const code = (err as NodeJS.ErrnoException).code;
  const from = nonEmpty(opts.configPath) !== undefined ? "--config" : nonEmpty(opts.env.CLIENTES_CONFIG) !== undefined ? "env CLIENTES_CONFIG" : undefined;
  const where = given === absolute ? "" : ` (${absolute})`;
  const source = from === undefined ? "" : `, given by ${from}`;
  if (code === "ENOENT") {
    return new ConfigError(
      given,
      [{ detail: `config file not found${where}${source}` }],
      "run `clientes init` to create it, or pass --config PATH (or set CLIENTES_CONFIG) to use another file",
    );
  }
  if (code === "EISDIR") {
    return new ConfigError(given, [{ detail: `is a folder, not a config file${where}${source}` }], "pass --config with the path of the YAML file");
  }
  if (code === "EACCES" || code === "EPERM") {
    return new ConfigError(
      given,
      [{ detail: `cannot be read: permission denied${where}` }],
      `run clientes as the user who owns it (ls -l ${given}); the file is meant to be mode 0600`,
    );
  }
  return new ConfigError(given, [{ detail: `cannot be read: ${(err as Error).message}` }], "check the path and the disk");
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
