import { OperatorError } from "../errors.ts";

/** One problem found in a replies file; `entry` is 1-based. */
export interface RepliesProblem {
  entry?: number;
  id?: string;
  line?: number;
  /** 1-based, with `line`. */
  column?: number;
  message: string;
}

/**
 * A replies file that cannot be used. The message has one line per problem, each naming
 * the file and the entry by position and id:
 * `replies.yaml: entry 3 (id "horario"): title is required`.
 */
export class RepliesError extends OperatorError {
  override name = "RepliesError";
  /** The file, as it was named to loadReplies/parseReplies. */
  readonly file: string;
  readonly problems: RepliesProblem[];
  constructor(file: string, problems: RepliesProblem[], options: { hint?: string; cause?: unknown } = {}) {
    super(problems.map((p) => formatProblem(file, p)).join("\n"), options);
    this.file = file;
    this.problems = problems;
  }
}

/** `file: [line N[, column C]: ][entry N (id "x"): ]message` */
export function formatProblem(file: string, p: RepliesProblem): string {
  let where = `${file}: `;
  if (p.line !== undefined) where += p.column === undefined ? `line ${p.line}: ` : `line ${p.line}, column ${p.column}: `;
  if (p.entry !== undefined) where += `entry ${p.entry}${p.id !== undefined ? ` (id ${JSON.stringify(p.id)})` : ""}: `;
  return where + p.message;
}
