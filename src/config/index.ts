/** The config file: loading, validation, and comment-preserving edits. */
export { ConfigError, type ConfigProblem } from "./errors.ts";
export { givenConfigPath, loadConfig, resolveConfigPath, type LoadOptions } from "./load.ts";
export { DEFAULTS, parseConfig } from "./parse.ts";
export { updateConfigFile } from "./update.ts";
export type { Config, StaffMember } from "./types.ts";
export { buildConfig, type ConfigEssentials } from "./build.ts";
