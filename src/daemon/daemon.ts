import type { TelegramInlineQuery, TelegramUpdate, TelegramUser } from "@gramio/types";
import type { Config } from "../config/types.ts";
import type { CoreContext } from "../core/context.ts";
import { pruneEvents } from "../core/events.ts";
import { notifyBreach } from "../core/notify.ts";
import { markOverdue } from "../core/sla.ts";
import { APPEND_ONLY, COLLECTIONS, emptyState, keepRecentSends, migrateState, pruneLinks, STATE_VERSION, worldOf, type State } from "../core/state.ts";
import { type RepliesEdit, type RepliesOutcome } from "../core/replies-edit.ts";
import { checkState } from "../core/state-check.ts";
import { conversationCodec } from "../core/state-journal.ts";
import { OperatorError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { openJournaledStore, type JournaledStore, type RetryOptions, type StoreFs, type StoreLog } from "../store/index.ts";
import { createTelegram } from "../telegram/client.ts";
import { classify, describeForOperator, isAbortError } from "../telegram/errors.ts";
import { limitedPort, realSleep } from "../telegram/limited.ts";
import { RateLimiter, type LimiterOptions } from "../telegram/limiter.ts";
import { FairTurns } from "../telegram/turns.ts";
import type { TelegramPort } from "../telegram/port.ts";
import { answerInline } from "../core/inline.ts";
import { queuedJobs } from "../core/queue.ts";
import { Deliverer } from "./deliverer.ts";
import { editRepliesFile } from "./replies-edit.ts";
import { removeIntruder, warnIfCannotGuard } from "./guard.ts";
import { contextFromConfig, followConfig, LiveReplies } from "./live.ts";
import { collectGarbage } from "./memory.ts";
import { setupCommands } from "./menus.ts";
import { HealthReporter } from "./health.ts";
import { TelegramWatch, untilAnswered } from "./outage.ts";
import { EXIT } from "../runtime.ts";
import { secretsOf } from "../redact.ts";
import { createIntake, type Take } from "./intake.ts";
import { followWebhook, ListenError, setWebhookParams, startWebhookServer, webhookSecret, type WebhookServer, type WebhookSetting } from "./webhook.ts";

/**
 * Updates the relay needs; `allowed_updates` persists on Telegram's side, so it is always sent.
 * `chat_member` (people joining the group, R38 closed-group) comes only when listed here.
 */
export const ALLOWED_UPDATES = ["message", "edited_message", "channel_post", "edited_channel_post", "inline_query", "callback_query", "my_chat_member", "chat_member"] as const;

/** How `clientes start` runs the daemon; everything from the process comes in here. */
export interface DaemonOptions {
  config: Config;
  log: Logger;
  /** Aborted to stop (SIGINT/SIGTERM). */
  signal: AbortSignal;
  /** For the store lock. */
  pid: number;
  isPidAlive: (pid: number) => boolean;
  /** The Telegram port to use (tests watch it); default: GramIO against config.bot.apiRoot. */
  port?: TelegramPort;
  /** Pace sends by Telegram's limits (default true). */
  rateLimits?: boolean;
  /** Tighter limits than Telegram's, for tests that must see the budget run out quickly. */
  limits?: Pick<LimiterOptions, "perChatIntervalMs" | "perGroupPerMinute" | "lowPriorityHeadroom" | "overallPerSecond" | "backgroundPerSecond">;
  /** Default 1000 ms. */
  albumSettleMs?: number;
  /** Warn when a card has no comment thread after this long (default 30 s). */
  rootWarnMs?: number;
  /** Check that a card still exists before a customer's message goes into its thread, at most this often (default 10 min). */
  cardCheckMs?: number;
  /** Reads the config file again (for live staff/texts changes); default: no reload. */
  reloadConfig?: () => Promise<Config>;
  /** The store's file layer (tests inject a full disk here: src/store/faults.ts). */
  storeFs?: StoreFs;
  /** How a failing store write is retried (tests shorten it). */
  storeRetry?: RetryOptions;
  /**
   * Called once polling has started (tests, the demo). `state` is the live in-memory state,
   * for tests that check it against the store on disk; never change it from outside.
   */
  onReady?: (info: { botUsername: string; state: State; webhook?: { host: string; port: number } }) => void;
  now?: () => number;
  /** How often to look for waits past their response target (`sla:`); default 30 s. */
  slaCheckMs?: number;
  /** How updates come: "poll" (getUpdates) or "webhook" (needs config.webhook); default: webhook when the config has one. */
  mode?: "poll" | "webhook";
  /** Webhook mode: how often to ask getWebhookInfo how delivery goes (default 60 s). */
  webhookCheckMs?: number;
}

/** The daemon failed to start or had to stop; `hint` says what the operator should do. */
export class DaemonError extends OperatorError {
  override name = "DaemonError";
  declare readonly hint: string;
  /** 2 when the config is wrong (e.g. a token Telegram refuses), else 1. */
  constructor(message: string, hint: string, exitCode: number = EXIT.FAILURE) {
    super(message, { hint, exitCode });
  }
}

/** A refusal at start-up, as a DaemonError: exit 2 (the config's fault) for a token Telegram refuses. */
function startupError(message: string, err: unknown, hint: string): DaemonError {
  const f = classify(err, 1);
  return f.kind === "fatal" && f.cause === "unauthorized"
    ? new DaemonError(`${message}: ${describeForOperator(err)}`, f.hint, EXIT.USAGE)
    : new DaemonError(`${message}: ${describeForOperator(err)}`, hint);
}

/** How the running daemon's store reports and retries (see src/store/journal.ts). */
export interface StateStoreOptions {
  log?: StoreLog;
  /** The daemon's stop: a write still failing then is given up after a grace. */
  shutdown?: AbortSignal;
  fs?: StoreFs;
  retry?: RetryOptions;
}

/**
 * Opens the daemon's store: the State, versioned, journaled, locked to this process.
 * Without `lock` it opens read-only (for `clientes status` while the daemon runs).
 */
export function openStateStore(path: string, lock?: { pid: number; isPidAlive: (pid: number) => boolean }, label?: string, options: StateStoreOptions = {}): Promise<JournaledStore<State>> {
  return openJournaledStore<State>({ path, defaults: emptyState, version: STATE_VERSION, migrate: migrateState, check: checkState, collections: COLLECTIONS, appendOnly: APPEND_ONLY, codecs: { conversations: conversationCodec() }, ...(lock ? { lock } : {}), ...(label ? { label } : {}), ...options });
}

async function resolveChat(port: TelegramPort, chat: number | string, what: string, wait: Waiter): Promise<number> {
  if (typeof chat === "number") return chat;
  try {
    const c = await wait(`getChat ${chat}`, (signal) => port.call("getChat", { chat_id: chat }, { signal }));
    return c.id;
  } catch (err) {
    throw startupError(`cannot find the ${what} ${chat}`, err, "check `" + what + "` in the config; `clientes check` verifies it");
  }
}

/** Runs a start-up call until Telegram answers (see untilAnswered). */
type Waiter = <T>(what: string, run: (signal: AbortSignal) => Promise<T>) => Promise<T>;

/**
 * Cards become threads only in the channel's linked discussion group: without the link,
 * customers' messages would wait forever, so say it at start-up (the relay still runs:
 * the operator may be fixing it right now).
 */
async function warnIfNotLinked(port: TelegramPort, channel: number, group: number, log: Logger, wait: Waiter): Promise<void> {
  try {
    const chat = (await wait("getChat", (signal) => port.call("getChat", { chat_id: channel }, { signal }))) as { linked_chat_id?: number };
    if (chat.linked_chat_id !== group) {
      log.error(
        `the group ${group} is not the channel's linked discussion group (linked: ${chat.linked_chat_id ?? "none"}): ` +
          "customers' messages will wait (hint: in the channel's settings, set Discussion to this group; `clientes check` verifies it)",
      );
    }
  } catch (err) {
    if (isAbortError(err)) throw err;
    log.warn(`could not check the channel's discussion group: ${describeForOperator(err)}`);
  }
}

/**
 * Runs the relay until `signal` is aborted: polls updates with its own getUpdates loop,
 * stores each update's effects before confirming it, and delivers the queued jobs.
 * Resolves when stopped cleanly; rejects with a DaemonError (or StoreError) otherwise.
 */
export async function runDaemon(opts: DaemonOptions): Promise<void> {
  if (opts.mode === "webhook" && !opts.config.webhook) {
    throw new DaemonError(
      `webhook mode needs webhook.url in ${opts.config.path}`,
      'add\n  webhook:\n    url: "https://desk.example.com/telegram"\n(the address your TLS reverse proxy answers on; config.example.yaml shows every webhook key), or start without --webhook to poll',
      EXIT.USAGE,
    );
  }
  const now = opts.now ?? Date.now;
  // The store tells its trouble (a full disk) through the health-watching log: `status` shows it as the last error.
  const health = new HealthReporter({ storePath: opts.config.store, pid: opts.pid, log: opts.log, now, secrets: secretsOf(opts.config.bot.token) });
  const log = health.watching(opts.log);
  const store = await openStateStore(opts.config.store, { pid: opts.pid, isPidAlive: opts.isPidAlive }, undefined, {
    log,
    shutdown: opts.signal,
    ...(opts.storeFs ? { fs: opts.storeFs } : {}),
    ...(opts.storeRetry ? { retry: opts.storeRetry } : {}),
  });
  health.start();
  try {
    await runWithStore({ ...opts, log }, store, now, health);
  } finally {
    await health.close();
    await store.close();
    log.info("store saved; stopped");
  }
}

async function runWithStore(opts: DaemonOptions, store: JournaledStore<State>, now: () => number, health: HealthReporter): Promise<void> {
  const { config, log, signal } = opts;
  const mode = opts.mode ?? (config.webhook ? "webhook" : "poll");
  const raw = opts.port ?? createTelegram({ token: config.bot.token, apiRoot: config.bot.apiRoot, timeoutMs: config.requestTimeout * 1000 });
  const watch = new TelegramWatch(log, health, now);
  const wait: Waiter = (what, run) => untilAnswered(what, () => run(signal), watch, signal);

  let me, channel: number, group: number;
  try {
    try {
      me = await wait("getMe", (s) => raw.call("getMe", undefined, { signal: s }));
    } catch (err) {
      throw startupError("cannot reach the bot", err, "check bot.token and bot.api_root (or CLIENTES_BOT_TOKEN / CLIENTES_API_ROOT); `clientes check` tests them");
    }
    channel = await resolveChat(raw, config.channel, "channel", wait);
    group = await resolveChat(raw, config.group, "group", wait);
    await warnIfNotLinked(raw, channel, group, log, wait);
    const botId = (me as { id: number }).id;
    if (config.guardGroup) await warnIfCannotGuard(() => wait("getChatMember", (signal) => raw.call("getChatMember", { chat_id: group, user_id: botId }, { signal })), log);
  } catch (err) {
    if (signal.aborted) return; // stopped while waiting for Telegram
    throw err;
  }

  const world = worldOf(store.data, store.dirty);
  const pruned = pruneLinks(world, config.retentionDays, now());
  if (pruned) log.info(`pruned ${pruned} message links older than ${config.retentionDays} days`);
  pruneEvents(world, config.retentionDays, now());
  collectGarbage(); // the store's file text and parse garbage, before the desk settles in

  let ctx: CoreContext = {
    channel,
    group,
    botId: me.id,
    botUsername: me.username ?? "",
    ...contextFromConfig(config),
    albumSettleMs: opts.albumSettleMs ?? 1000,
  };
  const replies = await LiveReplies.open(config.replies, log);
  // The core sees the live replies list (to tell which canned reply a staff message came
  // from); a new context object only when the list itself was reloaded.
  const coreCtx = (): CoreContext => (ctx.replies === replies.replies ? ctx : (ctx = { ...ctx, replies: replies.replies }));
  const following = opts.reloadConfig
    ? followConfig(
        config.path,
        opts.reloadConfig,
        (next) => {
          ctx = { ...ctx, ...contextFromConfig(next) };
          void setupCommands(raw, ctx, next.locale, log); // e.g. /terms comes or goes with texts.terms
        },
        log,
      )
    : undefined;

  const pacing = opts.rateLimits ?? true;
  const limiter = new RateLimiter({ ...opts.limits, enabled: pacing });
  // What the last run sent into the group and channel this minute still counts at Telegram.
  limiter.remember(world.state.recentSends);
  // Card edits share the channel's budget with new cards, and a new card goes first.
  const port = limitedPort(raw, { limiter, priorityOf: (method, chat) => (chat === channel && method.startsWith("editMessage") ? "low" : "normal") });
  const persist = (): Promise<void> => {
    keepRecentSends(world, limiter.memory());
    return store.write();
  };
  const turns = pacing ? new FairTurns(limiter) : undefined;
  const deliverer = new Deliverer({ world, ctx: coreCtx, port, log, persist, now, ...(turns ? { turns } : {}), ...(opts.rootWarnMs ? { rootWarnMs: opts.rootWarnMs } : {}), ...(opts.cardCheckMs !== undefined ? { cardCheckMs: opts.cardCheckMs } : {}) });
  const answer = (q: TelegramInlineQuery): void => {
    const a = answerInline(ctx, replies.replies, q, world.state.replyUses);
    port.call(a.method, a.params).catch((err: unknown) => log.warn(`inline query from ${q.from.id}: ${describeForOperator(err)}`));
  };

  const editReplies = async (edit: RepliesEdit): Promise<RepliesOutcome> => {
    const outcome = await editRepliesFile(config.replies, edit);
    const what = edit.op === "save" ? `save canned reply "${edit.id}"` : `remove canned reply "${edit.id}"`;
    if (outcome.ok) {
      await replies.reload(); // offered at once, not when the file watcher notices
      log.info(`${what} (asked in the thread of customer ${edit.customer}): done`, { customer: edit.customer });
    } else {
      log.warn(`${what} (asked in the thread of customer ${edit.customer}): ${outcome.problem}${"detail" in outcome ? `: ${outcome.detail}` : ""}`, { customer: edit.customer });
    }
    return outcome;
  };

  await setupCommands(raw, ctx, config.locale, log);
  const take = createIntake({ world, ctx: coreCtx, store, deliverer, answer, port, log, now, editReplies, guard: (user) => removeIntruder({ port, ctx: coreCtx(), log, signal }, user) });
  const webhook = mode === "webhook" ? await startWebhook({ opts, raw, port, take, health, watch, wait }) : undefined;
  if (signal.aborted) {
    await webhook?.server.close();
    return;
  }
  if (!webhook) {
    // Polling: a webhook left from webhook mode (or set by another program) would refuse getUpdates.
    await wait("deleteWebhook", (s) => raw.call("deleteWebhook", { drop_pending_updates: false }, { signal: s })).catch((err: unknown) => {
      if (!signal.aborted) log.warn(`deleteWebhook: ${describeForOperator(err)}`);
    });
  }

  const how = webhook ? `receiving updates by webhook at ${config.webhook!.url} (listening on ${hostPort(webhook.server.address)})` : "polling";
  log.info(`@${ctx.botUsername} relaying between customers and the thread of channel ${channel} (group ${group}), ${how}; ${queuedJobs(world.state)} deliveries pending from last run`);
  deliverer.kickAll();
  health.state = webhook ? "webhook" : "polling";
  opts.onReady?.({ botUsername: ctx.botUsername, state: world.state, ...(webhook ? { webhook: webhook.server.address } : {}) });

  const pruneTimer = setInterval(() => {
    const n = pruneLinks(world, config.retentionDays, now());
    if (n) log.info(`pruned ${n} message links older than ${config.retentionDays} days`);
    pruneEvents(world, config.retentionDays, now());
  }, 3_600_000);
  pruneTimer.unref();
  // Deadlines are derived from the stored conversations, so a restart loses none: a
  // breach that passed while the daemon was down is recorded at start-up, dated when it happened.
  const checkSla = (): void => {
    if (!ctx.sla) return;
    const { fresh, changed } = markOverdue(world, ctx.sla, ctx.hours, now());
    if (fresh.length === 0 && changed.length === 0) return;
    for (const d of fresh) {
      const conv = world.state.conversations[d.customer];
      const card = conv?.card;
      const told = conv ? notifyBreach(world, ctx, conv, now()) : 0;
      log.warn(`customer ${d.customer} waits past the ${d.target === "first_response" ? "first-response" : "response"} target since ${new Date(d.dueAt).toISOString()}${told ? ` (${told} staff told in private)` : ""}`, {
        customer: d.customer,
        ...(card !== undefined ? { conversation: card } : {}),
      });
    }
    // Staff told in private, and the ⏰ on the card, go out once the breach and the mark are stored.
    store.write().then(
      () => {
        for (const id of new Set([...fresh.map((d) => d.customer), ...changed])) deliverer.kick(id);
      },
      (err: unknown) => log.error(`store: ${(err as Error).message}`),
    );
  };
  checkSla();
  const slaTimer = setInterval(checkSla, opts.slaCheckMs ?? 30_000);
  slaTimer.unref();

  try {
    // Every call goes through `port`, so the bound on calls in flight holds for all of them.
    if (webhook) await untilStopped(signal, webhook.server.failed);
    else await pollLoop({ raw: port, world, take, log, signal, timeout: config.pollTimeout, watch, health, now });
  } finally {
    webhook?.stopFollowing();
    // Webhook: requests in flight are stored and answered; later ones get 503 and come again
    // after the restart (the webhook stays set, so Telegram keeps the updates meanwhile).
    await webhook?.server.close();
    clearInterval(pruneTimer);
    clearInterval(slaTimer);
    replies.close();
    following?.close();
    await deliverer.stop();
    log.info(`stopping: ${queuedJobs(world.state)} deliveries kept for the next start`);
  }
}

interface PollDeps {
  raw: TelegramPort;
  world: ReturnType<typeof worldOf>;
  take: Take;
  log: Logger;
  signal: AbortSignal;
  timeout: number;
  watch: TelegramWatch;
  health: HealthReporter;
  now: () => number;
}

/**
 * Our own getUpdates loop (GramIO's polling confirms updates before handlers finish).
 * An update is confirmed (the stored offset moves past it) only in the same store write
 * that holds its effects: a crash or restart repeats nothing and loses nothing.
 * Telegram's server drops every update below the offset sent, so an answer below it means
 * the ids started again (after a week without updates): those are new, handled like any.
 * Failures that pass and another poller (409) are waited out with backoff, never fatal.
 */
async function pollLoop(d: PollDeps): Promise<void> {
  const { world, log, signal, watch } = d;
  const state = world.state;
  let attempt = 0;
  while (!signal.aborted) {
    let updates: TelegramUpdate[];
    const sent = state.offset;
    try {
      updates = await d.raw.call(
        "getUpdates",
        { offset: state.offset || undefined, timeout: d.timeout, allowed_updates: [...ALLOWED_UPDATES] },
        { signal },
      );
      attempt = 0;
      watch.polled();
    } catch (err) {
      if (signal.aborted) return;
      const f = classify(err, ++attempt);
      if (f.kind === "fatal" && f.cause === "conflict") {
        await realSleep(watch.conflict(err), signal).catch(() => undefined);
        continue;
      }
      if (f.kind === "fatal") {
        throw new DaemonError(`polling stopped: ${describeForOperator(err)}`, f.hint, f.cause === "unauthorized" ? EXIT.USAGE : EXIT.FAILURE);
      }
      const waitMs = f.kind === "retry" ? f.afterMs : 1000;
      watch.failed("getUpdates", err, waitMs);
      await realSleep(waitMs, signal).catch(() => undefined);
      continue;
    }
    if (updates.length === 0) continue;
    if (updates[0]!.update_id < sent) {
      log.warn(
        `update ids started again: Telegram sent update ${updates[0]!.update_id} while the offset was ${sent} ` +
          "(it picks new ids after a week without updates); handling them and moving the offset onto the new ids",
        { method: "getUpdates", update: updates[0]!.update_id },
      );
    }
    d.health.lastUpdateAt = d.now();
    // Set before the intake's write, which stores it together with the updates' effects.
    state.offset = updates[updates.length - 1]!.update_id + 1;
    await d.take(updates);
  }
}

/** Resolves when `signal` is aborted; rejects as soon as `failed` does. */
function untilStopped(signal: AbortSignal, failed: Promise<never>): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return Promise.race([new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true })), failed]);
}

function hostPort(a: { host: string; port: number }): string {
  return `${a.host.includes(":") ? `[${a.host}]` : a.host}:${a.port}`;
}

interface WebhookDeps {
  opts: DaemonOptions;
  raw: TelegramPort;
  /** The bounded port, for the calls while running. */
  port: TelegramPort;
  take: Take;
  health: HealthReporter;
  watch: TelegramWatch;
  wait: Waiter;
}

/**
 * Webhook mode's start: listen first (Telegram posts as soon as the webhook is set), then
 * setWebhook with the secret, the updates the relay needs and max_connections. Replaces a
 * webhook or a poller of another program, which then gets 409.
 */
async function startWebhook(d: WebhookDeps): Promise<{ server: WebhookServer; stopFollowing: () => void } | undefined> {
  const { config, log, signal } = d.opts;
  const w = config.webhook!;
  const now = d.opts.now ?? Date.now;
  const setting: WebhookSetting = { url: w.url, secret: webhookSecret(w, config.bot.token), allowedUpdates: ALLOWED_UPDATES, maxConnections: w.maxConnections };
  let server: WebhookServer;
  try {
    server = await startWebhookServer({
      host: w.listen.host,
      port: w.listen.port,
      secret: setting.secret,
      take: d.take,
      log,
      now,
      onUpdate: () => (d.health.lastUpdateAt = now()),
      health: () => ({ ok: d.health.state === "webhook" && d.health.unreachableSince === undefined, body: d.health.snapshot() }),
    });
  } catch (err) {
    if (err instanceof ListenError) throw new DaemonError(err.message, err.hint);
    throw err;
  }
  try {
    await d.wait("setWebhook", (s) => d.raw.call("setWebhook", setWebhookParams(setting) as never, { signal: s }));
  } catch (err) {
    await server.close();
    if (signal.aborted) return undefined;
    const f = classify(err, 1);
    throw f.kind === "fatal" && f.cause === "unauthorized"
      ? startupError("cannot set the webhook", err, "")
      : new DaemonError(
          `Telegram refused the webhook ${w.url}: ${describeForOperator(err)}`,
          "check webhook.url: Telegram posts only to a public HTTPS address on port 443, 80, 88 or 8443 whose certificate it trusts; `clientes check` shows what Telegram says",
          EXIT.USAGE,
        );
  }
  const stopFollowing = followWebhook({ port: d.port, setting, watch: d.watch, log, now, ...(d.opts.webhookCheckMs ? { intervalMs: d.opts.webhookCheckMs } : {}) });
  return { server, stopFollowing };
}
