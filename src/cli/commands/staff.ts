/**
 * `clientes staff add|list|rename|remove|sync`: the config's `staff:` list, edited in place
 * (comments and layout kept, mode 0600). The running daemon re-reads the config when it
 * changes, so staff changes apply without a restart.
 */
import type { Command } from "commander";
import type { Document } from "yaml";
import { parseConfig, updateConfigFile, type Config, type StaffMember } from "../../config/index.ts";
import { hintOf } from "../../errors.ts";
import { EXIT } from "../../runtime.ts";
import { errorText } from "../../setup/checks.ts";
import { setupPort } from "../../setup/port.ts";
import { addStaffTo, describeMember, findStaff, humanAdmins, parseStaffId, removeStaffFrom, renameStaffIn } from "../../setup/staff.ts";
import { configOption, loadCliConfig } from "../config.ts";
import { CliError, UsageError, type CliContext } from "../context.ts";
import { writeDone, writeJson, writeTable } from "../output.ts";

function load(ctx: CliContext, cmd: Command): Promise<Config> {
  return loadCliConfig(ctx.rt, configOption(cmd.optsWithGlobals()));
}

function idArgument(raw: string): number {
  const parsed = parseStaffId(raw);
  if (!parsed.ok) throw new UsageError(`ID: ${parsed.why}`);
  return parsed.id;
}

/**
 * Edits the config file; the edited text must pass the config loader (what the daemon will
 * read) before it replaces the file, else a ConfigError says why and nothing is written.
 */
async function save(ctx: CliContext, config: Config, edit: (doc: Document) => void): Promise<void> {
  await updateConfigFile(config.path, (doc) => {
    edit(doc);
    parseConfig(doc.toString({ lineWidth: 0 }), config.path, ctx.rt.env, ctx.rt.cwd);
  });
}

async function list(ctx: CliContext, cmd: Command): Promise<number> {
  const config = await load(ctx, cmd);
  if (cmd.opts()["json"]) {
    writeJson(
      ctx.rt.stdout,
      config.staff.map((m) => ({ id: m.id, name: m.name ?? null, notify: m.notify ?? false })),
    );
    return EXIT.OK;
  }
  if (config.staff.length === 0) {
    ctx.rt.stderr.write("no staff yet: add the channel's admins with `clientes staff sync`, or one person with `clientes staff add ID --name NAME`\n");
    return EXIT.OK;
  }
  writeTable(
    ctx.rt.stdout,
    [
      { header: "id", get: (m: StaffMember) => String(m.id) },
      { header: "name", get: (m: StaffMember) => m.name ?? "" },
      // Only when someone has it on: most desks never use it.
      ...(config.staff.some((m) => m.notify) ? [{ header: "notify", get: (m: StaffMember) => (m.notify ? "on" : "") }] : []),
    ],
    config.staff,
  );
  ctx.rt.stderr.write(`${config.staff.length} staff ${config.staff.length === 1 ? "member" : "members"} in ${config.path}\n`);
  return EXIT.OK;
}

/** The member an ID-or-name argument names, or the error with the likely ones. */
function memberArgument(config: Config, raw: string): StaffMember {
  const found = findStaff(config.staff, raw, config.path);
  if (found.ok) return found.member;
  if (found.badUsage) throw new UsageError(found.problem, { hint: found.hint });
  throw new CliError(found.problem, { hint: found.hint });
}

function nameOption(raw: unknown, flag: string): string | undefined {
  const name = typeof raw === "string" ? raw.trim() : undefined;
  if (name === "") throw new UsageError(`${flag}: the name is empty`, { hint: flag === "--name" ? "leave --name out to add the id alone" : "give the name to show, e.g. \"Ana Lima\"" });
  return name;
}

/** Sets an existing member's name; says what changed. */
async function setName(ctx: CliContext, config: Config, member: StaffMember, name: string, done = `renamed ${member.id}`): Promise<number> {
  if (member.name === name) {
    ctx.rt.stderr.write(`${describeMember(member)} is already staff with that name; nothing changed\n`);
    return EXIT.OK;
  }
  let renamed = false;
  await save(ctx, config, (doc) => {
    renamed = renameStaffIn(doc, member.id, name);
  });
  if (!renamed) throw new CliError(`could not find ${member.id} in the staff: list of ${config.path}`, { hint: "edit the file by hand" });
  const was = member.name !== undefined ? `from ${JSON.stringify(member.name)} ` : "";
  writeDone(ctx.rt.stderr, `${done} ${was}to ${JSON.stringify(name)} in ${config.path}`, ctx.style.stderr);
  return EXIT.OK;
}

async function add(ctx: CliContext, rawId: string, cmd: Command): Promise<number> {
  const id = idArgument(rawId);
  const name = nameOption(cmd.opts()["name"], "--name");
  const config = await load(ctx, cmd);
  const existing = config.staff.find((m) => m.id === id);
  if (existing) {
    if (name !== undefined && name !== existing.name) return setName(ctx, config, existing, name, `${id} was already staff: renamed`);
    ctx.rt.stderr.write(`${describeMember(existing)} is already staff; nothing changed (to rename: clientes staff rename ${id} NAME)\n`);
    return EXIT.OK;
  }
  const member: StaffMember = name !== undefined ? { id, name } : { id };
  await save(ctx, config, (doc) => addStaffTo(doc, [member]));
  writeDone(ctx.rt.stderr, `added ${describeMember(member)} to the staff in ${config.path}`, ctx.style.stderr);
  return EXIT.OK;
}

async function rename(ctx: CliContext, who: string, rawName: string, cmd: Command): Promise<number> {
  const name = nameOption(rawName, "NAME");
  const config = await load(ctx, cmd);
  return setName(ctx, config, memberArgument(config, who), name!);
}

async function remove(ctx: CliContext, who: string, cmd: Command): Promise<number> {
  const config = await load(ctx, cmd);
  const existing = memberArgument(config, who);
  let removed = false;
  await save(ctx, config, (doc) => {
    removed = removeStaffFrom(doc, existing.id);
  });
  if (!removed) throw new CliError(`could not find ${existing.id} in the staff: list of ${config.path}`, { hint: "edit the file by hand" });
  writeDone(ctx.rt.stderr, `removed ${describeMember(existing)} from the staff in ${config.path}`, ctx.style.stderr);
  return EXIT.OK;
}

async function sync(ctx: CliContext, cmd: Command): Promise<number> {
  const config = await load(ctx, cmd);
  const port = setupPort({ token: config.bot.token, apiRoot: config.bot.apiRoot, signal: ctx.rt.shutdown });
  let admins;
  try {
    admins = humanAdmins(await port.call("getChatAdministrators", { chat_id: config.channel }));
  } catch (err) {
    const hint = hintOf(err);
    throw new CliError(`cannot read the channel's administrators: ${errorText(err)}`, {
      hint: hint && !/retrying/.test(hint) ? hint : "run `clientes check`: it says what is wrong with the token, the channel or the bot's rights",
      cause: err,
    });
  }
  const listed = new Set(config.staff.map((m) => m.id));
  const fresh = admins.filter((m) => !listed.has(m.id));
  if (fresh.length === 0) {
    ctx.rt.stderr.write(`nothing to add: the channel's ${admins.length} human ${admins.length === 1 ? "admin is" : "admins are"} already staff\n`);
    return EXIT.OK;
  }
  await save(ctx, config, (doc) => addStaffTo(doc, fresh));
  for (const m of fresh) writeDone(ctx.rt.stderr, `added ${describeMember(m)}`, ctx.style.stderr);
  ctx.rt.stderr.write(`${fresh.length} added to the staff in ${config.path}; ${config.staff.length + fresh.length} in all\n`);
  return EXIT.OK;
}

/** Registers `clientes staff` and its subcommands. */
export function register(program: Command, ctx: CliContext): void {
  const staff = program
    .command("staff")
    .description("manage who may answer customers (Telegram user ids in the config's staff list)")
    .addHelpText(
      "after",
      `
Staff are Telegram user ids. A staff member's comment under a card in the channel goes
to the customer; anyone else's stays in the thread. Comments posted as the channel itself
also count as staff. The config's comments are kept, and a running \`clientes start\`
picks the change up by itself.

Find someone's id: \`clientes staff sync\` adds the channel's admins; or have them send
a message to @userinfobot.

Private notifications (new and reopened conversations, their customers waiting, missed
targets): \`notify: true\` on their entry in the config, or they send /notify on to the
bot in private (which wins). \`staff list\` shows a NOTIFY column when anyone has it.

Examples:
  $ clientes staff list
  $ clientes staff add 111111111 --name "Ana"
  $ clientes staff rename 111111111 "Ana Lima"
  $ clientes staff remove 111111111
  $ clientes staff sync`,
    );

  staff
    .command("list")
    .description("show the staff")
    .option("--json", "print JSON on stdout")
    .addHelpText("after", "\nExamples:\n  $ clientes staff list\n  $ clientes staff list --json\n")
    .action(ctx.action((_opts: unknown, cmd: Command) => list(ctx, cmd)));

  staff
    .command("add")
    .description("add a person by Telegram user id (an id already listed gets the new --name)")
    .argument("<id>", "the person's Telegram user id (a positive number)")
    .option("--name <name>", "a name to recognize them by (optional)")
    .addHelpText("after", '\nExamples:\n  $ clientes staff add 111111111 --name "Ana"\n  $ clientes staff add 222222222\n')
    .action(ctx.action((id: string, _opts: unknown, cmd: Command) => add(ctx, id, cmd)));

  staff
    .command("rename")
    .description("change the name a staff member is listed with")
    .argument("<member>", "their Telegram user id, or their current name")
    .argument("<name>", "the new name")
    .addHelpText("after", '\nExamples:\n  $ clientes staff rename 111111111 "Ana Lima"\n  $ clientes staff rename Ana "Ana Lima"\n')
    .action(ctx.action((who: string, name: string, _opts: unknown, cmd: Command) => rename(ctx, who, name, cmd)));

  staff
    .command("remove")
    .alias("rm")
    .description("remove a person from the staff")
    .argument("<member>", "their Telegram user id, or their name")
    .addHelpText("after", "\nExamples:\n  $ clientes staff remove 111111111\n  $ clientes staff remove Ana\n")
    .action(ctx.action((who: string, _opts: unknown, cmd: Command) => remove(ctx, who, cmd)));

  staff
    .command("sync")
    .description("add the channel's administrators (people, not bots) who are not staff yet")
    .addHelpText("after", "\nNobody is removed: remove people with `clientes staff remove ID`.\n\nExamples:\n  $ clientes staff sync\n")
    .action(ctx.action((_opts: unknown, cmd: Command) => sync(ctx, cmd)));
}
