/**
 * `clientes demo`'s engine: the sandbox Telegram, the real daemon with a generated config
 * in a fresh temp folder, and the web page that plays customers and staff side by side.
 */
import { rmSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TelegramUser } from "@gramio/types";
import { stringify } from "yaml";
import { buildConfig } from "../config/build.ts";
import { readHours } from "../config/service.ts";
import type { Hours } from "../core/hours.ts";
import type { Config } from "../config/types.ts";
import { runDaemon } from "../daemon/daemon.ts";
import { OperatorError } from "../errors.ts";
import { silentLogger, type Logger } from "../log.ts";
import { saveReplies } from "../replies/index.ts";
import { startSandbox, type Sandbox } from "../sandbox/index.ts";
import type { Locale } from "../texts.ts";
import { castFor, customerAt, type Cast } from "./cast.ts";
import { DeskClock } from "./clock.ts";
import { SampleImages } from "./samples.ts";
import { startDemoServer, type DemoServer } from "./server.ts";
import { buildView, customersOf } from "./view.ts";

/** The page's files (index.html, app.js, style.css, samples/). */
export const PAGE_DIR = fileURLToPath(new URL("./page/", import.meta.url));

/** How to start the demo; everything is optional. */
export interface DemoOptions {
  /** The web page's port; default 0 (any free port). */
  port?: number;
  /**
   * The address the web page listens on; default 127.0.0.1 (this machine only). The
   * sandbox Telegram always stays on 127.0.0.1: the page reaches it through its proxy.
   */
  host?: string;
  /**
   * Aborted when the user asks to stop (the first Ctrl+C): the temp folder, which holds a
   * config with a token, is removed there and then, before anything else stops, so a second
   * Ctrl+C that ends the process at once leaves nothing behind. Not with `keep`.
   */
  signal?: AbortSignal;
  /** The bot's texts and the sample people and replies; default "en". */
  locale?: Locale;
  /** Keep the temp folder (config, store, replies) after close(). */
  keep?: boolean;
  /** Where the daemon logs; default nowhere. */
  log?: Logger;
  /** Where the temp folder is made; default os.tmpdir(). */
  tmpRoot?: string;
  /** For the daemon's store lock (the folder is fresh, so nothing else holds it). */
  pid?: number;
  isPidAlive?: (pid: number) => boolean;
}

/** A running demo. */
export interface Demo {
  /** The page, e.g. http://127.0.0.1:40123 */
  url: string;
  /** The address the page listens on (as given with `host`). */
  host: string;
  /** The temp folder: config.yaml, replies.yaml, data/clientes.json. */
  dir: string;
  sandbox: Sandbox;
  config: Config;
  /** The support team (the config's staff), in the page's order. */
  staff: TelegramUser[];
  /** The desk's clock: the daemon's and the sandbox's `now`; the page moves it past closing time and back. */
  clock: DeskClock;
  /** Resolves when the daemon stops: null after close(), the error if it failed on its own. */
  daemon: Promise<Error | null>;
  /** Stops the page, the daemon and the sandbox; removes the temp folder unless `keep`. */
  close(): Promise<void>;
}

/** The demo could not start; `hint` says what to do. */
export class DemoError extends OperatorError {
  override name = "DemoError";
  declare readonly hint: string;
  constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super(message, { ...options, hint });
  }
}

/** The demo's response targets: one minute, the shortest a config takes, so ⏰ overdue shows soon. */
const DEMO_SLA = { firstResponseMinutes: 1, responseMinutes: 1 };

/** The demo desk's week (config form), as the canned "opening hours" reply says; the zone is the cast's. */
const DEMO_WEEK = { "mon-fri": "09:00-18:00", sat: "09:00-12:00" };

/** The demo's `hours:` as the config file has it, and as the config parser reads it. */
function demoHours(timezone: string): { yaml: { timezone: string; week: typeof DEMO_WEEK }; hours: Hours } {
  const yaml = { timezone, week: DEMO_WEEK };
  const problems: string[] = [];
  const hours = readHours({ add: (key, detail) => problems.push(`${key}: ${detail}`) }, yaml);
  if (!hours || problems.length > 0) throw new Error(`the demo's hours are not a valid config: ${problems.join("; ")}`);
  return { yaml, hours };
}

function demoConfig(dir: string, sb: Sandbox, staff: TelegramUser[], locale: Locale, hours: Hours): Config {
  return buildConfig(
    { dir, token: sb.token, apiRoot: sb.apiRoot, channel: sb.channelId, group: sb.groupId },
    // The survey, a short response target and business hours, so what they show is seen within a minute.
    { staff: staff.map((s) => ({ id: s.id, name: s.first_name })), locale, csat: true, sla: DEMO_SLA, hours },
  );
}

/** The config as a file, so a kept folder shows what the demo ran with. */
function configYaml(c: Config, hours: ReturnType<typeof demoHours>["yaml"]): string {
  const doc = {
    bot: { token: c.bot.token, api_root: c.bot.apiRoot },
    channel: c.channel,
    group: c.group,
    store: "data/clientes.json",
    replies: "replies.yaml",
    staff: c.staff,
    locale: c.locale,
    csat: c.csat,
    sla: { first_response_minutes: DEMO_SLA.firstResponseMinutes, response_minutes: DEMO_SLA.responseMinutes },
    hours,
  };
  return "# Written by `clientes demo` for its sandbox Telegram (gone once the demo stopped).\n" + stringify(doc);
}

/** Runs `steps` in order, ignoring failures: cleanup must reach its end. */
async function settle(steps: Array<() => Promise<unknown>>): Promise<void> {
  for (const step of steps) await step().catch(() => undefined);
}

/**
 * Starts the demo: sandbox, daemon (with a generated config in a new temp folder) and the
 * web page. Rejects with a DemoError when the port is taken or the daemon cannot start;
 * whatever was started by then is stopped and the folder removed.
 */
export async function startDemo(opts: DemoOptions = {}): Promise<Demo> {
  const locale = opts.locale ?? "en";
  const cast: Cast = castFor(locale);
  const log = opts.log ?? silentLogger;
  const host = opts.host ?? "127.0.0.1";
  const dir = await mkdtemp(join(opts.tmpRoot ?? tmpdir(), "clientes-demo-"));
  const cleanup: Array<() => Promise<unknown>> = [];
  const undo = () => settle([...cleanup].reverse());
  if (!opts.keep) {
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    // Synchronous on purpose: nothing (not a second Ctrl+C) can run before it is done.
    const dropFolder = () => rmSync(dir, { recursive: true, force: true });
    if (opts.signal?.aborted) dropFolder();
    opts.signal?.addEventListener("abort", dropFolder, { once: true });
    cleanup.push(async () => opts.signal?.removeEventListener("abort", dropFolder));
  }

  try {
    const samples = await SampleImages.open(join(PAGE_DIR, "samples"));
    const hours = demoHours(cast.timezone);
    // One clock for the relay and the simulated Telegram, as both would read the same time.
    const clock = new DeskClock(hours.hours);
    const sb = await startSandbox({
      now: clock.now,
      bot: cast.bot,
      channel: { title: cast.channelTitle },
      group: { title: cast.groupTitle },
      // The demo may run for hours: no request log growing in memory.
      logRequests: false,
    });
    cleanup.push(() => sb.close());

    const staff = cast.staff.map((p) => sb.addUser(p));
    const staffIds = new Set(staff.map((s) => s.id));
    let added = 0;
    const addCustomer = (person: Partial<Pick<TelegramUser, "first_name" | "last_name" | "username">> = {}): TelegramUser =>
      sb.addUser(person.first_name ? person : customerAt(cast, added++));
    addCustomer();

    const config = demoConfig(dir, sb, staff, locale, hours.hours);
    await saveReplies(config.replies, cast.replies);
    await writeFile(config.path, configYaml(config, hours.yaml), { mode: 0o600 });

    // The page's port first: a taken one fails before the daemon has started.
    let server: DemoServer;
    try {
      server = await startDemoServer(
        {
          pageDir: PAGE_DIR,
          apiRoot: sb.apiRoot,
          samples,
          info: () => ({
            locale,
            bot: sb.bot,
            channel: { id: sb.channelId, title: cast.channelTitle },
            group: { id: sb.groupId, title: cast.groupTitle },
            staff,
            notStaff: [sb.creator],
            samples: samples.names,
            notePrefix: config.notePrefix,
            hours: hours.yaml,
            dir,
          }),
          view: (query) => buildView(sb, staffIds, query),
          addCustomer,
          clock: () => clock.status(),
          moveClock: (open) => clock.moveTo(open),
        },
        opts.port ?? 0,
        host,
      );
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EADDRINUSE") {
        throw new DemoError(`port ${opts.port} on ${host} is already in use`, "pick another one with --port N, or leave --port out for any free port", { cause: err });
      }
      if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND" || code === "EAI_AGAIN") {
        throw new DemoError(`cannot listen on ${host}: it is not an address of this machine`, "pass one of this machine's addresses with --host, or --host 0.0.0.0 for all of them", { cause: err });
      }
      throw err;
    }
    cleanup.push(() => server.close());

    const stop = new AbortController();
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    const running = runDaemon({
      config,
      log,
      signal: stop.signal,
      pid: opts.pid ?? 1,
      isPidAlive: opts.isPidAlive ?? (() => false),
      rateLimits: false,
      albumSettleMs: 300,
      slaCheckMs: 5_000, // ⏰ within seconds of the minute passing
      now: clock.now,
      onReady: () => ready(),
    });
    const daemon = running.then(
      () => null,
      (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
    );
    cleanup.push(async () => {
      stop.abort();
      await daemon;
    });
    const early = await Promise.race([isReady.then(() => null), daemon.then((err) => err ?? new Error("the daemon stopped before it was ready"))]);
    if (early) throw new DemoError(`the daemon did not start: ${early.message}`, "this is a bug in clientes demo; run again with --debug and report it", { cause: early });

    let closing: Promise<void> | undefined;
    return {
      url: server.url,
      host,
      dir,
      sandbox: sb,
      config,
      staff,
      clock,
      daemon,
      close: () => (closing ??= undo()),
    };
  } catch (err) {
    await undo();
    throw err;
  }
}

/** The customers the demo knows (everyone in the sandbox but staff, the chats' creator and bots). */
export function demoCustomers(demo: Demo): TelegramUser[] {
  return customersOf(demo.sandbox, new Set(demo.staff.map((s) => s.id)));
}
