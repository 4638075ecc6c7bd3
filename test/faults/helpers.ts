/**
 * What the customer and the team see, read from the sandbox: the fault suite judges the real
 * daemon by this alone (never by its store or its logs' word for it).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TelegramMessage } from "@gramio/types";
import { startSandbox, type Sandbox, type SandboxOptions } from "../../src/sandbox/index.ts";
import { spawnDaemon, writeConfig, type DaemonProcess } from "../daemon/harness.ts";

/** A sandbox, a config for a real `clientes start` process, and Ana on the staff. */
export interface Rig {
  sb: Sandbox;
  dir: string;
  config: string;
  ana: { id: number };
  /** Starts `clientes start` (paced by Telegram's limits unless `--no-pacing`) and waits until it relays. */
  start(args?: string[]): Promise<DaemonProcess>;
  close(): Promise<void>;
}

export async function startRig(opts: { sandbox?: SandboxOptions; extraConfig?: string } = {}): Promise<Rig> {
  const sb = await startSandbox({ autoForwardDelayMs: 5, ...opts.sandbox });
  const dir = await mkdtemp(join(tmpdir(), "clientes-faults-"));
  const ana = sb.addUser({ first_name: "Ana" });
  const config = await writeConfig(dir, sb, [ana.id], { extra: opts.extraConfig ?? "" });
  const running = new Set<DaemonProcess>();
  return {
    sb,
    dir,
    config,
    ana,
    async start(args = ["--no-pacing"]) {
      const d = spawnDaemon(config, sb.token, args);
      running.add(d);
      void d.exited.then(() => running.delete(d));
      await d.waitForLog(/relaying/, 20_000);
      return d;
    },
    async close() {
      for (const d of running) d.child.kill("SIGKILL");
      await Promise.all([...running].map((d) => d.exited));
      await sb.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The customer's cards in the channel (a card shows the customer's id). */
export function cardsOf(sb: Sandbox, customerId: number): TelegramMessage[] {
  return sb.messages(sb.channelId).filter((m) => (m.text ?? "").includes(`ID: ${customerId}`));
}

/** Every message the bot put in the threads of a customer's cards (roots excluded), oldest card first. */
export function threadMessages(sb: Sandbox, customerId: number): TelegramMessage[] {
  const out: TelegramMessage[] = [];
  for (const card of cardsOf(sb, customerId)) {
    const root = sb.rootFor(card.message_id);
    if (root !== undefined) out.push(...sb.thread(root).slice(1));
  }
  return out;
}

/** The texts the team sees in a customer's threads. */
export function threadTexts(sb: Sandbox, customerId: number): string[] {
  // Under backlog the bot merges a customer's texts into one comment, one per line (src/core/merge.ts).
  return threadMessages(sb, customerId).flatMap((m) => (m.from?.id === sb.bot.id && m.text ? m.text.split("\n") : [m.text ?? m.caption ?? ""]));
}

/** The texts a customer got from the bot. */
export function botTexts(sb: Sandbox, customerId: number): string[] {
  return sb.messages(customerId).filter((m) => m.from?.id === sb.bot.id).map((m) => m.text ?? m.caption ?? "");
}

/**
 * How `sent` arrived in `seen`: every message present, in order, each at most once more.
 * Returns the number of repeats, or a sentence saying what is wrong.
 */
export function judge(sent: readonly string[], seen: readonly string[]): { duplicates: number } | { wrong: string } {
  const wanted = new Set(sent);
  const relevant = seen.filter((t) => wanted.has(t));
  const firsts: string[] = [];
  const counts = new Map<string, number>();
  for (const t of relevant) {
    counts.set(t, (counts.get(t) ?? 0) + 1);
    if (counts.get(t) === 1) firsts.push(t);
  }
  const missing = sent.filter((t) => !counts.has(t));
  if (missing.length > 0) return { wrong: `missing ${missing.length}: ${missing.slice(0, 3).join(", ")}…` };
  if (firsts.join("\n") !== sent.join("\n")) return { wrong: `out of order: ${firsts.join(", ")}` };
  const twice = [...counts.values()].filter((n) => n > 2).length;
  if (twice > 0) return { wrong: `${twice} messages arrived three times or more` };
  return { duplicates: relevant.length - sent.length };
}

/**
 * Comments in a customer's threads that repeat a text an earlier comment carried, as the team
 * counts them: a merged comment sent again is one repeat, and so is each comment that
 * carries any text already there (a merge cut differently after a crash repeats several).
 */
export function repeatedComments(sb: Sandbox, customerId: number): number {
  const seen = new Set<string>();
  let repeats = 0;
  for (const m of threadMessages(sb, customerId)) {
    const lines = m.from?.id === sb.bot.id && m.text ? m.text.split("\n") : [m.text ?? m.caption ?? ""];
    if (lines.some((l) => seen.has(l))) repeats += 1;
    for (const l of lines) seen.add(l);
  }
  return repeats;
}

/** Log lines that would tell the operator a delivery failed for good. */
export function failureLines(log: readonly string[]): string[] {
  return log.filter((l) => /not delivered|lost:|could not be posted|Unexpected error|unhandled/i.test(l));
}
