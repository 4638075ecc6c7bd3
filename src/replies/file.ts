/**
 * Reading and writing the replies file. YAML or JSON by extension; a YAML file keeps its
 * comments, key order and quoting when edited (the `yaml` Document API), because people
 * edit it by hand too. Writes are atomic (temp file + rename): the daemon, which reloads
 * the file while running, never sees half of it.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, realpath, rename, rm, stat, open } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { Document, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap, type YAMLSeq } from "yaml";
import { ALIAS_ADVICE, firstYamlProblem, yamlToPlain } from "../config/yaml-problem.ts";
import { RepliesError } from "./errors.ts";
import { REPLY_KEYS, type Reply } from "./types.ts";
import { validateReplies } from "./validate.ts";

export type RepliesFormat = "yaml" | "json";

/** Options shared by load and save. */
export interface RepliesFileOptions {
  /** How the file is named in error messages (default: the path as given). */
  label?: string;
}

/** The format a path's extension asks for (.yaml/.yml → yaml, .json → json); throws otherwise. */
export function repliesFormat(path: string, label = path): RepliesFormat {
  const ext = extname(path).toLowerCase();
  if (ext === ".yaml" || ext === ".yml") return "yaml";
  if (ext === ".json") return "json";
  throw new RepliesError(label, [{ message: `unsupported file type ${JSON.stringify(ext || "(no extension)")}` }], {
    hint: "name the replies file with .yaml, .yml or .json",
  });
}

const YAML_OPTIONS = { uniqueKeys: true, prettyErrors: true } as const;
/** lineWidth 0: never re-fold long texts the user wrote on one line. */
const YAML_TO_STRING = { lineWidth: 0, flowCollectionPadding: false } as const;

/** Parses and validates a replies file's content. Throws {@link RepliesError} with line numbers for syntax errors. */
export function parseReplies(source: string, format: RepliesFormat, file: string): Reply[] {
  return validateReplies(parseData(source, format, file), file);
}

function parseData(source: string, format: RepliesFormat, file: string): unknown {
  if (format === "json") {
    if (source.trim() === "") return [];
    try {
      return JSON.parse(source) as unknown;
    } catch (err) {
      const message = (err as Error).message;
      const pos = /position (\d+)/.exec(message);
      const line = pos ? source.slice(0, Number(pos[1])).split("\n").length : undefined;
      throw new RepliesError(file, [{ ...(line !== undefined ? { line } : {}), message: `invalid JSON: ${message.replace(/ in JSON at position \d+.*$/s, "")}` }], {
        hint: "fix the JSON syntax (a trailing comma or a missing quote is the usual cause)",
        cause: err,
      });
    }
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { ...YAML_OPTIONS, prettyErrors: false, lineCounter });
  // Only the first error, where the problem starts: one typo makes the parser report dozens.
  const syntax = firstYamlProblem(source, doc, lineCounter);
  if (syntax !== undefined) {
    const more = syntax.more > 0 ? ` (and ${syntax.more} more after it, most likely caused by this one)` : "";
    throw new RepliesError(file, [{ line: syntax.line, column: syntax.column, message: `invalid YAML: ${syntax.message}${more}` }], {
      hint: "fix the YAML syntax at that line; texts with \": \" or starting with a symbol need quotes, and multi-line texts go after `text: |`",
    });
  }
  const plain = yamlToPlain(doc, lineCounter);
  if ("problem" in plain) {
    const { line, column, message } = plain.problem;
    throw new RepliesError(file, [{ line, column, message: `invalid YAML: ${message}` }], { hint: ALIAS_ADVICE });
  }
  return plain.value;
}

/**
 * The replies in `path`. A missing file is an empty list (the daemon starts with none).
 * Throws {@link RepliesError} naming the file and each bad entry.
 */
export async function loadReplies(path: string, options: RepliesFileOptions = {}): Promise<Reply[]> {
  const label = options.label ?? path;
  const format = repliesFormat(path, label);
  let source: string;
  try {
    source = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new RepliesError(label, [{ message: `cannot read: ${(err as Error).message}` }], {
      hint: "check that the path is a readable file",
      cause: err,
    });
  }
  return parseReplies(source, format, label);
}

/** Options for {@link saveReplies}/{@link serializeReplies}. */
export interface SaveOptions extends RepliesFileOptions {
  /** Renamed replies, new id → old id, so a renamed entry keeps its comments in YAML. */
  renamed?: Record<string, string>;
}

/** A reply as a plain object with keys in file order and no undefined values. */
export function replyToPlain(reply: Reply): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of REPLY_KEYS) if (reply[key] !== undefined) out[key] = reply[key];
  return out;
}

const NEW_FILE_COMMENT =
  " Canned replies for clientes (staff type @yourbot terms in Telegram to use them).\n" +
  " Edit by hand or with `clientes replies add|edit|remove`. {first_name}, {last_name}\n" +
  " and {name} are filled with the customer's name.";

/**
 * The file content for `replies`. For YAML, `previous` (the current content) keeps its
 * comments, order of keys and quoting on the entries that remain; JSON is pretty-printed.
 */
export function serializeReplies(replies: readonly Reply[], format: RepliesFormat, previous?: string, options: SaveOptions = {}): string {
  if (format === "json") return JSON.stringify(replies.map(replyToPlain), null, 2) + "\n";
  const doc = previous !== undefined && previous.trim() !== "" ? parseDocument(previous, YAML_OPTIONS) : undefined;
  if (doc && doc.errors.length > 0) {
    throw new RepliesError(options.label ?? "replies file", [{ message: "the current file is not valid YAML; refusing to overwrite it" }], {
      hint: "fix the file by hand first (clientes replies list shows the problems)",
    });
  }
  if (!doc || (doc.contents !== null && !isSeq(doc.contents))) return freshYaml(replies);

  const existing = new Map<string, YAMLMap>();
  const seq = doc.contents as YAMLSeq | null;
  for (const item of seq?.items ?? []) {
    if (!isMap(item)) continue;
    const id = item.get("id");
    if (typeof id === "string" && !existing.has(id)) existing.set(id, item as YAMLMap);
  }
  if (seq) liftHeaderComment(doc, seq);
  // Follow the file's own layout: a blank line between entries if it has them.
  const spaced = seq?.items.some((item, i) => i > 0 && (item as Node).spaceBefore === true) ?? false;
  const items = replies.map((reply, i) => {
    const node = existing.get(reply.id) ?? existing.get(options.renamed?.[reply.id] ?? "");
    if (node) {
      updateItem(doc, node, reply);
      if (i === 0) node.spaceBefore = false;
      return node;
    }
    const fresh = newItem(doc, reply);
    if (spaced && i > 0) fresh.spaceBefore = true;
    return fresh;
  });
  if (seq) {
    seq.items = items;
    // The documented style, one entry per item: an empty `[]` (as `clientes init` writes it)
    // or a hand-written flow list would otherwise grow into one `[{id: …}]` line.
    seq.flow = false;
    for (const item of items) item.flow = false;
  } else {
    const fresh = doc.createNode([]) as YAMLSeq;
    fresh.items = items;
    (doc as Document).contents = fresh;
  }
  for (const item of items) literalText(item);
  return doc.toString(YAML_TO_STRING);
}

/** A multi-line text as a `|` block, as people write it by hand (never a quoted "…\n…" string). */
function literalText(item: YAMLMap): void {
  const text = item.get("text", true);
  if (!isScalar(text) || typeof text.value !== "string") return;
  if (text.value.includes("\n")) {
    if (text.type !== "BLOCK_LITERAL" && text.type !== "BLOCK_FOLDED") text.type = "BLOCK_LITERAL";
  } else if (text.type === "BLOCK_LITERAL" || text.type === "BLOCK_FOLDED") {
    text.type = "PLAIN"; // quoted by the writer if it needs quotes
  }
}

/**
 * The parser attaches a file's header comment to the first entry when only a blank line
 * separates them; moved to the document, it survives that entry being removed or moved.
 */
function liftHeaderComment(doc: Document, seq: YAMLSeq): void {
  const first = seq.items[0] as Node | undefined;
  const comment = first?.commentBefore;
  if (!first || !comment) return;
  const cut = comment.lastIndexOf("\n\n");
  if (cut === -1) return;
  const header = comment.slice(0, cut);
  doc.commentBefore = doc.commentBefore ? `${doc.commentBefore}\n\n${header}` : header;
  first.commentBefore = comment.slice(cut + 2).replace(/^\n+/, "");
}

function freshYaml(replies: readonly Reply[]): string {
  const doc = new Document([]);
  const items = replies.map((r) => newItem(doc, r));
  for (const item of items) literalText(item);
  (doc.contents as YAMLSeq).items = items;
  doc.commentBefore = NEW_FILE_COMMENT;
  return doc.toString(YAML_TO_STRING);
}

function newItem(doc: Document, reply: Reply): YAMLMap {
  const node = doc.createNode(replyToPlain(reply)) as YAMLMap;
  const tags = node.get("tags", true);
  if (isSeq(tags)) tags.flow = true;
  return node;
}

/** Changes only the keys whose value changed, so untouched keys keep their comments and style. */
function updateItem(doc: Document, map: YAMLMap, reply: Reply): void {
  REPLY_KEYS.forEach((key, index) => {
    const value = reply[key];
    if (value === undefined) {
      map.delete(key);
      return;
    }
    const current = map.get(key, true) as Node | undefined;
    if (current !== undefined) {
      const currentValue = isScalar(current) ? current.value : (current as Node).toJSON();
      if (isDeepStrictEqual(currentValue, value)) return;
      if (Array.isArray(value)) {
        const seqNode = doc.createNode(value) as YAMLSeq;
        seqNode.flow = isSeq(current) ? current.flow ?? false : true;
        map.set(key, seqNode);
      } else {
        map.set(key, value); // keeps the Scalar node, hence its inline comment
      }
      return;
    }
    // A new key goes where it belongs in REPLY_KEYS order, not at the end.
    const pair = doc.createPair(key, value);
    if (isSeq(pair.value)) pair.value.flow = true;
    const later = REPLY_KEYS.slice(index + 1);
    const at = map.items.findIndex((p) => later.includes((isScalar(p.key) ? p.key.value : p.key) as (typeof REPLY_KEYS)[number]));
    if (at === -1) map.items.push(pair);
    else map.items.splice(at, 0, pair);
  });
}

/**
 * Writes `replies` to `path` atomically (temp file + rename, keeping the file's mode and
 * following a symlink). A YAML file keeps its comments (see {@link serializeReplies}).
 */
export async function saveReplies(path: string, replies: readonly Reply[], options: SaveOptions = {}): Promise<void> {
  const label = options.label ?? path;
  const format = repliesFormat(path, label);
  const target = await realpath(path).catch(() => path);
  let previous: string | undefined;
  if (format === "yaml") {
    previous = await readFile(target, "utf8").catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return undefined;
      throw err;
    });
  }
  await writeFileAtomic(target, serializeReplies(replies, format, previous, { ...options, label }));
}

/** Writes `content` to `path` through a temp file in the same folder and a rename. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const mode = await stat(path).then((s) => s.mode & 0o777, () => 0o644);
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const fh = await open(tmp, "wx", mode);
    try {
      await fh.writeFile(content, "utf8");
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
