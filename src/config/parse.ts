import { dirname, extname, resolve } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import { LOG_FORMATS } from "../log.ts";
import { LOCALES, OPTIONAL_TEXT_KEYS, TEXT_KEYS, type Locale, type TextOverrides } from "../texts.ts";
import { ConfigError, type ConfigProblem } from "./errors.ts";
import { readHours, readSla } from "./service.ts";
import { ALIAS_ADVICE, firstYamlProblem, yamlToPlain } from "./yaml-problem.ts";
import { suggest } from "./suggest.ts";
import type { Config, StaffMember } from "./types.ts";
import { readWebhook } from "./webhook.ts";

/** Defaults for every optional key (YAML names). */
export const DEFAULTS = {
  api_root: "https://api.telegram.org",
  store: "data/clientes.json",
  replies: "replies.yaml",
  locale: "pt-BR",
  locale_per_customer: true,
  note_prefix: "#",
  retention_days: 30,
  signatures: false,
  csat: false,
  coalesce: true,
  log_level: "info",
  log_format: "text",
  poll_timeout: 25,
  request_timeout: 20,
  guard_group: true,
} as const;

const TOP_KEYS = [
  "bot",
  "channel",
  "group",
  "store",
  "replies",
  "staff",
  "locale",
  "locale_per_customer",
  "texts",
  "note_prefix",
  "retention_days",
  "signatures",
  "csat",
  "coalesce",
  "log_level",
  "log_format",
  "poll_timeout",
  "request_timeout",
  "hours",
  "sla",
  "webhook",
  "guard_group",
] as const;
const BOT_KEYS = ["token", "api_root"] as const;
const STAFF_KEYS = ["id", "name", "notify"] as const;
const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

const TOKEN_FORMAT = /^\d+:[A-Za-z0-9_-]{30,}$/;
const CHAT_ID = 'a chat id like -1001234567890 or "@name"';
const EMPTY_FILE_HINT = `every key is documented in config.example.yaml; \`clientes init\` writes a config for you`;

/**
 * Parses and validates a config file's text. Pure: nothing is read from disk.
 *
 * `file` is the path as the user gave it (used in messages); `cwd` resolves it when
 * relative, and relative `store`/`replies` resolve against its folder. Env
 * CLIENTES_BOT_TOKEN, CLIENTES_API_ROOT and CLIENTES_WEBHOOK_SECRET win over the file. Every problem is
 * collected and thrown together as one ConfigError.
 */
export function parseConfig(
  source: string,
  file: string,
  env: Record<string, string | undefined>,
  cwd?: string,
): Config {
  const absolute = cwd === undefined ? resolve(file) : resolve(cwd, file);
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const envToken = nonEmpty(env.CLIENTES_BOT_TOKEN);
  // Only the first YAML error: the ones after it are mostly its consequences.
  const syntax = firstYamlProblem(source, doc, lineCounter);
  if (syntax !== undefined) {
    const more = syntax.more > 0 ? ` (the parser found ${syntax.more} more problem${syntax.more === 1 ? "" : "s"} after it, most likely caused by this one)` : "";
    const problem: ConfigProblem = { detail: `line ${syntax.line}, column ${syntax.column}: invalid YAML: ${syntax.message}${yamlAdvice(syntax.code)}${more}`, line: syntax.line };
    throw new ConfigError(file, [problem], "fix the YAML at the line shown; indent with spaces, and quote values that start with @, # or *", secretsOf(envToken));
  }
  const plain = yamlToPlain(doc, lineCounter);
  if ("problem" in plain) {
    const { line, column, message } = plain.problem;
    throw new ConfigError(file, [{ detail: `line ${line}, column ${column}: invalid YAML: ${message}`, line }], ALIAS_ADVICE, secretsOf(envToken));
  }
  const raw: unknown = plain.value;
  const p = new Problems();
  const root = raw === null || raw === undefined ? {} : raw;
  if (!isMapping(root)) {
    p.wrong(undefined, "a mapping of settings (key: value lines)", root);
    throw new ConfigError(file, p.list, EMPTY_FILE_HINT, secretsOf(envToken));
  }
  const fileToken = isMapping(root.bot) && typeof root.bot.token === "string" ? root.bot.token : undefined;
  unknownKeys(p, root, TOP_KEYS, "", (key) => (BOT_KEYS.includes(key as never) ? `bot.${key}` : undefined));

  const base = dirname(absolute);
  const bot = readBot(p, root.bot, env, envToken);
  const config: Config = {
    path: absolute,
    bot,
    channel: chatId(p, "channel", root.channel),
    group: chatId(p, "group", root.group),
    store: filePath(p, "store", root.store, DEFAULTS.store, base),
    replies: repliesPath(p, root.replies, base),
    staff: readStaff(p, root.staff),
    locale: oneOf(p, "locale", root.locale, LOCALES, DEFAULTS.locale),
    texts: readTexts(p, "texts", root.texts, true),
    textsByLocale: readLocaleTexts(p, root.texts),
    localePerCustomer: boolean(p, "locale_per_customer", root.locale_per_customer, DEFAULTS.locale_per_customer),
    notePrefix: notePrefix(p, root.note_prefix),
    retentionDays: integer(p, "retention_days", root.retention_days, DEFAULTS.retention_days, 1, undefined, "a whole number of days, 1 or more"),
    signatures: boolean(p, "signatures", root.signatures, DEFAULTS.signatures),
    csat: boolean(p, "csat", root.csat, DEFAULTS.csat),
    coalesce: boolean(p, "coalesce", root.coalesce, DEFAULTS.coalesce),
    logLevel: oneOf(p, "log_level", root.log_level, LOG_LEVELS, DEFAULTS.log_level),
    logFormat: oneOf(p, "log_format", root.log_format, LOG_FORMATS, DEFAULTS.log_format),
    pollTimeout: integer(p, "poll_timeout", root.poll_timeout, DEFAULTS.poll_timeout, 0, 50, "a whole number of seconds from 0 to 50"),
    requestTimeout: integer(p, "request_timeout", root.request_timeout, DEFAULTS.request_timeout, 1, 59, "a whole number of seconds from 1 to 59"),
    guardGroup: boolean(p, "guard_group", root.guard_group, DEFAULTS.guard_group),
  };
  const hours = readHours(p, root.hours);
  if (hours) config.hours = hours;
  const sla = readSla(p, root.sla);
  if (sla) config.sla = sla;
  const webhook = readWebhook(p, root.webhook, env, bot.apiRoot);
  if (webhook) config.webhook = webhook;
  if (config.channel !== 0 && config.channel === config.group) {
    p.add("group", "must be the channel's linked discussion group, not the channel itself");
  }
  if (p.list.length > 0) {
    throw new ConfigError(file, inFileOrder(p.list, doc, lineCounter), `fix the keys shown in ${file}; every key is documented in config.example.yaml`, [
      ...secretsOf(envToken),
      ...secretsOf(fileToken),
    ]);
  }
  return config;
}

/** Adds each problem's line and sorts them as they appear in the file; problems without a place (missing keys, env) go last. */
function inFileOrder(problems: ConfigProblem[], doc: Document, lineCounter: LineCounter): ConfigProblem[] {
  const placed = problems.map((problem) => {
    const offset = problem.key === undefined ? undefined : keyOffset(doc, problem.key);
    return offset === undefined ? problem : { ...problem, line: lineCounter.linePos(offset).line };
  });
  return placed
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => (a.problem.line ?? Infinity) - (b.problem.line ?? Infinity) || a.index - b.index)
    .map(({ problem }) => problem);
}

/** Where a key path like `staff[1].id` is written; for a missing key, where its closest parent is. */
function keyOffset(doc: Document, key: string): number | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined;
  for (const [, name, index] of key.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (name !== undefined && isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === name);
      if (pair === undefined) break;
      offset = isScalar(pair.key) ? pair.key.range?.[0] : offset;
      node = pair.value;
    } else if (index !== undefined && isSeq(node)) {
      const item: unknown = node.items[Number(index)];
      if (item === undefined) break;
      offset = (item as { range?: [number, number, number] }).range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

/** Collects problems; every check goes on after a failure so all are reported at once. */
class Problems {
  readonly list: ConfigProblem[] = [];
  add(key: string | undefined, detail: string): void {
    this.list.push(key === undefined ? { detail } : { key, detail });
  }
  wrong(key: string | undefined, expected: string, got: unknown, note = ""): void {
    this.add(key, `expected ${expected}, got ${describe(got)}${note}`);
  }
  missing(key: string, expected: string, note = ""): void {
    this.add(key, `missing; expected ${expected}${note}`);
  }
}

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** How a value looks in a message: short, and never a whole long string. */
export function describe(value: unknown): string {
  if (value === undefined || value === null) return "nothing";
  if (typeof value === "string") {
    if (value === "") return "an empty string";
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : "a list";
  if (isMapping(value)) return "a mapping";
  return typeof value;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

function secretsOf(token: string | undefined): string[] {
  return token === undefined ? [] : [token, token.trim()];
}

function unknownKeys(
  p: Problems,
  map: Mapping,
  known: readonly string[],
  prefix: string,
  elsewhere: (key: string) => string | undefined = () => undefined,
): void {
  for (const key of Object.keys(map)) {
    if (known.includes(key)) continue;
    const moved = elsewhere(key);
    const close = suggest(key, known);
    const advice =
      moved !== undefined
        ? `; did you mean "${moved}"? (indent it under ${moved.split(".")[0]}:)`
        : close !== undefined
          ? `; did you mean "${close}"?`
          : `; valid keys: ${known.join(", ")}`;
    p.add(`${prefix}${key}`, `unknown key${advice}`);
  }
}

function readBot(p: Problems, value: unknown, env: Record<string, string | undefined>, envToken: string | undefined): Config["bot"] {
  let bot: Mapping = {};
  if (isMapping(value)) bot = value;
  else if (value !== undefined && value !== null) p.wrong("bot", "a mapping with token and api_root", value);
  unknownKeys(p, bot, BOT_KEYS, "bot.");

  let token = "";
  if (envToken !== undefined) {
    token = checkToken(p, "env CLIENTES_BOT_TOKEN", envToken);
  } else if (bot.token === undefined || bot.token === null || bot.token === "") {
    p.missing("bot.token", "the bot token from @BotFather", " (or set env CLIENTES_BOT_TOKEN)");
  } else if (typeof bot.token !== "string") {
    p.wrong("bot.token", "the bot token from @BotFather, as a string", typeof bot.token === "number" ? "a number" : bot.token);
  } else {
    token = checkToken(p, "bot.token", bot.token.trim());
  }

  const envRoot = nonEmpty(env.CLIENTES_API_ROOT);
  const apiRoot =
    envRoot !== undefined
      ? url(p, "env CLIENTES_API_ROOT", envRoot)
      : bot.api_root === undefined
        ? DEFAULTS.api_root
        : url(p, "bot.api_root", bot.api_root);
  return { token, apiRoot };
}

/** Checks a token's shape and says what is off, never echoing it. */
function checkToken(p: Problems, key: string, token: string): string {
  if (TOKEN_FORMAT.test(token)) return token;
  const colon = token.indexOf(":");
  const why =
    colon === -1
      ? "it has no colon"
      : !/^\d+$/.test(token.slice(0, colon))
        ? "the part before the colon is not all digits"
        : !/^[A-Za-z0-9_-]*$/.test(token.slice(colon + 1))
          ? "the part after the colon has characters other than letters, digits, _ and -"
          : `the part after the colon has only ${token.length - colon - 1} characters`;
  p.add(
    key,
    `expected a bot token like 123456789:AAE… (digits, a colon, then 30 or more letters, digits, _ or -), got a value of ${token.length} characters where ${why}`,
  );
  return "";
}

function url(p: Problems, key: string, value: unknown): string {
  const expected = "an http(s) URL like https://api.telegram.org";
  if (typeof value !== "string") {
    p.wrong(key, expected, value);
    return DEFAULTS.api_root;
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(value.trim());
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== "http:" && parsed.protocol !== "https:") || parsed.search || parsed.hash) {
    p.wrong(key, expected, value);
    return DEFAULTS.api_root;
  }
  return value.trim().replace(/\/+$/, "");
}

function chatId(p: Problems, key: string, value: unknown): number | string {
  if (value === undefined || value === null || value === "") {
    p.missing(key, key === "group" ? `the channel's linked discussion group: ${CHAT_ID}` : `the support channel: ${CHAT_ID}`);
    return 0;
  }
  if (typeof value === "number" && Number.isSafeInteger(value) && value !== 0) return value;
  if (typeof value === "string") {
    const s = value.trim();
    if (/^-?\d+$/.test(s)) {
      const n = Number(s);
      if (Number.isSafeInteger(n) && n !== 0) return n;
    }
    if (/^@[A-Za-z0-9_]{5,32}$/.test(s)) return s;
    const link = /^(?:https?:\/\/)?t\.me\/([A-Za-z0-9_]{5,32})\/?$/.exec(s);
    if (link) return wrongChat(p, key, value, ` (write the link's name: "@${link[1]}")`);
    if (/^[A-Za-z0-9_]{5,32}$/.test(s)) return wrongChat(p, key, value, ` (a public name starts with @: "@${s}")`);
  }
  return wrongChat(p, key, value);
}

function wrongChat(p: Problems, key: string, value: unknown, note = ""): 0 {
  p.wrong(key, CHAT_ID, value, note);
  return 0;
}

function filePath(p: Problems, key: string, value: unknown, fallback: string, base: string): string {
  if (value === undefined) return resolve(base, fallback);
  if (typeof value !== "string" || value.trim() === "") {
    p.wrong(key, `a file path like ${fallback}`, value);
    return resolve(base, fallback);
  }
  if (value.startsWith("~")) {
    p.wrong(key, `a file path like ${fallback}`, value, " (~ is not expanded: write the full path, or one relative to the config file)");
  }
  return resolve(base, value.trim());
}

function repliesPath(p: Problems, value: unknown, base: string): string {
  const path = filePath(p, "replies", value, DEFAULTS.replies, base);
  if (typeof value === "string" && value.trim() !== "" && ![".yaml", ".yml", ".json"].includes(extname(path).toLowerCase())) {
    p.wrong("replies", "a .yaml, .yml or .json file (the extension picks the format)", value);
  }
  return path;
}

function readStaff(p: Problems, value: unknown): StaffMember[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    p.wrong("staff", 'a list of members like "- id: 111111111"', value);
    return [];
  }
  const staff: StaffMember[] = [];
  const firstIndex = new Map<number, number>();
  value.forEach((item: unknown, i) => {
    const key = `staff[${i}]`;
    if (!isMapping(item)) {
      p.wrong(key, 'a member like {id: 111111111, name: "Ana"}', item);
      return;
    }
    unknownKeys(p, item, STAFF_KEYS, `${key}.`);
    const id = staffId(p, `${key}.id`, item.id);
    let name: string | undefined;
    if (item.name !== undefined && item.name !== null) {
      if (typeof item.name === "string" && item.name.trim() !== "") name = item.name.trim();
      else p.wrong(`${key}.name`, "a non-empty name", item.name);
    }
    const notify = item.notify === undefined ? undefined : boolean(p, `${key}.notify`, item.notify, false);
    if (id === undefined) return;
    const previous = firstIndex.get(id);
    if (previous !== undefined) {
      p.add(`${key}.id`, `${id} is already listed as staff[${previous}].id; each member once`);
      return;
    }
    firstIndex.set(id, i);
    const member: StaffMember = name === undefined ? { id } : { id, name };
    if (notify) member.notify = true;
    staff.push(member);
  });
  return staff;
}

function staffId(p: Problems, key: string, value: unknown): number | undefined {
  const expected = "a Telegram user id (a positive whole number like 111111111)";
  if (value === undefined || value === null) {
    p.missing(key, expected);
    return undefined;
  }
  const n = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof n === "number" && Number.isSafeInteger(n) && n > 0) return n;
  const note = typeof n === "number" && n < 0 ? " (negative ids are chats; staff are people)" : "";
  p.wrong(key, expected, value, note);
  return undefined;
}

function oneOf<T extends string>(p: Problems, key: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  const close = typeof value === "string" ? suggest(value, allowed) : undefined;
  const list = allowed.map((a) => `"${a}"`);
  const expected = `${list.slice(0, -1).join(", ")} or ${list[list.length - 1]}`;
  p.wrong(key, expected, value, close === undefined ? "" : `; did you mean "${close}"?`);
  return fallback;
}

/**
 * `texts:` (or one locale's `texts.en:`): text name -> text. At the top level, a locale
 * name holds that locale's own overrides instead (read by {@link readLocaleTexts}).
 */
function readTexts(p: Problems, at: string, value: unknown, top: boolean): TextOverrides {
  if (value === undefined || value === null) return {};
  if (!isMapping(value)) {
    p.wrong(at, "a mapping of text name to text, like welcome: \"Hi!\"", value);
    return {};
  }
  const texts: TextOverrides = {};
  const known: readonly string[] = [...TEXT_KEYS, ...OPTIONAL_TEXT_KEYS];
  for (const [key, text] of Object.entries(value)) {
    if (top && (LOCALES as readonly string[]).includes(key)) continue;
    if (!known.includes(key)) {
      const close = suggest(key, top ? [...known, ...LOCALES] : known);
      const advice = close === undefined ? "" : `; did you mean "${close}"?`;
      p.add(`${at}.${key}`, `unknown text${advice}; valid texts: ${known.join(", ")}${top ? ` (or a locale, ${LOCALES.join(" or ")}, holding texts for that locale's customers)` : ""}`);
      continue;
    }
    if (typeof text !== "string") {
      p.wrong(`${at}.${key}`, "a text (a string; quote it if it has : or #)", text);
      continue;
    }
    texts[key as keyof TextOverrides] = text;
  }
  return texts;
}

/** `texts.en:`, `texts.pt-BR:`: overrides for the customers of one locale. */
function readLocaleTexts(p: Problems, value: unknown): Partial<Record<Locale, TextOverrides>> {
  const out: Partial<Record<Locale, TextOverrides>> = {};
  if (!isMapping(value)) return out;
  for (const locale of LOCALES) {
    if (value[locale] !== undefined) out[locale] = readTexts(p, `texts.${locale}`, value[locale], false);
  }
  return out;
}

function notePrefix(p: Problems, value: unknown): string {
  const expected = 'a non-empty prefix like "#"';
  if (value === undefined) return DEFAULTS.note_prefix;
  if (value === null) {
    p.wrong("note_prefix", expected, value, ' (quote it: note_prefix: "#"; an unquoted # starts a YAML comment)');
    return DEFAULTS.note_prefix;
  }
  if (typeof value !== "string" || value.trim() === "") {
    p.wrong("note_prefix", expected, value);
    return DEFAULTS.note_prefix;
  }
  if (value.startsWith("/")) {
    p.wrong("note_prefix", expected, value, " (a / starts a bot command)");
  }
  return value;
}

function integer(
  p: Problems,
  key: string,
  value: unknown,
  fallback: number,
  min: number,
  max: number | undefined,
  expected: string,
): number {
  if (value === undefined) return fallback;
  if (typeof value === "number" && Number.isInteger(value) && value >= min && (max === undefined || value <= max)) return value;
  p.wrong(key, expected, value);
  return fallback;
}

function boolean(p: Problems, key: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === "boolean") return value;
  const note = typeof value === "string" && /^(yes|no|on|off|sim|não|nao)$/i.test(value) ? " (write true or false)" : "";
  p.wrong(key, "true or false", value, note);
  return fallback;
}

function yamlAdvice(code: string): string {
  switch (code) {
    case "BAD_SCALAR_START":
      return ' (put the value in quotes, e.g. channel: "@name")';
    case "TAB_AS_INDENT":
      return " (indent with spaces)";
    case "DUPLICATE_KEY":
      return " (a key appears twice; keep one)";
    default:
      return "";
  }
}
