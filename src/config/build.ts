import { join } from "node:path";
import { DEFAULTS } from "./parse.ts";
import type { Config } from "./types.ts";

/** What a config cannot do without. */
export interface ConfigEssentials {
  /** The folder the config lives in: store and replies go there. */
  dir: string;
  token: string;
  apiRoot: string;
  channel: number | string;
  group: number | string;
}

/**
 * A complete Config with every optional key at its default, for programs that run the
 * daemon without a config file (the demo, tests).
 */
export function buildConfig(essentials: ConfigEssentials, overrides: Partial<Config> = {}): Config {
  const { dir } = essentials;
  return {
    path: join(dir, "config.yaml"),
    bot: { token: essentials.token, apiRoot: essentials.apiRoot },
    channel: essentials.channel,
    group: essentials.group,
    store: join(dir, DEFAULTS.store),
    replies: join(dir, DEFAULTS.replies),
    staff: [],
    locale: DEFAULTS.locale,
    texts: {},
    textsByLocale: {},
    localePerCustomer: DEFAULTS.locale_per_customer,
    notePrefix: DEFAULTS.note_prefix,
    retentionDays: DEFAULTS.retention_days,
    signatures: DEFAULTS.signatures,
    csat: DEFAULTS.csat,
    coalesce: DEFAULTS.coalesce,
    logLevel: DEFAULTS.log_level,
    logFormat: DEFAULTS.log_format,
    pollTimeout: DEFAULTS.poll_timeout,
    requestTimeout: DEFAULTS.request_timeout,
    guardGroup: DEFAULTS.guard_group,
    ...overrides,
  };
}
