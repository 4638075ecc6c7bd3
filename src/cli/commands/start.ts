/**
 * `clientes start`: the polling daemon. Runs until SIGINT/SIGTERM (the runtime's shutdown
 * signal), then finishes or keeps the work in flight, saves the store and exits 0.
 */
import { Option, type Command } from "commander";
import { runDaemon } from "../../daemon/daemon.ts";
import { createLogger, isJournalStream, LOG_FORMATS, type LogFormat } from "../../log.ts";
import { EXIT } from "../../runtime.ts";
import { secretsOf } from "../../redact.ts";
import { configOption, loadCliConfig } from "../config.ts";
import type { CliContext } from "../context.ts";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("start")
    .description("run the relay daemon (long polling) until Ctrl+C or SIGTERM")
    .addOption(new Option("--log-level <level>", "debug | info | warn | error (default: the config's log_level)").choices(["debug", "info", "warn", "error"]))
    .addOption(new Option("--log-format <format>", "text (for people) | json (one object per line, for journald/Loki) (default: the config's log_format)").choices([...LOG_FORMATS]))
    .addOption(new Option("--no-pacing", "do not pace sends by Telegram's rate limits (only for a local test server)").hideHelp())
    .addHelpText(
      "after",
      `
Examples:
  $ clientes start
  $ clientes --config /etc/clientes/config.yaml start --log-level debug
  $ clientes start --log-format json | jq 'select(.level == "error")'

Logs go to stderr, one entry per relayed message and per failure: text lines with a
timestamp (none under systemd, whose journal stamps them), or with --log-format json one
JSON object per line with time, level, msg and the customer, conversation, method and
cause when known. Stop with Ctrl+C or SIGTERM: work in flight is finished or kept in the
store for the next start.

When Telegram cannot be reached (at start-up too), the daemon waits and retries with
backoff, and logs when it is reachable again. Another program polling with the same
token (409) is logged as an error and waited out; a token Telegram refuses stops it
with exit 2. \`clientes status\` shows whether it polls.

With guard_group on (the default), anyone who joins the discussion group and is not the
bot, its creator or staff is removed at once; without the bot's "Ban Users" right there
the daemon logs an error at start-up saying how to fix it.`,
    )
    .action(
      ctx.action(async (opts: { logLevel?: "debug" | "info" | "warn" | "error"; logFormat?: LogFormat; pacing: boolean }, cmd: Command) => {
        const { rt } = ctx;
        const configPath = configOption(cmd.optsWithGlobals());
        const config = await loadCliConfig(rt, configPath);
        const log = createLogger(rt.stderr, {
          level: opts.logLevel ?? config.logLevel,
          format: opts.logFormat ?? config.logFormat,
          journal: isJournalStream(rt.env, rt.stderrId),
          secrets: secretsOf(config.bot.token),
        });
        await runDaemon({
          config,
          log,
          signal: rt.shutdown,
          pid: rt.pid,
          isPidAlive: rt.isPidAlive,
          rateLimits: opts.pacing,
          reloadConfig: () => loadCliConfig(rt, configPath),
        });
        return EXIT.OK;
      }),
    );
}
