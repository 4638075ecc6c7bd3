/**
 * Checks a parsed replies file. Every problem is collected (not just the first) so a
 * person fixing the file by hand sees all of them at once.
 */
import { RepliesError, type RepliesProblem } from "./errors.ts";
import { PARSE_MODES, REPLY_KEYS, type ParseMode, type Reply } from "./types.ts";

/** Reply ids: short and URL/inline-safe (Telegram caps inline result ids at 64 bytes). */
export const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** Telegram's limit for a message text, in UTF-16 units. */
export const MAX_TEXT_LENGTH = 4096;

/** Why `id` is not a valid reply id, or undefined when it is. */
export function checkId(id: string): string | undefined {
  if (id === "") return "id is required";
  if (ID_PATTERN.test(id)) return undefined;
  return `id ${JSON.stringify(id)} is not valid: use 1–32 lowercase letters (a-z), digits, "-" or "_", starting with a letter or digit`;
}

/** Why `title` is not a valid title, or undefined when it is. */
export function checkTitle(title: string): string | undefined {
  if (title.trim() === "") return "title is required";
  return undefined;
}

/**
 * Why `text` is not a valid reply text, or undefined when it is. The length limit is
 * only checked for plain text: with a parse mode, markup does not count.
 */
export function checkText(text: string, parseMode?: ParseMode): string | undefined {
  if (text.trim() === "") return "text is required";
  if (parseMode === undefined && text.length > MAX_TEXT_LENGTH) {
    return `text is too long: ${text.length} characters, Telegram's limit is ${MAX_TEXT_LENGTH}`;
  }
  return undefined;
}

/** Why `mode` is not a parse mode, or undefined when it is. */
export function checkParseMode(mode: string): string | undefined {
  if ((PARSE_MODES as readonly string[]).includes(mode)) return undefined;
  const fix = PARSE_MODES.find((m) => m.toLowerCase() === mode.toLowerCase());
  if (fix) return `parse_mode ${JSON.stringify(mode)} must be written ${JSON.stringify(fix)}`;
  if (mode.toLowerCase() === "markdown") return `parse_mode "Markdown" (legacy) is not supported: use "MarkdownV2"`;
  return `parse_mode ${JSON.stringify(mode)} is not valid: use ${PARSE_MODES.map((m) => JSON.stringify(m)).join(" or ")}`;
}

/** Why `tag` is not a valid tag, or undefined when it is. */
export function checkTag(tag: string): string | undefined {
  if (tag.trim() === "") return "tags must not be empty";
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `text ${JSON.stringify(value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Validates one entry; pushes its problems and returns the reply when it has none. */
function checkEntry(raw: unknown, entry: number, problems: RepliesProblem[]): Reply | undefined {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    problems.push({ entry, message: `must be a mapping with id, title and text, got ${describe(raw)}` });
    return undefined;
  }
  const obj = raw as Record<string, unknown>;
  const id = typeof obj["id"] === "string" ? obj["id"] : undefined;
  const found: string[] = [];
  const bad = (message: string) => {
    found.push(message);
  };

  for (const key of Object.keys(obj)) {
    if (!(REPLY_KEYS as readonly string[]).includes(key)) {
      bad(`unknown key ${JSON.stringify(key)} (a reply has ${REPLY_KEYS.join(", ")})`);
    }
  }

  if (obj["id"] === undefined || obj["id"] === null) bad("id is required");
  else if (typeof obj["id"] !== "string") bad(`id must be text, got ${describe(obj["id"])} (quote it: id: "${String(obj["id"])}")`);
  else {
    const why = checkId(obj["id"]);
    if (why) bad(why);
  }

  let parseMode: ParseMode | undefined;
  const pm = obj["parse_mode"];
  if (pm !== undefined && pm !== null) {
    if (typeof pm !== "string") bad(`parse_mode must be text, got ${describe(pm)}`);
    else {
      const why = checkParseMode(pm);
      if (why) bad(why);
      else parseMode = pm as ParseMode;
    }
  }

  for (const key of ["title", "text"] as const) {
    const v = obj[key];
    if (v === undefined || v === null) bad(`${key} is required`);
    else if (typeof v !== "string") bad(`${key} must be text, got ${describe(v)}`);
    else {
      const why = key === "title" ? checkTitle(v) : checkText(v, parseMode);
      if (why) bad(why);
    }
  }

  let tags: string[] | undefined;
  const t = obj["tags"];
  if (t !== undefined && t !== null) {
    if (!Array.isArray(t)) bad(`tags must be a list (tags: [a, b]), got ${describe(t)}`);
    else if (!t.every((x): x is string => typeof x === "string")) {
      bad(`tags must be a list of text, got ${describe(t.find((x) => typeof x !== "string"))}`);
    } else if (t.some((x) => checkTag(x))) bad("tags must not be empty");
    else tags = t;
  }

  for (const message of found) problems.push({ entry, ...(id !== undefined ? { id } : {}), message });
  if (found.length > 0) return undefined;
  const reply: Reply = { id: obj["id"] as string, title: obj["title"] as string, text: obj["text"] as string };
  if (tags !== undefined) reply.tags = tags;
  if (parseMode !== undefined) reply.parse_mode = parseMode;
  return reply;
}

/**
 * Turns parsed file content into replies, or throws a {@link RepliesError} listing every
 * bad entry by position and id (wrong types, unknown keys, id format, duplicate ids).
 * `null`/`undefined` (an empty file) is an empty list. `file` names the file in messages.
 */
export function validateReplies(data: unknown, file: string): Reply[] {
  if (data === undefined || data === null) return [];
  if (!Array.isArray(data)) {
    throw new RepliesError(file, [{ message: `the file must be a list of replies (each starting with "- id: …"), got ${describe(data)}` }], {
      hint: 'see the example in "clientes replies --help"',
    });
  }
  const problems: RepliesProblem[] = [];
  const replies: Reply[] = [];
  const firstById = new Map<string, number>();
  data.forEach((raw, i) => {
    const entry = i + 1;
    const reply = checkEntry(raw, entry, problems);
    const id = (raw as { id?: unknown } | null)?.id;
    if (typeof id === "string" && id !== "") {
      const first = firstById.get(id);
      if (first !== undefined) problems.push({ entry, id, message: `duplicate id: entry ${first} already uses it` });
      else firstById.set(id, entry);
    }
    if (reply) replies.push(reply);
  });
  if (problems.length > 0) throw new RepliesError(file, problems);
  return replies;
}
