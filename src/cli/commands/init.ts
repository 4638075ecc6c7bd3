/**
 * `clientes init`: from a bot token to a written config. Asks for the token (hidden) and
 * checks it, explains how to create the channel and its discussion group, finds the channel
 * itself when the bot is made its admin, reads the linked group, runs the checklist, offers
 * the channel's admins as staff, then writes config.yaml (mode 0600) and an empty replies file.
 * Nothing is written before the end, so Ctrl+C at any point leaves the disk as it was.
 * Every question has a flag, for scripts (stdin not a terminal).
 */
import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { TelegramUser } from "@gramio/types";
import { Option, type Command } from "commander";
import { DEFAULTS, givenConfigPath, loadConfig, parseConfig, resolveConfigPath, type StaffMember } from "../../config/index.ts";
import { saveReplies } from "../../replies/index.ts";
import { EXIT } from "../../runtime.ts";
import { writeFileAtomic } from "../../store/atomic-write.ts";
import { hasFailures, runChecks, type Check } from "../../setup/checks.ts";
import { renderConfig } from "../../setup/config-text.ts";
import { runningDaemonPid } from "../../setup/daemon-lock.ts";
import { inspectChannel, parseChatRef, peekChats, soleChannel, waitForChat, type ChannelPick, type FoundChat } from "../../setup/discover.ts";
import { checkWritable } from "../../setup/files.ts";
import { setupSteps } from "../../setup/instructions.ts";
import { setupPort } from "../../setup/port.ts";
import { describeMember, humanAdmins, parseStaffId } from "../../setup/staff.ts";
import { tokenShapeProblem } from "../../setup/token.ts";
import { NetworkError, TelegramApiError } from "../../telegram/errors.ts";
import type { TelegramPort } from "../../telegram/port.ts";
import { LOCALES, type Locale } from "../../texts.ts";
import { configOption } from "../config.ts";
import { CliError, UsageError, type CliContext } from "../context.ts";
import { writeDone, writeFailed } from "../output.ts";
import { NoTTYError, type Prompter } from "../prompts.ts";
import { checkSummary, writeChecklist } from "./check.ts";

/** How long "wait for the bot to be added" waits before asking again. */
export const WAIT_FOR_CHANNEL_MS = 3 * 60_000;

interface InitFlags {
  token?: string;
  channel?: string;
  group?: string;
  staff?: string;
  locale?: Locale;
  apiRoot?: string;
  yes?: boolean;
  force?: boolean;
}

/** The flags, checked before anything is asked or sent. */
interface Plan {
  token?: string;
  tokenFromEnv: boolean;
  apiRoot: string;
  /** Written to the file only when given with --api-root. */
  apiRootFlag?: string;
  channel?: number | string;
  group?: number | string;
  staff?: number[];
  locale?: Locale;
  yes: boolean;
  force: boolean;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

function checkApiRoot(value: string, flag: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new UsageError(`${flag}: expected an http(s) URL like https://api.telegram.org, got ${JSON.stringify(value)}`);
  }
  return value.replace(/\/+$/, "");
}

function planFrom(flags: InitFlags, env: Record<string, string | undefined>): Plan {
  const envToken = nonEmpty(env.CLIENTES_BOT_TOKEN);
  const token = nonEmpty(flags.token) ?? envToken;
  if (token !== undefined) {
    const why = tokenShapeProblem(token);
    if (why) throw new UsageError(`${flags.token !== undefined ? "--token" : "env CLIENTES_BOT_TOKEN"}: ${why}`);
  }
  const apiRootFlag = flags.apiRoot !== undefined ? checkApiRoot(flags.apiRoot, "--api-root") : undefined;
  const envRoot = nonEmpty(env.CLIENTES_API_ROOT);
  const apiRoot = apiRootFlag ?? (envRoot !== undefined ? checkApiRoot(envRoot, "env CLIENTES_API_ROOT") : DEFAULTS.api_root);
  const plan: Plan = { tokenFromEnv: flags.token === undefined && envToken !== undefined, apiRoot, yes: flags.yes === true, force: flags.force === true };
  if (token !== undefined) plan.token = token;
  if (apiRootFlag !== undefined) plan.apiRootFlag = apiRootFlag;
  if (flags.channel !== undefined) {
    const r = parseChatRef(flags.channel);
    if (!r.ok) throw new UsageError(`--channel: ${r.why}`);
    plan.channel = r.chat;
  }
  if (flags.group !== undefined) {
    const r = parseChatRef(flags.group);
    if (!r.ok) throw new UsageError(`--group: ${r.why}`);
    plan.group = r.chat;
  }
  if (flags.staff !== undefined) {
    plan.staff = [];
    for (const part of flags.staff.split(",").map((s) => s.trim()).filter((s) => s !== "")) {
      const r = parseStaffId(part);
      if (!r.ok) throw new UsageError(`--staff: ${r.why}`);
      if (!plan.staff.includes(r.id)) plan.staff.push(r.id);
    }
  }
  if (flags.locale !== undefined) plan.locale = flags.locale;
  return plan;
}

/** Without a terminal every answer must come from a flag: name all the missing ones at once. */
function requireFlags(plan: Plan): void {
  const missing: string[] = [];
  if (plan.token === undefined) missing.push("--token");
  if (plan.staff === undefined && !plan.yes) missing.push("--staff");
  if (missing.length === 0) return;
  const what: Record<string, string> = {
    "--token": "the bot token, or env CLIENTES_BOT_TOKEN",
    "--staff": "staff ids like 111,222, or --yes to take the channel's admins",
  };
  throw new NoTTYError(missing.join(", "), missing.map((f) => what[f]).join("; "));
}

// ---------------------------------------------------------------------------- steps

function botLabel(me: TelegramUser): string {
  return me.username ? `@${me.username}` : `the bot (${me.id})`;
}

/** getMe with the token; in a terminal, a refused token is asked again. */
async function acceptToken(ctx: CliContext, plan: Plan): Promise<{ token: string; port: TelegramPort; me: TelegramUser }> {
  const { rt } = ctx;
  let token = plan.token;
  const ask = async (): Promise<string> => {
    const p = ctx.prompter;
    return (
      await p.password({
        message: "Bot token (from @BotFather)",
        validate: (v) => tokenShapeProblem(v) ?? true,
      })
    ).trim();
  };
  if (token === undefined) {
    rt.stderr.write("Create a bot with @BotFather in Telegram (/newbot) and paste the token it gives you.\n");
    token = await ask();
  }
  for (;;) {
    const port = setupPort({ token, apiRoot: plan.apiRoot, signal: rt.shutdown });
    try {
      const me = await ctx.spin("checking the token with Telegram…", () => port.call("getMe", undefined as never));
      writeDone(rt.stderr, `token accepted: ${botLabel(me)} (${me.first_name})`, ctx.style.stderr);
      return { token, port, me };
    } catch (err) {
      if (err instanceof TelegramApiError && (err.code === 401 || err.code === 404)) {
        const message = `Telegram does not accept this token (${err.code} ${err.description})`;
        const hint = "copy it again from @BotFather: /mybots → your bot → API Token";
        if (plan.token !== undefined || !ctx.interactive) throw new CliError(message, { hint });
        writeFailed(rt.stderr, message, hint, ctx.style.stderr);
        token = await ask();
        continue;
      }
      if (err instanceof NetworkError) {
        throw new CliError(err.message, {
          hint:
            err.problem === "unreachable"
              ? `check this machine's network (DNS, proxy, firewall)${plan.apiRoot !== DEFAULTS.api_root ? ` and the API root ${plan.apiRoot} (--api-root or env CLIENTES_API_ROOT)` : ""}`
              : `${plan.apiRoot} does not answer like a Bot API server: check --api-root (or env CLIENTES_API_ROOT); Telegram's own is ${DEFAULTS.api_root}`,
          cause: err,
        });
      }
      throw err;
    }
  }
}

/** A found channel's id, or what to do instead (plain values, so answers can be scripted). */
type ChannelChoice = number | "wait" | "type";

/**
 * The chats the bot was added to, read without taking any update from the daemon (see
 * discover.ts), or Telegram's reason when they cannot be read.
 */
async function lookForChats(ctx: CliContext, port: TelegramPort): Promise<FoundChat[] | { refused: string }> {
  try {
    return await ctx.spin("looking for the channel in the bot's updates…", () => peekChats(port, 0));
  } catch (err) {
    if (!(err instanceof TelegramApiError)) throw err;
    return { refused: err.description };
  }
}

/** {@link lookForChats} for the questions: a refusal is said, and typing offered instead. */
async function lookForChatsToAsk(ctx: CliContext, port: TelegramPort): Promise<FoundChat[] | undefined> {
  const found = await lookForChats(ctx, port);
  if (Array.isArray(found)) return found;
  ctx.rt.stderr.write(`(cannot read the bot's updates to find the channel: ${found.refused}; type it instead)\n`);
  return undefined;
}

/** Lets the operator pick the channel: found from my_chat_member updates, waited for, or typed. */
async function chooseChannel(ctx: CliContext, p: Prompter, port: TelegramPort, me: TelegramUser, canLook: boolean, found: FoundChat[]): Promise<number | string> {
  const { rt } = ctx;
  let chats = found;
  let looking = canLook;
  for (;;) {
    const channels = chats.filter((c) => c.type === "channel");
    const choices: { name: string; value: ChannelChoice; description?: string }[] = channels.map((c) => ({
      name: `${JSON.stringify(c.title)}${c.username ? ` @${c.username}` : ""} (${c.id})${c.status === "administrator" ? "" : " (the bot is not an admin yet)"}`,
      value: c.id,
    }));
    if (looking) {
      choices.push({ name: "Wait: I am making the bot an admin of the channel now", value: "wait" });
    }
    choices.push({ name: "Type the channel's @name, id or the link of one of its posts", value: "type" });
    const choice = await p.select<ChannelChoice>({
      message: channels.length > 0 ? "Which channel is the support channel?" : `${botLabel(me)} is not in any channel yet. What now?`,
      choices,
      default: choices[0]!.value,
    });
    if (typeof choice === "number") return choice;
    if (choice === "type") {
      const typed = await p.input({
        message: "The channel (@name, id like -1001234567890, or a post link t.me/c/…)",
        validate: (v) => {
          const r = parseChatRef(v);
          return r.ok ? true : r.why;
        },
      });
      const r = parseChatRef(typed);
      if (r.ok) return r.chat;
      continue;
    }
    rt.stderr.write(`Waiting for ${botLabel(me)} to become an admin of a channel (up to ${WAIT_FOR_CHANNEL_MS / 60_000} minutes; Ctrl+C stops)…\n`);
    try {
      const fresh = await ctx.spin(`waiting for ${botLabel(me)} to become a channel admin…`, () =>
        waitForChat(port, {
          knownUpdateIds: new Set(chats.map((c) => c.updateId)),
          accept: (c) => c.type === "channel",
          timeoutMs: WAIT_FOR_CHANNEL_MS,
        }),
      );
      if (fresh) {
        writeDone(rt.stderr, `found the channel ${JSON.stringify(fresh.title)} (${fresh.id}), where ${fresh.by.first_name} made ${botLabel(me)} ${fresh.status === "administrator" ? "an admin" : "a member"}`, ctx.style.stderr);
        return fresh.id;
      }
      rt.stderr.write("No channel showed up. Check that you added the bot as an administrator (step 3), or type the channel.\n");
      chats = (await lookForChatsToAsk(ctx, port)) ?? chats;
    } catch (err) {
      if (!(err instanceof TelegramApiError)) throw err;
      rt.stderr.write(`(cannot read the bot's updates: ${err.description}; type the channel instead)\n`);
      looking = false;
    }
  }
}

/** {@link inspectChannel} with a spinner. */
function inspect(ctx: CliContext, port: TelegramPort, ref: number | string, me: TelegramUser, group: number | string | undefined) {
  return ctx.spin("reading the channel and its discussion group…", () => inspectChannel(port, ref, botLabel(me), group));
}

/** The channel (numeric id) and its linked group: from the flags, or found with the operator. */
async function findChannel(
  ctx: CliContext,
  plan: Plan,
  port: TelegramPort,
  me: TelegramUser,
  daemonPid: number | undefined,
): Promise<{ channelId: number; channelTitle?: string; groupId: number }> {
  const { rt } = ctx;
  if (plan.channel !== undefined) {
    const r = await inspect(ctx, port, plan.channel, me, plan.group);
    if (!r.ok) throw new CliError(r.problem, { hint: r.fix });
    writeDone(rt.stderr, `channel ${JSON.stringify(r.channel.title)} (${r.channel.id}), discussion group ${r.groupId}`, ctx.style.stderr);
    return { channelId: r.channel.id, ...(r.channel.title !== undefined ? { channelTitle: r.channel.title } : {}), groupId: r.groupId };
  }
  // A getUpdates call would end a running daemon's long poll with 409: then only typing is offered.
  let found: FoundChat[] | { refused: string } | undefined = daemonPid === undefined ? await lookForChats(ctx, port) : undefined;
  if (plan.yes || !ctx.interactive) {
    // "Accept the defaults": the channel is the one the bot was made admin of, if there is one.
    const pick: ChannelPick =
      daemonPid !== undefined
        ? {
            ok: false,
            ambiguous: true,
            problem: `a clientes daemon is running on this store (pid ${daemonPid}), so init does not read the bot's updates to find the channel`,
            fix: "pass --channel @name (or its id like -1001234567890)",
          }
        : !Array.isArray(found)
          ? { ok: false, ambiguous: true, problem: `cannot read the bot's updates to find the channel: ${found?.refused}`, fix: "pass --channel @name (or its id like -1001234567890)" }
          : soleChannel(found, botLabel(me));
    if (pick.ok) {
      const r = await inspect(ctx, port, pick.chat.id, me, plan.group);
      if (!r.ok) throw new CliError(r.problem, { hint: r.fix });
      writeDone(rt.stderr, `channel ${JSON.stringify(r.channel.title)} (${r.channel.id}), the only one ${botLabel(me)} is in; discussion group ${r.groupId}`, ctx.style.stderr);
      return { channelId: r.channel.id, ...(r.channel.title !== undefined ? { channelTitle: r.channel.title } : {}), groupId: r.groupId };
    }
    if (!ctx.interactive) throw pick.ambiguous ? new UsageError(pick.problem, { hint: pick.fix }) : new CliError(pick.problem, { hint: pick.fix });
    rt.stderr.write(`(${pick.problem}: choose it below)\n`);
  }
  const p = ctx.prompter;
  rt.stderr.write("\n" + setupSteps(botLabel(me), ctx.style.stderr) + "\n");
  if (daemonPid !== undefined) {
    rt.stderr.write(`(a clientes daemon is running, pid ${daemonPid}: init will not read the bot's updates, so type the channel)\n`);
  } else if (found !== undefined && !Array.isArray(found)) {
    rt.stderr.write(`(cannot read the bot's updates to find the channel: ${found.refused}; type it instead)\n`);
    found = undefined;
  }
  for (;;) {
    const chats = Array.isArray(found) ? found : undefined;
    const ref = await chooseChannel(ctx, p, port, me, chats !== undefined, chats ?? []);
    const r = await inspect(ctx, port, ref, me, plan.group);
    if (r.ok) {
      writeDone(rt.stderr, `channel ${JSON.stringify(r.channel.title)} (${r.channel.id}), discussion group ${r.groupId}`, ctx.style.stderr);
      return { channelId: r.channel.id, ...(r.channel.title !== undefined ? { channelTitle: r.channel.title } : {}), groupId: r.groupId };
    }
    writeFailed(rt.stderr, r.problem, r.fix, ctx.style.stderr);
    if (chats !== undefined) found = (await lookForChatsToAsk(ctx, port)) ?? chats;
  }
}

/** The staff: --staff, or the channel's admins (asked in a terminal unless --yes). */
async function chooseStaff(ctx: CliContext, plan: Plan, port: TelegramPort, channelId: number): Promise<StaffMember[]> {
  const { rt } = ctx;
  let admins: StaffMember[] = [];
  try {
    admins = humanAdmins(await ctx.spin("reading the channel's admins…", () => port.call("getChatAdministrators", { chat_id: channelId })));
  } catch (err) {
    if (!(err instanceof TelegramApiError)) throw err;
    rt.stderr.write(`(cannot list the channel's admins: ${err.description}; add staff later with \`clientes staff sync\`)\n`);
  }
  if (plan.staff !== undefined) {
    return plan.staff.map((id) => admins.find((a) => a.id === id) ?? { id });
  }
  if (plan.yes || admins.length === 0) {
    if (admins.length === 0) rt.stderr.write("No staff for now: add people later with `clientes staff add ID --name NAME`.\n");
    return admins;
  }
  const picked = await ctx.prompter.checkbox<number>({
    message: "Who answers customers? (the channel's admins; space toggles, enter confirms)",
    choices: admins.map((a) => ({ name: describeMember(a), value: a.id, checked: true })),
  });
  rt.stderr.write("More people can be added later with `clientes staff add ID --name NAME`.\n");
  return admins.filter((a) => picked.includes(a.id));
}

async function chooseLocale(ctx: CliContext, plan: Plan): Promise<Locale> {
  if (plan.locale !== undefined) return plan.locale;
  if (!ctx.interactive || plan.yes) return DEFAULTS.locale;
  return ctx.prompter.select<Locale>({
    message: "Language of the bot's messages to customers",
    choices: [
      { name: "Português (Brasil)", value: "pt-BR" },
      { name: "English", value: "en" },
    ],
    default: DEFAULTS.locale,
  });
}

type AfterChecks = "recheck" | "write" | "quit";

/** Runs the checklist until it passes, or the operator decides. Returns whether to write. */
async function checkUntilGood(ctx: CliContext, plan: Plan, run: () => Promise<Check[]>): Promise<boolean> {
  const { rt } = ctx;
  for (;;) {
    rt.stderr.write(`\n${ctx.style.stderr.heading("Checking the setup:")}\n`);
    const checks = await ctx.spin("asking Telegram…", run);
    writeChecklist(rt.stderr, checks, ctx.style.stderr);
    if (!hasFailures(checks)) return true;
    const summary = checkSummary(checks);
    if (!ctx.interactive || plan.yes) {
      throw new CliError(`the setup is not ready (${summary}); nothing was written`, {
        hint: "fix what is marked ✗ (each hint says how), then run clientes init again",
      });
    }
    const next = await ctx.prompter.select<AfterChecks>({
      message: `${summary}. What now?`,
      choices: [
        { name: "Check again (after fixing it in Telegram)", value: "recheck" },
        { name: "Write the config anyway (`clientes check` shows what is left)", value: "write" },
        { name: "Quit without writing anything", value: "quit" },
      ],
      default: "recheck",
    });
    if (next === "write") return true;
    if (next === "quit") return false;
  }
}

/** Writes the config (and an empty replies file if there is none), nothing before it is valid. */
async function writeFiles(ctx: CliContext, path: string, label: string, text: string): Promise<void> {
  const { rt } = ctx;
  // What the daemon will load: refuse to write anything it would not accept.
  const config = parseConfig(text, path, rt.env, rt.cwd);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, text, { mode: 0o600 });
  } catch (err) {
    throw new CliError(`cannot write the config ${label}: ${(err as Error).message}`, {
      hint: "pass --config with a path in a folder you can write",
      cause: err,
    });
  }
  writeDone(rt.stderr, `wrote ${label} (mode 600: it holds the bot token)`, ctx.style.stderr);
  // An existing replies file is kept as it is (the checklist said whether it is valid).
  const replies = await checkWritable(config.replies);
  if (replies.ok && !replies.exists) {
    await saveReplies(config.replies, []);
    writeDone(rt.stderr, `created ${config.replies} (no canned replies yet: \`clientes replies add\`)`, ctx.style.stderr);
  }
}

async function init(ctx: CliContext, cmd: Command): Promise<number> {
  const { rt } = ctx;
  const flags = cmd.opts<InitFlags>();
  const plan = planFrom(flags, rt.env);
  const configPath = configOption(cmd.optsWithGlobals());
  const where = { ...(configPath !== undefined ? { configPath } : {}), env: rt.env, cwd: rt.cwd };
  const path = resolveConfigPath(where);
  const label = givenConfigPath(where);

  // Where it goes, first: no question is worth answering for a file that cannot be written.
  const target = await checkWritable(path);
  if (!target.ok) {
    throw new CliError(`cannot write the config ${label}: ${target.reason}`, { hint: "pass --config with a path in a folder you can write" });
  }
  if (target.exists && !plan.force) {
    if (!ctx.interactive) throw new NoTTYError("--force", `permission to replace the existing ${label}`);
    const replace = await ctx.prompter.confirm({ message: `${label} exists. Replace it with a new config?`, default: false });
    if (!replace) {
      rt.stderr.write(`kept ${label}; nothing was written (\`clientes check\` verifies it)\n`);
      return EXIT.OK;
    }
  }
  if (!ctx.interactive) requireFlags(plan);

  // A daemon already running on this store must keep its update stream: see discover.ts.
  const storePath = target.exists
    ? await loadConfig(where).then(
        (c) => c.store,
        () => resolve(dirname(path), DEFAULTS.store),
      )
    : resolve(dirname(path), DEFAULTS.store);
  const daemonPid = await runningDaemonPid(storePath, rt.isPidAlive, rt.pid);

  const { token, port, me } = await acceptToken(ctx, plan);
  const { channelId, channelTitle, groupId } = await findChannel(ctx, plan, port, me, daemonPid);
  const staff = await chooseStaff(ctx, plan, port, channelId);
  const locale = await chooseLocale(ctx, plan);

  const dir = dirname(path);
  const write = await checkUntilGood(ctx, plan, () =>
    runChecks(port, {
      channel: channelId,
      group: groupId,
      staff,
      store: resolve(dir, DEFAULTS.store),
      replies: resolve(dir, DEFAULTS.replies),
    }),
  );
  if (!write) {
    rt.stderr.write("nothing was written\n");
    return EXIT.FAILURE;
  }
  const text = renderConfig({
    token: plan.tokenFromEnv ? "" : token,
    ...(plan.apiRootFlag !== undefined ? { apiRoot: plan.apiRootFlag } : {}),
    channel: channelId,
    group: groupId,
    staff,
    locale,
    ...(channelTitle !== undefined ? { channelTitle } : {}),
  });
  await writeFiles(ctx, path, label, text);
  if (plan.tokenFromEnv) rt.stderr.write("(the token is not in the file: it comes from env CLIENTES_BOT_TOKEN, which must be set for clientes start)\n");
  rt.stderr.write(`\nNext: \`clientes start\` runs the relay${label === "config.yaml" ? "" : ` (with --config ${label})`}; \`clientes check\` verifies the setup again.\n`);
  return EXIT.OK;
}

/** Registers `clientes init`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("init")
    .description("set up the bot, the support channel and its group, and write the config (asks questions)")
    .option("--token <token>", "the bot token from @BotFather (default: asked, or env CLIENTES_BOT_TOKEN)")
    .option("--channel <chat>", "the support channel: @name, id like -1001234567890, or a post link (default: the one channel the bot is in, found from its updates; asked in a terminal)")
    .option("--group <chat>", "its discussion group (default: the one linked to the channel)")
    .option("--staff <ids>", 'staff Telegram user ids, comma-separated ("" for none; default: the channel\'s admins)')
    .addOption(new Option("--locale <locale>", "language of the bot's texts").choices([...LOCALES]))
    .option("--api-root <url>", "Bot API server (a local Bot API server or the sandbox); default https://api.telegram.org")
    .option("-y, --yes", "accept the defaults without asking (staff: the channel's admins)")
    .option("--force", "replace an existing config without asking")
    .addHelpText(
      "after",
      `
In a terminal, init asks for what the flags do not give and explains each step in
Telegram. Without a terminal (scripts), pass --token (or env CLIENTES_BOT_TOKEN) and
--staff (or --yes); --channel too, unless the bot is admin of exactly one channel (init
finds it and says which; with several it names them). --yes in a terminal does the same.
Nothing is written until every answer is in and no check fails (warnings, marked ⚠,
never stop it; in a terminal you may also write anyway). Ctrl+C leaves everything as it was.

While looking for the channel, init reads the bot's pending updates without confirming or
filtering any, so the daemon later receives every customer message; it does not look
while a clientes daemon is running on the same store.

Examples:
  $ clientes init
  $ clientes --config /etc/clientes/config.yaml init
  $ clientes init --token 123456:ABC… --channel @mysupport --yes
  $ clientes init --token 123456:ABC… --yes      (the channel the bot was made admin of)
  $ CLIENTES_BOT_TOKEN=123456:ABC… clientes init --channel -1001234567890 --staff 111111111,222222222

Exit codes: 0 written (or kept at your request), 1 a check failed or Telegram refused,
2 bad usage (a missing or invalid flag), 130 interrupted (nothing written).`,
    )
    .action(ctx.action((_opts: unknown, cmd: Command) => init(ctx, cmd)));
}
