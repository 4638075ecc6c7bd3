/**
 * YAML mistakes as a person would point at them, for the config and the replies file.
 * One typo makes the parser report a cascade of errors (an unclosed quote or a tab can
 * give dozens): only the first is worth reading, at the line where the problem starts.
 * For an unclosed `[`, `{` or quote that is the opening token, not the line, often far
 * below, where the parser noticed.
 */
import { isCollection, isScalar, isSeq, visit, type Document, type LineCounter, type Node } from "yaml";

/** The first thing wrong in a YAML text. */
export interface YamlProblem {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** e.g. `the "[" here is never closed (the parser noticed at line 18: …)`. */
  message: string;
  /** The yaml package's error code (for advice), or our own: ALIAS_COUNT, TAB_INDENT. */
  code: string;
  /** How many more errors the parser reported after it (usually consequences of it). */
  more: number;
}

/** Aliases a config or replies file may use before it counts as a resource attack (yaml's own default). */
const MAX_ALIAS_COUNT = 100;

/** The first syntax problem of a parsed document, or undefined when it has none. */
export function firstYamlProblem(source: string, doc: Document, lineCounter: LineCounter): YamlProblem | undefined {
  const error = doc.errors[0];
  if (error === undefined) return undefined;
  const more = doc.errors.length - 1;
  const noticed = lineCounter.linePos(error.pos[0]);
  // A tab in the indent often gives only "Unexpected scalar" errors: name the real cause.
  const lineStart = lineCounter.lineStarts[noticed.line - 1] ?? 0;
  const indent = /^[ \t]*/.exec(source.slice(lineStart, lineStart + 200))![0];
  if (indent.includes("\t")) {
    return { line: noticed.line, column: indent.indexOf("\t") + 1, message: "this line is indented with a tab, which YAML does not allow (indent with spaces)", code: "TAB_INDENT", more };
  }
  const message = error.message.replace(/ at line \d+, column \d+[\s\S]*$/, "");
  const open = unclosedBefore(doc, error.pos[0]);
  if (open !== undefined) {
    const at = lineCounter.linePos(open.offset);
    if (at.line !== noticed.line) {
      return {
        line: at.line,
        column: at.col,
        message: `the ${open.token} here is never closed with ${open.closer} (the parser noticed at line ${noticed.line}: ${message})`,
        code: error.code,
        more,
      };
    }
  }
  return { line: noticed.line, column: noticed.col, message, code: error.code, more };
}

/**
 * The document as plain data, or the problem when its aliases expand to more than
 * {@link MAX_ALIAS_COUNT} (a "billion laughs": a few lines that would fill the memory).
 */
export function yamlToPlain(doc: Document, lineCounter: LineCounter): { value: unknown } | { problem: YamlProblem } {
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown };
  } catch (err) {
    if (!(err instanceof ReferenceError) || !/alias/i.test(err.message)) throw err;
    let first: Node | undefined;
    visit(doc, {
      Alias(_key, node) {
        first = node;
        return visit.BREAK;
      },
    });
    const offset = first?.range?.[0] ?? 0;
    const at = lineCounter.linePos(offset);
    return {
      problem: {
        line: at.line,
        column: at.col,
        message: `its aliases (*name) expand to too much data, as in an "alias bomb"; this file may use at most ${MAX_ALIAS_COUNT}`,
        code: "ALIAS_COUNT",
        more: 0,
      },
    };
  }
}

/** The advice for an alias problem, for both files' hints. */
export const ALIAS_ADVICE = "write the values out instead of repeating them with &anchors and *aliases";

/** The outermost flow collection or quoted scalar that starts before `offset` and runs on to it: an opening never closed. */
function unclosedBefore(doc: Document, offset: number): { offset: number; token: string; closer: string } | undefined {
  let found: { offset: number; token: string; closer: string } | undefined;
  visit(doc, (_key, node) => {
    const range = (node as Node).range;
    if (!range || !(range[0] < offset && offset <= range[2])) return undefined;
    if (isCollection(node) && node.flow) {
      found = isSeq(node) ? { offset: range[0], token: '"["', closer: '"]"' } : { offset: range[0], token: '"{"', closer: '"}"' };
    } else if (isScalar(node) && (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE")) {
      const q = node.type === "QUOTE_DOUBLE" ? `'"'` : `"'"`;
      found = { offset: range[0], token: `quote ${q}`, closer: `another ${q}` };
    }
    return found === undefined ? undefined : visit.BREAK;
  });
  return found;
}
