/** Where and why a JSON text fails to parse, for error messages a person can act on. */
export interface JsonProblem {
  /** e.g. "Unexpected token '}'" (never a snippet of the file: it holds customer data). */
  reason: string;
  /** 0-based character offset of the first error, when found. */
  offset?: number;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
}

/** Describes the error `JSON.parse(text)` threw, with the line and column of the first mistake. */
export function describeJsonError(text: string, err: unknown): JsonProblem {
  const reason = cleanReason(err instanceof Error ? err.message : String(err));
  const offset = findJsonSyntaxError(text);
  if (offset === undefined) return { reason };
  const { line, column } = lineColumn(text, offset);
  return { reason, offset, line, column };
}

/** V8's message without the position (we give line/column) and without the quoted snippet. */
function cleanReason(message: string): string {
  let reason = message.replace(/\s*in JSON at position \d+.*$/s, "").replace(/\s*\(line \d+ column \d+\)/, "");
  const snippet = reason.search(/, (\.\.\.)?"/);
  if (snippet > 0) reason = reason.slice(0, snippet);
  return reason.trim() || "invalid JSON";
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;

/**
 * Offset of the first JSON syntax error in `text`, or undefined when it is valid.
 * V8 does not always report a position ("Unexpected token"), so we scan for it; an
 * explicit stack instead of recursion, so a deeply nested file cannot overflow it.
 */
export function findJsonSyntaxError(text: string): number | undefined {
  const n = text.length;
  let i = 0;
  const stack: Array<"[" | "{"> = [];

  const skipWs = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i += 1;
      else break;
    }
  };
  const scanString = (): boolean => {
    i += 1; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i += 1;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 92) {
        const e = text[i + 1];
        if (e === "u") {
          if (!HEX4.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2;
        } else {
          return false;
        }
        continue;
      }
      i += 1;
    }
    return false;
  };
  /** A key and its colon; leaves `i` on the error when it fails. */
  const scanKey = (): boolean => {
    skipWs();
    if (text[i] !== '"' || !scanString()) return false;
    skipWs();
    if (text[i] !== ":") return false;
    i += 1;
    return true;
  };

  let expectValue = true;
  for (;;) {
    skipWs();
    if (expectValue) {
      const c = text[i];
      if (c === "{") {
        i += 1;
        skipWs();
        if (text[i] === "}") {
          i += 1;
          expectValue = false;
          continue;
        }
        stack.push("{");
        if (!scanKey()) return i;
        continue;
      }
      if (c === "[") {
        i += 1;
        skipWs();
        if (text[i] === "]") {
          i += 1;
          expectValue = false;
          continue;
        }
        stack.push("[");
        continue;
      }
      if (c === '"') {
        if (!scanString()) return i;
      } else if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) {
        NUMBER.lastIndex = i;
        if (!NUMBER.test(text)) return i;
        i = NUMBER.lastIndex;
      } else if (text.startsWith("true", i)) {
        i += 4;
      } else if (text.startsWith("false", i)) {
        i += 5;
      } else if (text.startsWith("null", i)) {
        i += 4;
      } else {
        return i;
      }
      expectValue = false;
      continue;
    }
    const top = stack[stack.length - 1];
    if (top === undefined) return i < n ? i : undefined;
    const c = text[i];
    if (c === ",") {
      i += 1;
      if (top === "{" && !scanKey()) return i;
      expectValue = true;
    } else if ((c === "]" && top === "[") || (c === "}" && top === "{")) {
      stack.pop();
      i += 1;
    } else {
      return i;
    }
  }
}
