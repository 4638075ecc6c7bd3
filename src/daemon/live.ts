import type { Config } from "../config/types.ts";
import type { CoreContext } from "../core/context.ts";
import { operatorLine } from "../errors.ts";
import type { Logger } from "../log.ts";
import { loadReplies } from "../replies/file.ts";
import type { Reply } from "../replies/types.ts";
import { LOCALES, resolveTexts, type Locale, type Texts } from "../texts.ts";
import { watchFile } from "./watch.ts";

/** The parts of the context that come from the config file and may change while running. */
export function contextFromConfig(
  config: Config,
): Pick<CoreContext, "staff" | "staffNames" | "notify" | "guardGroup" | "notePrefix" | "locale" | "texts" | "localeTexts" | "localePerCustomer" | "signatures" | "csat" | "coalesce" | "hours" | "sla"> {
  const localeTexts = textsPerLocale(config);
  return {
    staff: new Set(config.staff.map((s) => s.id)),
    staffNames: new Map(config.staff.filter((s) => s.name).map((s) => [s.id, s.name!])),
    notify: new Set(config.staff.filter((s) => s.notify).map((s) => s.id)),
    guardGroup: config.guardGroup,
    notePrefix: config.notePrefix,
    locale: config.locale,
    texts: localeTexts[config.locale],
    localeTexts,
    localePerCustomer: config.localePerCustomer,
    signatures: config.signatures,
    csat: config.csat,
    coalesce: config.coalesce,
    hours: config.hours,
    sla: config.sla,
  };
}

/**
 * Each locale's texts: its defaults, then `texts:` for the configured locale, then that
 * locale's own `texts.<locale>:` overrides.
 */
function textsPerLocale(config: Config): Record<Locale, Texts> {
  const out = {} as Record<Locale, Texts>;
  for (const locale of LOCALES) {
    out[locale] = resolveTexts(locale, { ...(locale === config.locale ? config.texts : {}), ...config.textsByLocale[locale] });
  }
  return out;
}

/**
 * The canned replies, reloaded when the file changes. A broken file keeps the last good
 * list and says why, once per problem (the watcher fires several times per save), in
 * one log entry: the line and column where the problem starts, and the fix.
 */
export class LiveReplies {
  private list: Reply[] = [];
  private loaded = false;
  /** The problem last reported, so the same one is not reported again. */
  private reported: string | undefined;
  private readonly watcher: { close(): void };

  private constructor(private readonly path: string, private readonly log: Logger) {
    this.watcher = watchFile(path, () => void this.reload());
  }

  static async open(path: string, log: Logger): Promise<LiveReplies> {
    const live = new LiveReplies(path, log);
    await live.reload();
    return live;
  }

  get replies(): readonly Reply[] {
    return this.list;
  }

  async reload(): Promise<void> {
    try {
      this.list = await loadReplies(this.path);
      this.loaded = true;
      this.reported = undefined;
      this.log.info(`canned replies: ${this.list.length} loaded from ${this.path}`);
    } catch (err) {
      const problem = operatorLine(err);
      if (problem === this.reported) return;
      this.reported = problem;
      const keeping = this.loaded ? `not reloaded, keeping the last good list (${this.list.length})` : "not loaded: staff get none in inline mode until the file is fixed";
      this.log.error(`canned replies ${keeping}: ${problem}`);
    }
  }

  close(): void {
    this.watcher.close();
  }
}

/**
 * Follows the config file: staff, texts, the note prefix and signatures apply without a
 * restart. The other keys (token, chats, store…) take effect at the next start; a change
 * to them is neither applied nor reported.
 */
export function followConfig(path: string, reload: () => Promise<Config>, apply: (config: Config) => void, log: Logger): { close(): void } {
  return watchFile(path, () => {
    reload().then(
      (config) => {
        apply(config);
        log.info(`config reloaded: ${config.staff.length} staff`);
      },
      (err: unknown) => {
        log.error(`config not reloaded, keeping the running one: ${operatorLine(err)}`);
      },
    );
  });
}
