import { OperatorError } from "../errors.ts";
import { EXIT } from "../runtime.ts";
import { scrub } from "../redact.ts";

/** One thing wrong in a config file. */
export interface ConfigProblem {
  /** Key path like `staff[1].id`; absent for problems with the file itself (not found, bad YAML). */
  key?: string;
  /** What is wrong, e.g. `expected a chat id like -1001234567890 or "@name", got "abc"`. */
  detail: string;
  /** 1-based line of the key in the file, when it is there. */
  line?: number;
}

/**
 * A config file that cannot be used. The message has one line per problem, each naming
 * the file (as the user gave it), the key, what was expected and what was found:
 * `config.yaml: channel: expected a chat id like -1001234567890 or "@name", got "abc"`.
 * Bot tokens never appear in it, not even when one was put under the wrong key.
 */
export class ConfigError extends OperatorError {
  override name = "ConfigError";
  /** The config file as the user named it (relative as given). */
  readonly file: string;
  /** The key of the first problem, if it is about a key. */
  readonly key?: string;
  /** Every problem found, in file order. */
  readonly problems: readonly ConfigProblem[];

  constructor(file: string, problems: ConfigProblem[], hint?: string, secrets: readonly string[] = []) {
    const clean = problems.map((p): ConfigProblem => {
      const detail = scrub(p.detail, secrets);
      return p.key === undefined ? { ...p, detail } : { ...p, key: scrub(p.key, secrets), detail };
    });
    super(clean.map((p) => formatProblem(file, p)).join("\n"), { hint, exitCode: EXIT.USAGE });
    this.file = file;
    this.problems = clean;
    if (clean[0]?.key !== undefined) this.key = clean[0].key;
  }
}

function formatProblem(file: string, p: ConfigProblem): string {
  return p.key === undefined ? `${file}: ${p.detail}` : `${file}: ${p.key}: ${p.detail}`;
}
