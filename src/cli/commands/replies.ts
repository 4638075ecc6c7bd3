/**
 * `clientes replies add|list|edit|remove|import|export`: the canned replies file.
 * In a terminal, missing values are asked; in scripts, flags give them (a missing one is
 * exit 2 naming the flag). Every change is checked before anything is written.
 */
import { access, realpath } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { Option, type Command } from "commander";
import { ConfigError } from "../../config/index.ts";
import type { ReplyUse } from "../../core/state.ts";
import { openStateStore } from "../../daemon/daemon.ts";
import { EXIT, type Runtime } from "../../runtime.ts";
import {
  PARSE_MODES,
  checkId,
  checkParseMode,
  checkText,
  checkTitle,
  idFromTitle,
  loadReplies,
  replyToPlain,
  repliesFormat,
  saveReplies,
  searchReplies,
  serializeReplies,
  uniqueId,
  writeFileAtomic,
  RepliesError,
  type ParseMode,
  type Reply,
} from "../../replies/index.ts";
import { configOption, loadCliConfig } from "../config.ts";
import { suggestAll } from "../../config/suggest.ts";
import { CliError, UsageError, type CliContext } from "../context.ts";
import { writeDone, writeJson, writeTable } from "../output.ts";
import { requirePrompter, type Prompter } from "../prompts.ts";

/** The replies file a command works on, and how to name it in messages. */
interface Target {
  path: string;
  label: string;
  /** The config's store and time zone, when the file is the config's replies (usage counts live there). */
  store?: { path: string; timeZone?: string };
}

/** Short name for messages: relative to the working directory when inside it. */
function labelFor(rt: Runtime, path: string): string {
  const rel = relative(rt.cwd, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

async function resolveTarget(ctx: CliContext, cmd: Command): Promise<Target> {
  const opts = cmd.optsWithGlobals();
  let path: string;
  let store: Target["store"];
  if (typeof opts["file"] === "string") {
    path = resolve(ctx.rt.cwd, opts["file"]);
  } else {
    try {
      const config = await loadCliConfig(ctx.rt, configOption(opts));
      path = config.replies;
      store = { path: config.store, ...(config.hours ? { timeZone: config.hours.timezone } : {}) };
    } catch (err) {
      if (err instanceof ConfigError) {
        const hint = (err.hint ? `${err.hint}\n` : "") + "or pass --file PATH to manage a replies file without a config";
        throw new ConfigError(err.file, [...err.problems], hint);
      }
      throw err;
    }
  }
  const label = labelFor(ctx.rt, path);
  try {
    repliesFormat(path, label);
  } catch (err) {
    if (err instanceof RepliesError) throw new UsageError(err.message, { ...(err.hint ? { hint: err.hint } : {}) });
    throw err;
  }
  return { path, label, ...(store ? { store } : {}) };
}

/** `"a, b,,c"` → `["a","b","c"]`; undefined for none. */
function parseTags(raw: string): string[] | undefined {
  const tags = raw
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
  return tags.length > 0 ? tags : undefined;
}

/** Terminal input is one line: `\n` typed there stands for a line break. */
function fromOneLine(s: string): string {
  return s.replace(/\\n/g, "\n");
}
function toOneLine(s: string): string {
  return s.replace(/\n/g, "\\n");
}

async function readAll(stream: Runtime["stdin"]): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

function orUsage(why: string | undefined, flag: string): void {
  if (why) throw new UsageError(`${flag}: ${why}`);
}

/** `--text -` reads the text from stdin (handy for multi-line texts in scripts). */
async function textOption(ctx: CliContext, value: unknown): Promise<string | undefined> {
  if (typeof value !== "string") return undefined;
  return value === "-" ? readAll(ctx.rt.stdin) : value;
}

function parseModeOption(value: unknown): ParseMode | null | undefined {
  if (value === undefined) return undefined;
  return value === "none" ? null : (value as ParseMode);
}

function describeReply(r: Reply): string {
  return `${JSON.stringify(r.id)} (${JSON.stringify(r.title)})`;
}

/** An unknown id: the replies whose id or title is closest to what was typed, as "did you mean". */
function notFound(id: string, target: Target, replies: Reply[]): CliError {
  const byLabel = new Map<string, Reply>();
  for (const r of replies) byLabel.set(r.id, r);
  for (const r of replies) if (!byLabel.has(r.title)) byLabel.set(r.title, r);
  const near = [...new Set(suggestAll(id, [...byLabel.keys()]).map((label) => byLabel.get(label)!))];
  return new CliError(`no reply with id ${JSON.stringify(id)} in ${target.label}`, {
    hint: near.length > 0 ? `did you mean ${near.map(describeReply).join(" or ")}?` : "see the ids with: clientes replies list",
  });
}

function duplicate(existing: Reply, target: Target): CliError {
  return new CliError(`a reply with id ${JSON.stringify(existing.id)} already exists in ${target.label}: ${JSON.stringify(existing.title)}`, {
    hint: `choose another id (--id), or change that one: clientes replies edit ${existing.id}`,
  });
}

type ModeChoice = ParseMode | "none";
const PARSE_MODE_CHOICES: { name: string; value: ModeChoice; description: string }[] = [
  { name: "plain text", value: "none", description: "sent as typed" },
  { name: "HTML", value: "HTML", description: "<b>bold</b>, <i>italic</i>, <a href=\"…\">link</a>" },
  { name: "MarkdownV2", value: "MarkdownV2", description: "*bold*, _italic_, [link](…)" },
];

function reply(fields: { id: string; title: string; text: string; tags?: string[] | undefined; parse_mode?: ParseMode | null | undefined }): Reply {
  const r: Reply = { id: fields.id, title: fields.title, text: fields.text };
  if (fields.tags && fields.tags.length > 0) r.tags = fields.tags;
  if (fields.parse_mode) r.parse_mode = fields.parse_mode;
  return r;
}

// ---------------------------------------------------------------------------- list

/**
 * How often each reply reached a customer, from the daemon's store (read without its lock,
 * as `status` does). Undefined when the file is not the config's, or the store cannot be read.
 */
async function usesOf(ctx: CliContext, target: Target): Promise<Record<string, ReplyUse> | undefined> {
  if (!target.store) return undefined;
  if (!(await exists(target.store.path))) return {};
  try {
    return (await openStateStore(target.store.path)).data.replyUses;
  } catch (err) {
    ctx.rt.stderr.write(`warning: usage counts not shown: ${(err as Error).message}\n`);
    return undefined;
  }
}

/** "2026-03-09 10:31" in the desk's zone (else the machine's). */
function when(ms: number, timeZone: string | undefined): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(ms);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")}`;
}

async function list(ctx: CliContext, terms: string[], cmd: Command): Promise<number> {
  const opts = cmd.opts();
  const target = await resolveTarget(ctx, cmd);
  const all = await loadReplies(target.path, { label: target.label });
  const shown = terms.length > 0 ? searchReplies(all, terms.join(" ")) : all;
  const uses = await usesOf(ctx, target);
  if (opts["json"]) {
    const counted = (r: Reply) => ({ ...replyToPlain(r), uses: uses![r.id]?.count ?? 0, last_used: uses![r.id] ? new Date(uses![r.id]!.last).toISOString() : null });
    writeJson(ctx.rt.stdout, shown.map(uses ? counted : replyToPlain));
    return EXIT.OK;
  }
  if (all.length === 0) {
    ctx.rt.stderr.write(`no replies in ${target.label} yet; add one with: clientes replies add\n`);
    return EXIT.OK;
  }
  if (shown.length === 0) {
    ctx.rt.stderr.write(`no reply matches ${JSON.stringify(terms.join(" "))} (${all.length} in ${target.label})\n`);
    return EXIT.OK;
  }
  writeTable(
    ctx.rt.stdout,
    [
      { header: "id", get: (r: Reply) => r.id },
      { header: "title", get: (r: Reply) => r.title, max: 40 },
      { header: "tags", get: (r: Reply) => (r.tags ?? []).join(", "), max: 24 },
      ...(uses
        ? [
            { header: "uses", get: (r: Reply) => String(uses[r.id]?.count ?? 0) },
            { header: "last used", get: (r: Reply) => (uses[r.id] ? when(uses[r.id]!.last, target.store?.timeZone) : "") },
          ]
        : []),
      { header: "text", get: (r: Reply) => r.text, max: 50 },
    ],
    shown,
  );
  const count = (n: number) => `${n} ${n === 1 ? "reply" : "replies"}`;
  ctx.rt.stderr.write(terms.length > 0 ? `${shown.length} of ${count(all.length)} in ${target.label} match\n` : `${count(all.length)} in ${target.label}\n`);
  return EXIT.OK;
}

// ---------------------------------------------------------------------------- add

/** A reply's fields as flags or answers give them; `parse_mode: null` is plain text. */
interface Fields {
  id?: string;
  title?: string;
  text?: string;
  tags?: string[] | undefined;
  parse_mode?: ParseMode | null;
}

/** The fields given as flags (`--text -` reads stdin); a bad id or title is bad usage naming its flag. */
async function flagFields(ctx: CliContext, opts: Record<string, unknown>): Promise<Fields> {
  const f: Fields = {};
  if (typeof opts["id"] === "string") {
    orUsage(checkId(opts["id"]), "--id");
    f.id = opts["id"];
  }
  if (typeof opts["title"] === "string") {
    orUsage(checkTitle(opts["title"]), "--title");
    f.title = opts["title"];
  }
  const text = await textOption(ctx, opts["text"]);
  if (text !== undefined) f.text = text;
  if (typeof opts["tags"] === "string") f.tags = parseTags(opts["tags"]);
  const mode = parseModeOption(opts["parseMode"]);
  if (mode !== undefined) f.parse_mode = mode;
  return f;
}

/**
 * Asks for each field `given` lacks, in this order: title, id, formatting, text, tags.
 * `defaults` pre-fills the answers (for edit: the reply as it is; the id's default may
 * depend on the title); `takenBy` names the other reply that already uses an id.
 */
async function askFields(
  p: Prompter,
  given: Fields,
  defaults: Omit<Fields, "id"> & { id: (title: string) => string },
  takenBy: (id: string) => Reply | undefined,
): Promise<Required<Pick<Fields, "id" | "title" | "text">> & Fields> {
  const title = given.title ?? (await p.input({ message: "Title (what staff see in the list)", ...(defaults.title !== undefined ? { default: defaults.title } : {}), validate: (v) => checkTitle(v) ?? true }));
  const id =
    given.id ??
    (await p.input({
      message: "Id (short, unique)",
      default: defaults.id(title),
      validate: (v) => checkId(v) ?? (takenBy(v) ? `"${v}" is already used by ${JSON.stringify(takenBy(v)?.title)}` : true),
    }));
  let parseMode = given.parse_mode;
  if (!("parse_mode" in given)) {
    const mode = await p.select<ModeChoice>({ message: "Formatting", choices: PARSE_MODE_CHOICES, default: defaults.parse_mode ?? "none" });
    parseMode = mode === "none" ? null : mode;
  }
  const text =
    given.text ??
    fromOneLine(
      await p.input({
        message: "Text (\\n = line break; {first_name}, {name} are filled in)",
        ...(defaults.text !== undefined ? { default: toOneLine(defaults.text) } : {}),
        validate: (v) => checkText(fromOneLine(v), parseMode ?? undefined) ?? true,
      }),
    );
  const tags = "tags" in given ? given.tags : parseTags(await p.input({ message: "Tags, comma-separated (optional, also searched)", default: (defaults.tags ?? []).join(", ") }));
  return { id, title, text, tags, parse_mode: parseMode ?? null };
}

async function add(ctx: CliContext, cmd: Command): Promise<number> {
  const opts = cmd.opts();
  const target = await resolveTarget(ctx, cmd);
  // A broken file fails before any question is asked.
  const current = await loadReplies(target.path, { label: target.label });
  const taken = new Set(current.map((r) => r.id));
  const byId = (id: string) => current.find((r) => r.id === id);

  let fields = await flagFields(ctx, opts);
  if (fields.text !== undefined) orUsage(checkText(fields.text, fields.parse_mode ?? undefined), "--text");
  const missing = [fields.title === undefined && "--title", fields.text === undefined && "--text"].filter((f): f is string => f !== false);
  if (missing.length > 0) {
    const p = requirePrompter(ctx, missing.join(" and "), missing.length > 1 ? "the reply's title and text" : `the reply's ${missing[0]?.slice(2)}`);
    fields = await askFields(p, fields, { id: (title) => uniqueId(idFromTitle(title), taken) }, byId);
  }
  const id = fields.id ?? idFromTitle(fields.title!);
  const existing = byId(id);
  if (existing) throw duplicate(existing, target);

  const created = reply({ id, title: fields.title!, text: fields.text!, tags: fields.tags, parse_mode: fields.parse_mode });
  await saveReplies(target.path, [...current, created], { label: target.label });
  writeDone(ctx.rt.stderr, `added ${describeReply(created)} to ${target.label}`, ctx.style.stderr);
  return EXIT.OK;
}

// ---------------------------------------------------------------------------- edit

async function edit(ctx: CliContext, id: string, cmd: Command): Promise<number> {
  const opts = cmd.opts();
  const target = await resolveTarget(ctx, cmd);
  const current = await loadReplies(target.path, { label: target.label });
  const index = current.findIndex((r) => r.id === id);
  const old = current[index];
  if (!old) throw notFound(id, target, current);
  const takenBy = (newId: string) => (newId !== old.id ? current.find((r) => r.id === newId) : undefined);

  let next: Reply;
  const given = await flagFields(ctx, opts);
  if (Object.keys(given).length > 0) {
    const parseMode = "parse_mode" in given ? given.parse_mode : old.parse_mode;
    const text = given.text ?? old.text;
    orUsage(checkText(text, parseMode ?? undefined), given.text !== undefined ? "--text" : "--parse-mode");
    next = reply({ id: given.id ?? old.id, title: given.title ?? old.title, text, tags: "tags" in given ? given.tags : old.tags, parse_mode: parseMode });
  } else {
    const p = requirePrompter(ctx, "--title, --text, --tags, --parse-mode or --id", "what to change");
    ctx.rt.stderr.write(`Editing ${describeReply(old)}; press Enter to keep a value.\n`);
    next = reply(await askFields(p, given, { ...old, id: () => old.id }, takenBy));
  }

  const clash = takenBy(next.id);
  if (clash) throw duplicate(clash, target);
  if (isDeepStrictEqual(replyToPlain(next), replyToPlain(old))) {
    ctx.rt.stderr.write(`nothing changed in ${JSON.stringify(old.id)}\n`);
    return EXIT.OK;
  }
  const updated = current.with(index, next);
  await saveReplies(target.path, updated, { label: target.label, renamed: { [next.id]: old.id } });
  const renamed = next.id !== old.id ? ` (renamed from ${JSON.stringify(old.id)})` : "";
  writeDone(ctx.rt.stderr, `updated ${describeReply(next)}${renamed} in ${target.label}`, ctx.style.stderr);
  return EXIT.OK;
}

// ---------------------------------------------------------------------------- remove

async function remove(ctx: CliContext, id: string, cmd: Command): Promise<number> {
  const opts = cmd.opts();
  const target = await resolveTarget(ctx, cmd);
  const current = await loadReplies(target.path, { label: target.label });
  const old = current.find((r) => r.id === id);
  if (!old) throw notFound(id, target, current);
  if (!opts["yes"]) {
    const p = requirePrompter(ctx, "--yes", "a confirmation");
    const ok = await p.confirm({ message: `Remove ${describeReply(old)} from ${target.label}?`, default: false });
    if (!ok) {
      ctx.rt.stderr.write("nothing removed\n");
      return EXIT.OK;
    }
  }
  await saveReplies(
    target.path,
    current.filter((r) => r !== old),
    { label: target.label },
  );
  writeDone(ctx.rt.stderr, `removed ${describeReply(old)} from ${target.label}`, ctx.style.stderr);
  return EXIT.OK;
}

// ---------------------------------------------------------------------------- import

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function importFile(ctx: CliContext, file: string, cmd: Command): Promise<number> {
  const opts = cmd.opts();
  const target = await resolveTarget(ctx, cmd);
  const source = resolve(ctx.rt.cwd, file);
  const sourceLabel = labelFor(ctx.rt, source);
  try {
    repliesFormat(source, sourceLabel);
  } catch (err) {
    if (err instanceof RepliesError) throw new UsageError(err.message, { ...(err.hint ? { hint: err.hint } : {}) });
    throw err;
  }
  if (!(await exists(source))) throw new CliError(`${sourceLabel}: file not found`, { hint: "check the path of the file to import" });
  // Every entry is checked (RepliesError lists each bad one) before anything is written.
  const incoming = await loadReplies(source, { label: sourceLabel });
  const current = await loadReplies(target.path, { label: target.label });
  const currentById = new Map(current.map((r) => [r.id, r]));

  let next: Reply[];
  let added = 0;
  let updated = 0;
  let unchanged = 0;
  let removed = 0;
  if (opts["replace"]) {
    const incomingIds = new Set(incoming.map((r) => r.id));
    for (const r of incoming) {
      const old = currentById.get(r.id);
      if (!old) added++;
      else if (isDeepStrictEqual(replyToPlain(old), replyToPlain(r))) unchanged++;
      else updated++;
    }
    removed = current.filter((r) => !incomingIds.has(r.id)).length;
    next = incoming;
  } else {
    const conflicts = incoming.filter((r) => {
      const old = currentById.get(r.id);
      return old !== undefined && !isDeepStrictEqual(replyToPlain(old), replyToPlain(r));
    });
    if (conflicts.length > 0 && !opts["overwrite"]) {
      throw new CliError(
        `${conflicts.length} ${conflicts.length === 1 ? "id already exists" : "ids already exist"} in ${target.label} with different content: ${conflicts.map((r) => r.id).join(", ")}`,
        { hint: "pass --overwrite to replace those entries with the imported ones, or --replace to replace the whole list" },
      );
    }
    const incomingById = new Map(incoming.map((r) => [r.id, r]));
    next = current.map((r) => incomingById.get(r.id) ?? r);
    updated = conflicts.length;
    unchanged = incoming.length - conflicts.length - incoming.filter((r) => !currentById.has(r.id)).length;
    const fresh = incoming.filter((r) => !currentById.has(r.id));
    added = fresh.length;
    next.push(...fresh);
  }
  const summary = `${added} added, ${updated} updated, ${unchanged} unchanged${removed > 0 ? `, ${removed} removed` : ""}`;
  if (added + updated + removed === 0) {
    ctx.rt.stderr.write(`nothing to import from ${sourceLabel}: ${summary}\n`);
    return EXIT.OK;
  }
  await saveReplies(target.path, next, { label: target.label });
  writeDone(ctx.rt.stderr, `imported ${sourceLabel} into ${target.label}: ${summary}`, ctx.style.stderr);
  return EXIT.OK;
}

// ---------------------------------------------------------------------------- export

async function exportFile(ctx: CliContext, file: string | undefined, cmd: Command): Promise<number> {
  const opts = cmd.opts();
  const target = await resolveTarget(ctx, cmd);
  const current = await loadReplies(target.path, { label: target.label });
  if (file === undefined || file === "-") {
    writeJson(ctx.rt.stdout, current.map(replyToPlain));
    return EXIT.OK;
  }
  const dest = resolve(ctx.rt.cwd, file);
  const destLabel = labelFor(ctx.rt, dest);
  let format;
  try {
    format = repliesFormat(dest, destLabel);
  } catch (err) {
    if (err instanceof RepliesError) throw new UsageError(err.message, { ...(err.hint ? { hint: err.hint } : {}) });
    throw err;
  }
  if ((await realpath(dest).catch(() => dest)) === (await realpath(target.path).catch(() => target.path))) {
    throw new UsageError(`${destLabel} is the replies file itself`, { hint: "export to another file, or to stdout without a FILE" });
  }
  if ((await exists(dest)) && !opts["yes"]) {
    const p = requirePrompter(ctx, "--yes", `permission to overwrite ${destLabel}`);
    if (!(await p.confirm({ message: `${destLabel} exists. Overwrite it?`, default: false }))) {
      ctx.rt.stderr.write("nothing exported\n");
      return EXIT.OK;
    }
  }
  await writeFileAtomic(dest, serializeReplies(current, format));
  writeDone(ctx.rt.stderr, `exported ${current.length} ${current.length === 1 ? "reply" : "replies"} from ${target.label} to ${destLabel}`, ctx.style.stderr);
  return EXIT.OK;
}

// ---------------------------------------------------------------------------- registration

const REPLIES_HELP = `
The replies file is a plain list (YAML or JSON, by extension); comments in a YAML
file are kept when it is edited here:

  - id: horario                      # unique, short: a-z 0-9 - _
    title: "Horário de atendimento"  # what staff see in the inline list
    text: "Atendemos de segunda a sexta, das 9h às 18h, {first_name}."
    tags: [expediente]               # optional, also searched
    parse_mode: HTML                 # optional: HTML or MarkdownV2

Staff use them in Telegram by typing @yourbot and some words of the title, text or tags
(with no words, the most used come first), or make one from a message of a thread with
/save Title. {first_name}, {last_name} and {name} are filled with the customer's name.
\`list\` shows how often each reached a customer (USES, LAST USED; "uses" and "last_used"
in --json), counted by the daemon in its store, when the file is the config's.

Examples:
  $ clientes replies list
  $ clientes replies list horario --json
  $ clientes replies add                                  (asks for each value)
  $ clientes replies add --title "Pix" --text "Nossa chave Pix: ..." --tags pagamento
  $ clientes replies edit pix --tags pagamento,pix
  $ clientes replies remove pix --yes
  $ clientes replies import team-replies.yaml
  $ clientes replies export backup.json
  $ clientes replies --file ./replies.yaml list            (no config needed)
`;

const addParseMode = (c: Command) =>
  c.addOption(new Option("--parse-mode <mode>", "formatting of the text").choices([...PARSE_MODES, "none"]));

/** Registers `clientes replies` and its subcommands. */
export function register(program: Command, ctx: CliContext): void {
  const replies = program
    .command("replies")
    .description("manage the canned replies staff pick with @yourbot in Telegram")
    .option("--file <path>", "the replies file (.yaml, .yml or .json); default: `replies` in the config")
    .addHelpText("after", REPLIES_HELP);

  replies
    .command("list")
    .description("show the replies (optionally those matching some words); with the config's replies file, how often each reached a customer and when last")
    .argument("[terms...]", "only replies matching every term (as in Telegram's inline search)")
    .option("--json", "print JSON on stdout")
    .addHelpText("after", "\nExamples:\n  $ clientes replies list\n  $ clientes replies list pix --json\n")
    .action(ctx.action((terms: string[], _opts: unknown, cmd: Command) => list(ctx, terms, cmd)));

  const add_ = replies
    .command("add")
    .description("add a reply (asks for what the flags do not give)")
    .option("--id <id>", "unique short id (default: made from the title)")
    .option("--title <title>", "what staff see in the inline list")
    .option("--text <text>", 'the message ("-" reads it from stdin)')
    .option("--tags <tags>", "comma-separated search words");
  addParseMode(add_)
    .addHelpText(
      "after",
      '\nExamples:\n  $ clientes replies add\n  $ clientes replies add --title "Horário" --text "Das 9h às 18h." --tags expediente\n  $ clientes replies add --title "Termos" --text - < termos.txt\n',
    )
    .action(ctx.action((_opts: unknown, cmd: Command) => add(ctx, cmd)));

  const edit_ = replies
    .command("edit")
    .description("change a reply (asks, showing the current values, when no flag is given)")
    .argument("<id>", "the reply to change")
    .option("--id <id>", "new id (rename)")
    .option("--title <title>", "new title")
    .option("--text <text>", 'new text ("-" reads it from stdin)')
    .option("--tags <tags>", 'new comma-separated tags ("" removes them)');
  addParseMode(edit_)
    .addHelpText("after", '\nExamples:\n  $ clientes replies edit horario\n  $ clientes replies edit horario --text "Das 8h às 18h." --tags ""\n')
    .action(ctx.action((id: string, _opts: unknown, cmd: Command) => edit(ctx, id, cmd)));

  replies
    .command("remove")
    .alias("rm")
    .description("remove a reply (asks for confirmation)")
    .argument("<id>", "the reply to remove")
    .option("-y, --yes", "do not ask for confirmation")
    .addHelpText("after", "\nExamples:\n  $ clientes replies remove horario\n  $ clientes replies remove horario --yes\n")
    .action(ctx.action((id: string, _opts: unknown, cmd: Command) => remove(ctx, id, cmd)));

  replies
    .command("import")
    .description("add the replies of another file (every entry is checked first; nothing is written if one is bad)")
    .argument("<file>", "a .yaml, .yml or .json replies file")
    .option("--overwrite", "replace existing replies that have the same id")
    .option("--replace", "replace the whole list with the file's replies")
    .addHelpText("after", "\nExamples:\n  $ clientes replies import more.yaml\n  $ clientes replies import backup.json --replace\n")
    .action(ctx.action((file: string, _opts: unknown, cmd: Command) => importFile(ctx, file, cmd)));

  replies
    .command("export")
    .description("write the replies to a file (YAML or JSON by extension) or, without FILE, as JSON to stdout")
    .argument("[file]", "destination .yaml, .yml or .json")
    .option("--json", "print JSON on stdout (the default without FILE)")
    .option("-y, --yes", "overwrite FILE without asking")
    .addHelpText("after", "\nExamples:\n  $ clientes replies export > replies.json\n  $ clientes replies export backup.yaml\n")
    .action(ctx.action((file: string | undefined, _opts: unknown, cmd: Command) => exportFile(ctx, cmd.opts()["json"] ? undefined : file, cmd)));
}
