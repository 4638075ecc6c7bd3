/**
 * Runs the real daemon against the sandbox over HTTP: in-process (fast, watchable port)
 * or as a real `bin/clientes start` process (signals, crashes).
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { buildConfig } from "../../src/config/build.ts";
import type { Config, StaffMember } from "../../src/config/types.ts";
import { worldOf, type State } from "../../src/core/state.ts";
import { openStateStore, runDaemon, type DaemonOptions } from "../../src/daemon/daemon.ts";
import { createLogger } from "../../src/log.ts";
import { startSandbox, type Sandbox, type SandboxOptions } from "../../src/sandbox/index.ts";
import { createTelegram } from "../../src/telegram/client.ts";
import { recordingPort, type RecordingPort } from "../../src/telegram/recording.ts";
import { followLog } from "./child-log.ts";
import type { RetryOptions, StoreFs } from "../../src/store/index.ts";

export const ROOT = new URL("../..", import.meta.url).pathname;

/** How the daemon gets its updates in a test: getUpdates or the sandbox's webhook deliveries. */
export type UpdateMode = "poll" | "webhook";

/** The mode tests run in unless they say: env CLIENTES_TEST_MODE=webhook runs them by webhook. */
export function testMode(): UpdateMode {
  return process.env["CLIENTES_TEST_MODE"] === "webhook" ? "webhook" : "poll";
}

export interface Desk {
  sb: Sandbox;
  mode: UpdateMode;
  dir: string;
  config: Config;
  /** Every call the daemon made (not the sandbox's view: ours). */
  port: RecordingPort;
  logs: string[];
  /** Staff member Ana (in the config's staff list). */
  ana: { id: number };
  /** Stops the daemon (like SIGTERM) and resolves when it has exited. */
  stop(): Promise<void>;
  /** Starts the daemon again on the same store (after stop). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface DeskOptions {
  sandbox?: SandboxOptions;
  config?: Partial<Config>;
  rateLimits?: boolean;
  /** Tighter pacing than Telegram's (with rateLimits on). */
  limits?: DaemonOptions["limits"];
  albumSettleMs?: number;
  rootWarnMs?: number;
  /**
   * After each stop, check that the store reopened from disk equals the daemon's memory
   * (default true). Only a test that makes writes fail on purpose turns it off.
   */
  checkStore?: boolean;
  /** The staff list (default: Ana alone, without notify). */
  staff?: (ana: { id: number }) => StaffMember[];
  /** The daemon's clock (default real time). */
  now?: () => number;
  slaCheckMs?: number;
  /** The store's file layer (a disk that fills up: src/store/faults.ts). */
  storeFs?: StoreFs;
  storeRetry?: RetryOptions;
  cardCheckMs?: number;
  /** Default {@link testMode}(). Webhook: the daemon listens on a free loopback port; the sandbox retries fast. */
  mode?: UpdateMode;
  webhookCheckMs?: number;
}

/** The mode of every desk started in this process, in order (the webhook variants check theirs). */
export const startedModes: UpdateMode[] = [];

/** A free TCP port on 127.0.0.1 (for a webhook that must keep its address across restarts). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The sandbox's webhook timing for tests: Telegram's retry delays of 2, 4, 8… s become 40, 80, 160… ms. */
export const FAST_WEBHOOK_RETRIES = { webhookRetryUnitMs: 20 } as const;

/** A sandbox plus a running daemon configured for it, with Ana on the staff. */
export async function startDesk(opts: DeskOptions = {}): Promise<Desk> {
  const mode = opts.mode ?? testMode();
  startedModes.push(mode);
  const sb = await startSandbox({ autoForwardDelayMs: 5, ...(mode === "webhook" ? FAST_WEBHOOK_RETRIES : {}), ...opts.sandbox });
  const dir = await mkdtemp(join(tmpdir(), "clientes-e2e-"));
  const ana = sb.addUser({ first_name: "Ana", username: "ana_support" });
  const hookPort = mode === "webhook" ? await freePort() : 0;
  const config = buildConfig(
    { dir, token: sb.token, apiRoot: sb.apiRoot, channel: sb.channelId, group: sb.groupId },
    {
      staff: opts.staff ? opts.staff(ana) : [{ id: ana.id, name: "Ana" }],
      locale: "en",
      logLevel: "debug",
      pollTimeout: 1,
      ...(mode === "webhook" ? { webhook: { url: `http://127.0.0.1:${hookPort}/telegram`, listen: { host: "127.0.0.1", port: hookPort }, maxConnections: 40 } } : {}),
      ...opts.config,
    },
  );
  const logs: string[] = [];
  const out = new PassThrough();
  out.on("data", (chunk: Buffer) => logs.push(...chunk.toString().split("\n").filter(Boolean)));
  const port = recordingPort(createTelegram({ token: config.bot.token, apiRoot: config.bot.apiRoot, timeoutMs: config.requestTimeout * 1000 }));

  let controller: AbortController | undefined;
  let running: Promise<void> | undefined;
  let memory: State | undefined;
  const start = async (): Promise<void> => {
    controller = new AbortController();
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    running = runDaemon({
      config,
      log: createLogger(out, { level: "debug" }),
      signal: controller.signal,
      pid: 1_000_000 + Math.floor(Math.random() * 1000),
      isPidAlive: () => false,
      port,
      rateLimits: opts.rateLimits ?? false,
      ...(opts.limits ? { limits: opts.limits } : {}),
      // By webhook an album's parts come one request after another, each answered once
      // stored (an fsync): on a busy test machine that can take longer than 50 ms apart.
      albumSettleMs: opts.albumSettleMs ?? (mode === "webhook" ? 300 : 50),
      ...(opts.rootWarnMs ? { rootWarnMs: opts.rootWarnMs } : {}),
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.slaCheckMs ? { slaCheckMs: opts.slaCheckMs } : {}),
      ...(opts.storeFs ? { storeFs: opts.storeFs } : {}),
      ...(opts.storeRetry ? { storeRetry: opts.storeRetry } : {}),
      ...(opts.cardCheckMs !== undefined ? { cardCheckMs: opts.cardCheckMs } : {}),
      ...(opts.webhookCheckMs ? { webhookCheckMs: opts.webhookCheckMs } : {}),
      onReady: (info) => {
        memory = info.state;
        ready();
      },
    });
    await Promise.race([isReady, running]);
  };
  const halt = async (): Promise<void> => {
    controller?.abort();
    await running;
  };
  const check = async (): Promise<void> => {
    const state = memory;
    memory = undefined;
    if (state && opts.checkStore !== false) await assertStoreMatches(config.store, state);
  };
  const stop = async (): Promise<void> => {
    await halt();
    await check();
  };
  await start();
  return {
    sb,
    mode,
    dir,
    config,
    port,
    logs,
    ana,
    stop,
    restart: start,
    async close() {
      try {
        await halt().catch(() => undefined); // a daemon that failed on purpose has stopped already
        await check();
      } finally {
        await sb.close();
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * The invariant behind every end-to-end test: what the stopped daemon had in memory is
 * what a restart reads from disk. A change made without marking its record for the store
 * (markDirty) would be lost on restart, and only this notices.
 */
async function assertStoreMatches(path: string, memory: State): Promise<void> {
  const store = await openStateStore(path); // read-only: no lock, nothing written
  try {
    assert.deepEqual(asRestarted(store.data), asRestarted(memory), "the store reopened from disk equals the daemon's memory");
  } finally {
    await store.close();
  }
}

/** `state` as plain data, as a restart holds it: an empty spare lane (card, staff) is one left out (worldOf). */
function asRestarted(state: State): unknown {
  return JSON.parse(JSON.stringify(worldOf(JSON.parse(JSON.stringify(state)) as State).state));
}

/** A new customer who has written once, with their thread ready. */
export async function openConversation(desk: Desk, name: string, first: Record<string, unknown> = { text: `hi from ${name}` }) {
  const { sb } = desk;
  const u = sb.addUser({ first_name: name });
  const msg = sb.sendPrivate(u.id, first as never);
  const root = await threadOf(desk, u.id);
  const copy = await sb.waitFor(() => sb.thread(root)[1], 5000, `the first copy in ${name}'s thread`);
  const card = () => sb.messages(sb.channelId).find((m) => m.text?.includes(String(u.id)))!;
  return { id: u.id, root, msg, copy, card };
}

/** The thread root of a customer's conversation, once the daemon has created it. */
export async function threadOf(desk: Desk, customerId: number): Promise<number> {
  return desk.sb.waitFor(() => {
    const card = desk.sb.messages(desk.sb.channelId).find((m) => (m.text ?? "").includes(String(customerId)));
    return card ? desk.sb.rootFor(card.message_id) : undefined;
  }, 5000, `the thread of customer ${customerId}`);
}

/** The texts in a thread (root excluded). */
export function threadTexts(desk: Desk, root: number): string[] {
  return desk.sb.thread(root).slice(1).map((m) => m.text ?? m.caption ?? `[${kindOf(m)}]`);
}

/** The texts a customer sees in their chat with the bot. */
export function chatTexts(desk: Desk, customerId: number, fromBotOnly = true): string[] {
  return desk.sb
    .messages(customerId)
    .filter((m) => !fromBotOnly || m.from?.id === desk.sb.bot.id)
    .map((m) => m.text ?? m.caption ?? `[${kindOf(m)}]`);
}

function kindOf(m: object): string {
  for (const k of ["photo", "video", "animation", "document", "audio", "voice", "video_note", "sticker", "location", "venue", "contact", "poll", "dice"]) {
    if (k in m) return k;
  }
  return "?";
}

/**
 * A config file for a real `clientes start` process against the sandbox (the store at
 * data/clientes.json); with `webhook`, in webhook mode listening on that port (Telegram posts
 * to `url`, by default straight to it).
 */
export async function writeConfig(
  dir: string,
  sb: Sandbox,
  staff: number[],
  opts: { pollTimeout?: number; extra?: string; webhook?: { port: number; url?: string } } = {},
): Promise<string> {
  const hook = opts.webhook;
  const path = join(dir, "config.yaml");
  await writeFile(
    path,
    [
      `bot:`,
      `  api_root: "${sb.apiRoot}"`,
      `channel: ${sb.channelId}`,
      `group: ${sb.groupId}`,
      `store: data/clientes.json`,
      `locale: en`,
      `poll_timeout: ${opts.pollTimeout ?? 1}`,
      `staff:`,
      ...staff.map((id) => `  - id: ${id}`),
      ...(hook ? ["webhook:", `  url: "${hook.url ?? `http://127.0.0.1:${hook.port}/telegram`}"`, `  listen: "127.0.0.1:${hook.port}"`] : []),
      opts.extra ?? "",
    ].join("\n"),
    { mode: 0o600 },
  );
  return path;
}

/** A real `clientes start` process; its stderr (the log) is collected. */
export interface DaemonProcess {
  child: ChildProcess;
  log: string[];
  exited: Promise<number | null>;
  /** Resolves with the first log line that matches (see {@link followLog}). */
  waitForLog(re: RegExp, timeoutMs?: number): Promise<string>;
}

export function spawnDaemon(configPath: string, token: string, args: string[] = ["--no-pacing"]): DaemonProcess {
  const child = spawn(join(ROOT, "bin", "clientes"), ["--config", configPath, "start", ...args], {
    env: { ...process.env, CLIENTES_BOT_TOKEN: token, CLIENTES_CONFIG: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const output = followLog(child);
  return {
    child,
    log: output.lines,
    exited,
    waitForLog: async (re, timeoutMs = 10_000) => (await output.waitFor(re, timeoutMs)).line,
  };
}

/**
 * Resolves when `check` returns something truthy, re-checking every 10 ms: for conditions
 * outside the sandbox (daemon logs, files) that no sandbox event announces.
 */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
