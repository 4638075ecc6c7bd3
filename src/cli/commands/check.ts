/**
 * `clientes check`: the setup checklist (token, inline mode, channel, group, the bot's
 * rights, the group's members, staff, store, replies) with the fix for each ✗.
 * Exit 1 when a check fails; warnings do not fail.
 */
import type { Writable } from "node:stream";
import type { Command } from "commander";
import type { Config } from "../../config/index.ts";
import { EXIT } from "../../runtime.ts";
import { hasFailures, runChecks, type Check } from "../../setup/checks.ts";
import { setupPort } from "../../setup/port.ts";
import { configOption, loadCliConfig } from "../config.ts";
import type { CliContext } from "../context.ts";
import { PLAIN, writeCheck, writeJson, type Style } from "../output.ts";

/** The checks for a loaded config. */
export function checkConfig(ctx: CliContext, config: Config): Promise<Check[]> {
  const port = setupPort({ token: config.bot.token, apiRoot: config.bot.apiRoot, signal: ctx.rt.shutdown });
  return runChecks(port, {
    channel: config.channel,
    group: config.group,
    staff: config.staff,
    guardGroup: config.guardGroup,
    store: config.store,
    replies: config.replies,
    updates: config.webhook ? { webhook: config.webhook.url } : {},
  });
}

/** ✓/✗ lines, each ✗ followed by its fix. */
export function writeChecklist(out: Writable, checks: readonly Check[], style: Style = PLAIN): void {
  for (const c of checks) {
    writeCheck(out, {
      state: c.state,
      label: c.label,
      ...(c.detail !== undefined ? { detail: c.detail } : {}),
      ...(c.fix !== undefined && (c.state === "fail" || c.state === "warn") ? { hint: c.fix } : {}),
    }, style);
  }
}

/** "9 passed, 1 failed, 1 warning". */
export function checkSummary(checks: readonly Check[]): string {
  const count = (state: Check["state"]) => checks.filter((c) => c.state === state).length;
  const parts = [`${count("ok")} passed`];
  if (count("fail") > 0) parts.push(`${count("fail")} failed`);
  if (count("warn") > 0) parts.push(`${count("warn")} ${count("warn") === 1 ? "warning" : "warnings"}`);
  if (count("skip") > 0) parts.push(`${count("skip")} skipped`);
  return parts.join(", ");
}

async function check(ctx: CliContext, cmd: Command): Promise<number> {
  const { rt } = ctx;
  const config = await loadCliConfig(rt, configOption(cmd.optsWithGlobals()));
  const quiet = cmd.opts()["quiet"] === true;
  const run = () => checkConfig(ctx, config);
  const checks = await (quiet ? run() : ctx.spin("asking Telegram about the bot, the channel and the group…", run));
  const failed = hasFailures(checks);
  if (cmd.opts()["json"]) {
    writeJson(rt.stdout, checks);
  } else if (quiet) {
    writeChecklist(rt.stdout, checks.filter((c) => c.state === "fail"), ctx.style.stdout);
  } else {
    writeChecklist(rt.stdout, checks, ctx.style.stdout);
    rt.stderr.write(
      failed
        ? `${checkSummary(checks)}: fix what is marked ✗, then run \`clientes check\` again\n`
        : `${checkSummary(checks)}: ready for \`clientes start\`\n`,
    );
  }
  return failed ? EXIT.FAILURE : EXIT.OK;
}

/** Registers `clientes check`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("check")
    .description("verify the setup (token, inline mode, channel, group, rights, members, staff, files), as a checklist")
    .option("--json", "print the checklist as JSON on stdout")
    .option("--quiet", "print only the checks that fail, and nothing when all pass (health checks, cron)")
    .addHelpText(
      "after",
      `
Each line is ✓ (ok), ✗ (fails: the line below says how to fix it), ⚠ (a warning: works,
but see the hint) or - (skipped because an earlier check failed). Nothing is changed, in
Telegram or on disk. Once the daemon has run with this store, a line says whether it saw
another program poll with the bot token (read from its health file: a probe from here
would be one itself).

Examples:
  $ clientes check
  $ clientes --config /etc/clientes/config.yaml check
  $ clientes check --json | jq '.[] | select(.state == "fail")'
  $ clientes check --quiet             silent unless a check fails (the container's HEALTHCHECK)

Exit codes: 0 every check passed (warnings allowed), 1 a check failed, 2 bad usage or bad config.`,
    )
    .action(ctx.action((_opts: unknown, cmd: Command) => check(ctx, cmd)));
}
