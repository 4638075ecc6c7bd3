/**
 * `clientes status`: whether the daemon polls (its lock and health file) and its backlog,
 * then open, closed and waiting conversations from its store, read without the daemon's
 * lock, so it works while the daemon runs.
 */
import { access } from "node:fs/promises";
import type { Command } from "commander";
import { openStateStore } from "../../daemon/daemon.ts";
import { EXIT } from "../../runtime.ts";
import { readHealth } from "../../daemon/health.ts";
import { runningDaemonPid } from "../../setup/daemon-lock.ts";
import { backlogOf, daemonJson, daemonLines, daemonStatus, humanDuration, statusJson, summarize, type WaitingCustomer } from "../../setup/status.ts";
import { configOption, loadCliConfig } from "../config.ts";
import type { CliContext } from "../context.ts";
import { writeJson, writeTable } from "../output.ts";
import { emptyState } from "../../core/state.ts";

async function status(ctx: CliContext, cmd: Command): Promise<number> {
  const { rt } = ctx;
  const config = await loadCliConfig(rt, configOption(cmd.optsWithGlobals()));
  const exists = await access(config.store).then(
    () => true,
    () => false,
  );
  // Read-only: no lock, never written (a StoreError for a corrupt file says how to recover).
  const state = exists ? (await openStateStore(config.store)).data : emptyState();
  const summary = summarize(state, Date.now());
  const [pid, health] = await Promise.all([runningDaemonPid(config.store, rt.isPidAlive, rt.pid), readHealth(config.store)]);
  const daemon = daemonStatus(health, pid, backlogOf(state), Date.now());

  if (cmd.opts()["json"]) {
    writeJson(rt.stdout, { daemon: daemonJson(daemon), ...statusJson(summary) });
    return EXIT.OK;
  }
  rt.stdout.write(daemonLines(daemon).join("\n") + "\n");
  if (summary.total === 0) {
    rt.stdout.write("no conversations yet\n");
    if (!exists) rt.stderr.write(`(no store at ${config.store} yet: \`clientes start\` creates it)\n`);
    return EXIT.OK;
  }
  const out = rt.stdout;
  out.write(`conversations: ${summary.open} open, ${summary.closed} closed\n`);
  out.write(`waiting for an answer: ${summary.waiting}\n`);
  out.write(
    `median first response: ${
      summary.medianFirstResponseMs === null
        ? "none yet (no conversation answered)"
        : `${humanDuration(summary.medianFirstResponseMs)} (over ${summary.responded} ${summary.responded === 1 ? "conversation" : "conversations"})`
    }\n`,
  );
  if (summary.waitingCustomers.length > 0) {
    out.write("\n");
    writeTable(
      out,
      [
        { header: "customer", get: (w: WaitingCustomer) => w.name, max: 32 },
        { header: "username", get: (w: WaitingCustomer) => (w.username ? `@${w.username}` : "") },
        { header: "id", get: (w: WaitingCustomer) => String(w.id) },
        { header: "priority", get: (w: WaitingCustomer) => String(w.priority) },
        { header: "waiting", get: (w: WaitingCustomer) => humanDuration(w.waitMs) },
      ],
      summary.waitingCustomers,
    );
  }
  return EXIT.OK;
}

/** Registers `clientes status`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("status")
    .description("whether the daemon polls, its backlog and last error; open, closed and waiting conversations, wait times, median first response")
    .option("--json", "print JSON on stdout")
    .addHelpText(
      "after",
      `
Reads the daemon's store and health file without changing them, so it
works while \`clientes start\` runs. The first line says whether the daemon runs and
polls Telegram, when getUpdates last worked and how many deliveries are queued; then any
outage, another program polling with the bot token, and the last warning or error the
daemon logged. --json gives the same under "daemon" (running, pid, polling, last_poll_at,
backlog, last_error, ...) for a monitor.
"Waiting" means an open conversation whose customer has not been answered yet; the
first-response time runs from the customer's first message to the team's first answer.

Examples:
  $ clientes status
  $ clientes status --json | jq '.waiting_customers[] | .name'
  $ clientes status --json | jq -e '.daemon.polling'     # exit 1 unless polling
  $ clientes --config /etc/clientes/config.yaml status`,
    )
    .action(ctx.action((_opts: unknown, cmd: Command) => status(ctx, cmd)));
}
