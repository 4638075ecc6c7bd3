/**
 * `clientes staff add|list|remove|sync`: the config's `staff:` list, edited in place
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
import { addStaffTo, describeMember, humanAdmins, parseStaffId, removeStaffFrom } from "../../setup/staff.ts";
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
      config.staff.map((m) => ({ id: m.id, name: m.name ?? null })),
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
    ],
    config.staff,
  );
  ctx.rt.stderr.write(`${config.staff.length} staff ${config.staff.length === 1 ? "member" : "members"} in ${config.path}\n`);
  return EXIT.OK;
}

async function add(ctx: CliContext, rawId: string, cmd: Command): Promise<number> {
  const id = idArgument(rawId);
  const rawName = cmd.opts()["name"];
  const name = typeof rawName === "string" ? rawName.trim() : undefined;
  if (name === "") throw new UsageError("--name: the name is empty", { hint: "leave --name out to add the id alone" });
  const config = await load(ctx, cmd);
  const existing = config.staff.find((m) => m.id === id);
  if (existing) {
    throw new CliError(`${describeMember(existing)} is already staff`, {
      hint: `nothing changed; to rename, remove and add again: clientes staff remove ${id} && clientes staff add ${id} --name NAME`,
    });
  }
  const member: StaffMember = name !== undefined ? { id, name } : { id };
  await save(ctx, config, (doc) => addStaffTo(doc, [member]));
  writeDone(ctx.rt.stderr, `added ${describeMember(member)} to the staff in ${config.path}`);
  return EXIT.OK;
}

async function remove(ctx: CliContext, rawId: string, cmd: Command): Promise<number> {
  const id = idArgument(rawId);
  const config = await load(ctx, cmd);
  const existing = config.staff.find((m) => m.id === id);
  if (!existing) {
    throw new CliError(`${id} is not on the staff list of ${config.path}`, { hint: "see who is with: clientes staff list" });
  }
  let removed = false;
  await save(ctx, config, (doc) => {
    removed = removeStaffFrom(doc, id);
  });
  if (!removed) throw new CliError(`could not find ${id} in the staff: list of ${config.path}`, { hint: "edit the file by hand" });
  writeDone(ctx.rt.stderr, `removed ${describeMember(existing)} from the staff in ${config.path}`);
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
  for (const m of fresh) writeDone(ctx.rt.stderr, `added ${describeMember(m)}`);
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

Examples:
  $ clientes staff list
  $ clientes staff add 111111111 --name "Ana"
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
    .description("add a person by Telegram user id")
    .argument("<id>", "the person's Telegram user id (a positive number)")
    .option("--name <name>", "a name to recognize them by (optional)")
    .addHelpText("after", '\nExamples:\n  $ clientes staff add 111111111 --name "Ana"\n  $ clientes staff add 222222222\n')
    .action(ctx.action((id: string, _opts: unknown, cmd: Command) => add(ctx, id, cmd)));

  staff
    .command("remove")
    .alias("rm")
    .description("remove a person from the staff")
    .argument("<id>", "their Telegram user id")
    .addHelpText("after", "\nExamples:\n  $ clientes staff remove 111111111\n")
    .action(ctx.action((id: string, _opts: unknown, cmd: Command) => remove(ctx, id, cmd)));

  staff
    .command("sync")
    .description("add the channel's administrators (people, not bots) who are not staff yet")
    .addHelpText("after", "\nNobody is removed: remove people with `clientes staff remove ID`.\n\nExamples:\n  $ clientes staff sync\n")
    .action(ctx.action((_opts: unknown, cmd: Command) => sync(ctx, cmd)));
}
