/** How commands get the config: `--config`, env CLIENTES_CONFIG, or ./config.yaml (see src/config). */
import { loadConfig, type Config } from "../config/index.ts";
import type { Runtime } from "../runtime.ts";

/** The global `--config` value, from any command's options (`cmd.optsWithGlobals()`). */
export function configOption(opts: Record<string, unknown>): string | undefined {
  return typeof opts["config"] === "string" ? opts["config"] : undefined;
}

/** Loads and validates the config; throws ConfigError (exit 2) when it is missing or bad. */
export async function loadCliConfig(rt: Runtime, configPath: string | undefined): Promise<Config> {
  return loadConfig({ ...(configPath !== undefined ? { configPath } : {}), env: rt.env, cwd: rt.cwd });
}
