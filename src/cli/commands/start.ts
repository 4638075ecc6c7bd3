/**
 * `clientes start`: the daemon, polling or (with `--webhook`, or a `webhook:` key in the
 * config) receiving updates by webhook. Runs until SIGINT/SIGTERM (the runtime's shutdown
 * signal), then finishes or keeps the work in flight, saves the store and exits 0.
 */
import { Option, type Command } from "commander";
import { runDaemon } from "../../daemon/daemon.ts";
import { webhookSecret } from "../../daemon/webhook.ts";
import { createLogger, isJournalStream, LOG_FORMATS, type LogFormat } from "../../log.ts";
import { EXIT } from "../../runtime.ts";
import { secretsOf } from "../../redact.ts";
import { configOption, loadCliConfig } from "../config.ts";
import type { CliContext } from "../context.ts";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("start")
    .description("run the relay daemon (long polling, or by webhook) until Ctrl+C or SIGTERM")
    .option("--webhook", "receive updates by webhook (the config's webhook: url, listen, secret_token) instead of polling")
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
  $ clientes start --webhook           (needs webhook.url in the config)

Logs go to stderr, one entry per relayed message and per failure: text lines with a
timestamp (none under systemd, whose journal stamps them), or with --log-format json one
JSON object per line with time, level, msg and the customer, conversation, method and
cause when known. Stop with Ctrl+C or SIGTERM: work in flight is finished or kept in the
store for the next start.

When Telegram cannot be reached (at start-up too), the daemon waits and retries with
backoff, and logs when it is reachable again. Another program polling with the same
token (409) is logged as an error and waited out; a token Telegram refuses stops it
with exit 2. \`clientes status\` shows whether it polls.

Webhook mode (--webhook, or whenever the config has webhook.url): the daemon listens on
webhook.listen (default 127.0.0.1:8443) behind your TLS reverse proxy, which answers at
webhook.url (HTTPS, port 443, 80, 88 or 8443), and sets that webhook with Telegram at start.
Requests without the secret token (webhook.secret_token, env CLIENTES_WEBHOOK_SECRET; by
default one derived from the bot token) get 401. Each update is answered once it is stored,
so nothing is lost in a crash, and nothing is done twice. GET /healthz on the same address
gives the health JSON (200, or 503 when something is wrong). Stopping leaves the webhook
set: Telegram keeps the updates until the daemon is back. \`clientes start\` without a
webhook: key polls and removes the webhook itself; switching needs no other step.

With guard_group on (the default), anyone who joins the discussion group and is not the
bot, its creator or staff is removed at once; without the bot's "Ban Users" right there
the daemon logs an error at start-up saying how to fix it.`,
    )
    .action(
      ctx.action(async (opts: { logLevel?: "debug" | "info" | "warn" | "error"; logFormat?: LogFormat; pacing: boolean; webhook?: boolean }, cmd: Command) => {
        const { rt } = ctx;
        const configPath = configOption(cmd.optsWithGlobals());
        const config = await loadCliConfig(rt, configPath);
        const log = createLogger(rt.stderr, {
          level: opts.logLevel ?? config.logLevel,
          format: opts.logFormat ?? config.logFormat,
          journal: isJournalStream(rt.env, rt.stderrId),
          secrets: [...secretsOf(config.bot.token), ...(config.webhook ? [webhookSecret(config.webhook, config.bot.token)] : [])],
        });
        await runDaemon({
          config,
          log,
          signal: rt.shutdown,
          pid: rt.pid,
          isPidAlive: rt.isPidAlive,
          rateLimits: opts.pacing,
          reloadConfig: () => loadCliConfig(rt, configPath),
          ...(opts.webhook ? { mode: "webhook" as const } : {}),
        });
        return EXIT.OK;
      }),
    );
}
