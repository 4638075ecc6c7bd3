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
import { groupBacklogOf, daemonJson, daemonLines, daemonStatus, humanDuration, parseStatusFilter, statusJson, summarize, type StatusSummary, type WaitingCustomer } from "../../setup/status.ts";
import { configOption, loadCliConfig } from "../config.ts";
import type { CliContext } from "../context.ts";
import { writeJson, writeTable } from "../output.ts";
import { queuedJobs } from "../../core/queue.ts";
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
  const opts = cmd.opts() as { json?: boolean; owner?: string; tag?: string };
  const filter = parseStatusFilter(config.staff, opts);
  const staffNames = new Map(config.staff.filter((s) => s.name).map((s) => [s.id, s.name!]));
  const summary = summarize(state, Date.now(), staffNames, filter);
  const [pid, health] = await Promise.all([runningDaemonPid(config.store, rt.isPidAlive, rt.pid), readHealth(config.store)]);
  const now = Date.now();
  const daemon = daemonStatus(health, pid, queuedJobs(state), now, groupBacklogOf(state, config.coalesce, config.group, now));

  if (opts.json) {
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
  out.write(`waiting for an answer: ${summary.waiting}${summary.filter ? `, ${summary.waitingCustomers.length} ${describeFilter(summary, staffNames)}` : ""}\n`);
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
        { header: "owner", get: (w: WaitingCustomer) => w.owner?.name ?? "", max: 24 },
        { header: "tags", get: (w: WaitingCustomer) => w.tags.map((t) => `#${t}`).join(" "), max: 40 },
        { header: "waiting", get: (w: WaitingCustomer) => humanDuration(w.waitMs) },
      ],
      summary.waitingCustomers,
    );
  }
  return EXIT.OK;
}

/** "owned by Ana, tagged #billing", for the line above the table. */
function describeFilter(s: StatusSummary, staffNames: ReadonlyMap<number, string>): string {
  const f = s.filter!;
  const parts: string[] = [];
  if (f.owner === null) parts.push("owned by nobody");
  else if (f.owner !== undefined) parts.push(`owned by ${staffNames.get(f.owner) ?? f.owner}`);
  if (f.tag !== undefined) parts.push(`tagged #${f.tag}`);
  return parts.join(", ");
}

/** Registers `clientes status`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("status")
    .description("whether the daemon polls, its backlog and last error; open, closed and waiting conversations, wait times, median first response")
    .option("--json", "print JSON on stdout")
    .option("--owner <name>", "list only the customers waiting on this staff member (a name as in the staff list, an id, or none)")
    .option("--tag <tag>", "list only the customers waiting in conversations with this tag")
    .addHelpText(
      "after",
      `
Reads the daemon's store and health file without changing them, so it
works while \`clientes start\` runs. The first line says whether the daemon runs and
polls Telegram, when getUpdates last worked and how many deliveries are queued; then how
many messages wait for the group and about how long Telegram's ~20 a minute there takes to
clear them (texts go merged under backlog unless coalesce: false); then any outage, another program polling with the bot token, and the last warning or error the
daemon logged. --json gives the same under "daemon" (running, pid, polling, last_poll_at,
backlog, group_backlog, last_error, ...) for a monitor.
"Waiting" means an open conversation whose customer has not been answered yet (its card
shows #waiting); they are listed oldest first, with the owner, tags and wait. --owner and
--tag narrow that list (the counts stay the desk's). The first-response time runs from the
customer's first message to the team's first answer. Times in the text and the JSON are
the same whole seconds.

Examples:
  $ clientes status
  $ clientes status --json | jq '.waiting_customers[] | .name'
  $ clientes status --owner ana           # who waits on Ana
  $ clientes status --owner none --tag billing
  $ clientes status --json | jq -e '.daemon.polling'     # exit 1 unless polling
  $ clientes --config /etc/clientes/config.yaml status`,
    )
    .action(ctx.action((_opts: unknown, cmd: Command) => status(ctx, cmd)));
}
