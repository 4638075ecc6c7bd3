/**
 * `clientes start`: the polling daemon. Runs until SIGINT/SIGTERM (the runtime's shutdown
 * signal), then finishes or keeps the work in flight, saves the store and exits 0.
 */
import { Option, type Command } from "commander";
import { runDaemon } from "../../daemon/daemon.ts";
import { createLogger } from "../../log.ts";
import { EXIT } from "../../runtime.ts";
import { secretsOf } from "../../telegram/redact.ts";
import { configOption, loadCliConfig } from "../config.ts";
import type { CliContext } from "../context.ts";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("start")
    .description("run the relay daemon (long polling) until Ctrl+C or SIGTERM")
    .addOption(new Option("--log-level <level>", "debug | info | warn | error (default: the config's log_level)").choices(["debug", "info", "warn", "error"]))
    .addOption(new Option("--no-pacing", "do not pace sends by Telegram's rate limits (only for a local test server)").hideHelp())
    .addHelpText(
      "after",
      `
Examples:
  $ clientes start
  $ clientes --config /etc/clientes/config.yaml start --log-level debug

Logs go to stderr, one line per relayed message and per failure. Stop with Ctrl+C or
SIGTERM: work in flight is finished or kept in the store for the next start.`,
    )
    .action(
      ctx.action(async (opts: { logLevel?: "debug" | "info" | "warn" | "error"; pacing: boolean }, cmd: Command) => {
        const { rt } = ctx;
        const configPath = configOption(cmd.optsWithGlobals());
        const config = await loadCliConfig(rt, configPath);
        const log = createLogger(rt.stderr, { level: opts.logLevel ?? config.logLevel, secrets: secretsOf(config.bot.token) });
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
