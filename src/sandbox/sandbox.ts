import type { Server } from "node:http";
import { isDeepStrictEqual } from "node:util";
import type { TelegramCallbackQuery, TelegramMessage, TelegramUpdate, TelegramUser } from "@gramio/types";
import { BotApi } from "./api.ts";
import type { CallbackAnswer, CallbackPress } from "./callbacks.ts";
import { Clock } from "./clock.ts";
import { storedFromContent } from "./content.ts";
import { ControlApi } from "./control.ts";
import { Engine } from "./engine.ts";
import type { Sender } from "./engine.ts";
import { SandboxUsageError } from "./errors.ts";
import { ChangeFeed } from "./events.ts";
import type { SandboxEvent } from "./events.ts";
import { FaultInjector } from "./faults.ts";
import { contentOfInlineResult } from "./inline-result.ts";
import { RateLimiter, TELEGRAM_LIMITS } from "./limits.ts";
import { announceMemberChange, joinGroup, leaveGroup, memberOf } from "./members.ts";
import { botMember, botMemberUpdate } from "./membership.ts";
import { botPath, listen, readParams, sendJson } from "./server.ts";
import type { ChannelRights, Content, FaultSpec, GroupRights, InlineAnswer, RequestLogEntry, SandboxOptions } from "./types.ts";
import { ALL_CHANNEL_RIGHTS, ALL_GROUP_RIGHTS } from "./types.ts";
import type { WebhookInfo } from "./webhook.ts";
import { World } from "./world.ts";
import type { MessageRecord } from "./world.ts";

export const DEFAULT_TOKEN = "123456:TEST-sandbox-token-0123456789abcdef";
export const DEFAULT_CHANNEL_ID = -1001000000001;
export const DEFAULT_GROUP_ID = -1001000000002;

const ALBUM_KINDS = ["photo", "video", "document", "audio"] as const;

/** A summary of the sandbox world (GET /sandbox/state). */
export interface SandboxState {
  apiRoot: string;
  bot: TelegramUser;
  creator: TelegramUser;
  channel: { id: number; title?: string; username?: string; linked_chat_id?: number };
  group: { id: number; title?: string; username?: string; linked_chat_id?: number };
  users: TelegramUser[];
  blocked: number[];
  botRights: { channel: ChannelRights | null; group: GroupRights | null };
  rateLimits: boolean;
  autoForwardDelayMs: number;
  pendingUpdates: number;
  /** Each channel post (the cards) and the group message that is its thread root, if it appeared yet. */
  roots: Array<{ postId: number; rootId?: number; preview: string }>;
  pinned: { channel: number[]; group: number[] };
  webhook: WebhookInfo;
}

function rightsOrNull<T>(all: T, given: Partial<T> | null | undefined): T | null {
  if (given === null) return null;
  return { ...all, ...(given ?? {}) };
}

function previewOf(m: MessageRecord): string {
  const c = m.content;
  const text = (c.text ?? c.caption ?? "") as string;
  return text || (m.pinnedId !== undefined ? "(pinned a message)" : `(${Object.keys(c)[0] ?? "service"})`);
}

/**
 * A fake Telegram Bot API server over real HTTP, plus helpers to act as the people around the
 * bot (customers, staff, the channel) and to read what each chat shows. Start one with
 * `startSandbox`.
 */
export class Sandbox {
  readonly apiRoot: string;
  readonly token: string;
  readonly bot: TelegramUser;
  readonly channelId: number;
  readonly groupId: number;
  /** The channel's and group's creator (owner). */
  readonly creator: TelegramUser;
  /** Every Bot API request (when logRequests is on), oldest first; the API appends to it live. */
  readonly requests: RequestLogEntry[];

  private constructor(
    private readonly engine: Engine,
    private readonly api: BotApi,
    private readonly faults: FaultInjector,
    private readonly limiter: RateLimiter,
    private readonly feed: ChangeFeed,
    private readonly clock: Clock,
    private readonly server: Server,
    private readonly control: ControlApi,
    port: number,
    log: RequestLogEntry[],
  ) {
    const w = engine.world;
    this.requests = log;
    this.apiRoot = `http://127.0.0.1:${port}`;
    this.token = api.token;
    this.bot = { ...w.bot };
    this.channelId = w.channelId;
    this.groupId = w.groupId;
    this.creator = { ...w.creator };
  }

  /** Starts a sandbox listening on 127.0.0.1. */
  static async start(opts: SandboxOptions = {}): Promise<Sandbox> {
    const token = opts.token ?? DEFAULT_TOKEN;
    const tokenId = Number(token.split(":")[0]);
    const bot: TelegramUser = {
      id: opts.bot?.id ?? (Number.isSafeInteger(tokenId) && tokenId > 0 ? tokenId : 123456),
      is_bot: true,
      first_name: opts.bot?.first_name ?? "Clientes Sandbox",
      username: opts.bot?.username ?? "clientes_sandbox_bot",
    };
    const creator: TelegramUser = { id: 100_000_001, is_bot: false, first_name: "Olivia", last_name: "Owner", username: "olivia_owner" };
    const channelId = opts.channel?.id ?? DEFAULT_CHANNEL_ID;
    const groupId = opts.group?.id ?? DEFAULT_GROUP_ID;
    const world = new World(
      bot,
      creator,
      channelId,
      groupId,
      opts.group?.linked ?? true,
      {
        channel: rightsOrNull(ALL_CHANNEL_RIGHTS, opts.botRights?.channel),
        group: rightsOrNull(ALL_GROUP_RIGHTS, opts.botRights?.group),
      },
      opts.groupExtraMembers ?? 0,
    );
    world.addChat({ id: channelId, type: "channel", title: opts.channel?.title ?? "Support cards", ...(opts.channel?.username ? { username: opts.channel.username } : {}) });
    world.addChat({ id: groupId, type: "supergroup", title: opts.group?.title ?? "Support cards chat" });
    const clock = new Clock(opts.now ?? Date.now);
    const feed = new ChangeFeed(() => clock.now());
    const engine = new Engine(world, clock, feed, {
      supportsInlineQueries: opts.bot?.supportsInlineQueries ?? true,
      canReadAllGroupMessages: opts.bot?.canReadAllGroupMessages ?? false,
      autoForwardDelayMs: opts.autoForwardDelayMs ?? 0,
      pollGuards: opts.pollGuards ?? { sameOffsetMinWaitMs: 3000, sameOffsetLimitOneMs: 500 },
      callbackAnswerTimeoutMs: opts.callbackAnswerTimeoutMs ?? 15_000,
      webhook: { timeoutMs: opts.webhookTimeoutMs ?? 60_000, retryUnitMs: opts.webhookRetryUnitMs ?? 1000 },
    });
    engine.webhook.floodControl = opts.rateLimits ?? false;
    const limiter = new RateLimiter(() => clock.now(), { ...TELEGRAM_LIMITS, ...opts.limitRules });
    const faults = new FaultInjector();
    const log: RequestLogEntry[] = [];
    const api = new BotApi(engine, token, limiter, faults, feed, opts.logRequests === false ? undefined : log, opts.rateLimits ?? false);
    let sandbox: Sandbox | undefined;
    const control = new ControlApi(() => sandbox!);
    const { server, port } = await listen(opts.port ?? 0, [
      async (req, res, url) => {
        const path = botPath(url.pathname);
        if (!path) return false;
        const params = await readParams(req, url);
        const answer = await api.handle(path.token, path.method, params);
        sendJson(res, answer.status, answer.body);
        return true;
      },
      (req, res, url) => control.route(req, res, url),
    ]);
    sandbox = new Sandbox(engine, api, faults, limiter, feed, clock, server, control, port, log);
    return sandbox;
  }

  /** Stops the server; pending long polls end (empty), SSE streams close. */
  async close(): Promise<void> {
    this.engine.close();
    this.control.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ------------------------------------------------------------------ people

  /** Adds a person (customer, staff, stranger: just a user). `is_bot` makes another bot. */
  addUser(u: { first_name?: string; last_name?: string; username?: string; id?: number; language_code?: string; is_bot?: boolean } = {}): TelegramUser {
    const user = this.engine.world.addUser(u);
    this.feed.emit("user", { userId: user.id });
    return { ...user };
  }

  /** Makes a user an administrator of the channel or the group (e.g. staff who are channel admins). */
  makeAdmin(chat: "channel" | "group", userId: number, rights?: Partial<ChannelRights> | Partial<GroupRights>): void {
    const w = this.engine.world;
    w.user(userId);
    const all = chat === "channel" ? ALL_CHANNEL_RIGHTS : ALL_GROUP_RIGHTS;
    const chatId = chat === "channel" ? this.channelId : this.groupId;
    const before = memberOf(w, w.chat(chatId), userId);
    let admins = w.admins.get(chatId);
    if (!admins) w.admins.set(chatId, (admins = new Map()));
    admins.set(userId, { ...all, ...(rights ?? {}) });
    this.feed.emit("settings", { admin: userId, chatId });
    announceMemberChange(this.engine, chatId, w.creator, before, memberOf(w, w.chat(chatId), userId));
  }

  /**
   * A user joins the discussion group (by its link, or added by `addedBy`): the group shows a
   * new_chat_members service message (which the bot gets), and an administrator bot that listed
   * "chat_member" in allowed_updates gets a chat_member update (left → member).
   */
  joinGroup(userId: number, opts: { addedBy?: number } = {}): TelegramMessage {
    return this.render(joinGroup(this.engine, userId, opts.addedBy));
  }

  /** A member leaves the group: left_chat_member service message and a chat_member update. */
  leaveGroup(userId: number): TelegramMessage {
    return this.render(leaveGroup(this.engine, userId));
  }

  /** A user's ChatMember status in a chat: "creator", "administrator", "member", "kicked" or "left". */
  memberStatus(chatId: number, userId: number): string {
    return String(memberOf(this.engine.world, this.engine.world.chat(chatId), userId).status);
  }

  /**
   * A user presses an inline button with `data` under a message of the bot: the bot gets a
   * callback_query (id, from, message, chat_instance, data), which it must answer with
   * answerCallbackQuery within callbackAnswerTimeoutMs. The press is taken as given, even if
   * the message no longer shows that button (an app may still show an old keyboard).
   */
  pressButton(userId: number, chatId: number, messageId: number, data: string): TelegramCallbackQuery {
    return this.engine.callbacks.press(userId, chatId, messageId, data) as unknown as TelegramCallbackQuery;
  }

  /** The bot's answer to a press (answerCallbackQuery), once it gave one. */
  callbackAnswer(callbackQueryId: string): CallbackAnswer | undefined {
    return this.engine.callbacks.get(callbackQueryId)?.answer;
  }

  /** Every button press, oldest first, with the bot's answer when it gave one. */
  callbackPresses(): CallbackPress[] {
    return this.engine.callbacks.list();
  }

  /** A customer writes to the bot (the private chat id is the user id). */
  sendPrivate(userId: number, content: Content, opts: { replyTo?: number } = {}): TelegramMessage {
    const user = this.engine.world.user(userId);
    this.startChat(userId);
    const rec = this.engine.personMessage(userId, { kind: "user", user }, storedFromContent(content, this.engine.files, this.engine.formatOptions), opts);
    return this.render(rec);
  }

  /** A customer sends an album: one message (and one update) per item, sharing a media_group_id. */
  sendAlbum(userId: number, items: Content[]): TelegramMessage[] {
    const user = this.engine.world.user(userId);
    if (items.length < 2 || items.length > 10) throw new SandboxUsageError(`an album has 2-10 items, got ${items.length}`);
    const contents = items.map((item) => {
      const stored = storedFromContent(item, this.engine.files, this.engine.formatOptions);
      if (!ALBUM_KINDS.some((k) => stored[k] !== undefined)) throw new SandboxUsageError("album items are photos, videos, documents or audios");
      return stored;
    });
    this.startChat(userId);
    const mediaGroupId = this.engine.world.newMediaGroupId();
    return contents.map((c) => this.render(this.engine.personMessage(userId, { kind: "user", user }, c, { mediaGroupId })));
  }

  /** A customer edits one of their messages: the bot gets an edited_message. */
  editPrivate(userId: number, messageId: number, content: Content): TelegramMessage {
    const rec = this.ownMessage(userId, messageId, userId);
    this.engine.editMessage(rec, storedFromContent(content, this.engine.files, this.engine.formatOptions, rec.content), { byBot: false });
    return this.render(rec);
  }

  /** The customer blocks the bot: sends to them fail with 403, the bot gets my_chat_member. */
  blockBot(userId: number): void {
    this.engine.setBlocked(userId, true);
  }

  unblockBot(userId: number): void {
    this.engine.setBlocked(userId, false);
  }

  /**
   * A message in the discussion group replying to `replyTo` (the root forward or any message
   * of its thread). "channel" posts it as the channel (from = Channel_Bot, sender_chat = channel).
   */
  comment(as: number | "channel", replyTo: number, content: Content): TelegramMessage {
    const rec = this.engine.personMessage(this.groupId, this.sender(as), storedFromContent(content, this.engine.files, this.engine.formatOptions), { replyTo });
    return this.render(rec);
  }

  /** Someone posts an album as one comment in a thread: one update per item, one media_group_id. */
  commentAlbum(as: number | "channel", replyTo: number, items: Content[]): TelegramMessage[] {
    if (items.length < 2 || items.length > 10) throw new SandboxUsageError(`an album has 2-10 items, got ${items.length}`);
    const contents = items.map((item) => {
      const stored = storedFromContent(item, this.engine.files, this.engine.formatOptions);
      if (!ALBUM_KINDS.some((k) => stored[k] !== undefined)) throw new SandboxUsageError("album items are photos, videos, documents or audios");
      return stored;
    });
    const mediaGroupId = this.engine.world.newMediaGroupId();
    return contents.map((c) => this.render(this.engine.personMessage(this.groupId, this.sender(as), c, { replyTo, mediaGroupId })));
  }

  /** A customer pins a message in their chat with the bot: the bot gets the service message. */
  pinPrivate(userId: number, messageId: number): void {
    if (!this.engine.world.liveMessage(userId, messageId)) throw new SandboxUsageError(`message ${messageId} does not exist in chat ${userId}`, 404);
    this.engine.pin(userId, messageId, false, this.engine.world.user(userId));
  }

  /** A general message in the group (optionally a reply). */
  postInGroup(as: number | "channel" | "anonymous_admin", content: Content, opts: { replyTo?: number } = {}): TelegramMessage {
    const rec = this.engine.personMessage(this.groupId, this.sender(as), storedFromContent(content, this.engine.files, this.engine.formatOptions), opts);
    return this.render(rec);
  }

  /** An administrator posts in the channel: channel_post update, then the automatic forward. */
  postInChannel(content: Content): TelegramMessage {
    const rec = this.engine.personMessage(this.channelId, { kind: "channel" }, storedFromContent(content, this.engine.files, this.engine.formatOptions));
    return this.render(rec);
  }

  /** A person edits their message in the group, or an admin ("channel") edits a channel post. */
  editInChat(chatId: number, as: number | "channel", messageId: number, content: Content): TelegramMessage {
    const w = this.engine.world;
    const rec = w.liveMessage(chatId, messageId);
    if (!rec) throw new SandboxUsageError(`message ${messageId} does not exist in chat ${chatId}`, 404);
    const mine = as === "channel" ? rec.senderChatId === this.channelId : rec.from?.id === as && rec.senderChatId === undefined;
    if (!mine) throw new SandboxUsageError(`message ${messageId} in chat ${chatId} was not sent by ${as}`);
    this.engine.editMessage(rec, storedFromContent(content, this.engine.files, this.engine.formatOptions, rec.content), { byBot: false });
    return this.render(rec);
  }

  /** Someone deletes a message (Telegram sends bots no update for this). */
  deleteAs(chatId: number, messageId: number): void {
    const rec = this.engine.world.liveMessage(chatId, messageId);
    if (!rec) throw new SandboxUsageError(`message ${messageId} does not exist in chat ${chatId}`, 404);
    this.engine.deleteMessage(rec);
  }

  /** A user types "@bot query": resolves with what the bot answered via answerInlineQuery. */
  async inlineQuery(userId: number, query: string, opts: { offset?: string; chatType?: string; timeoutMs?: number } = {}): Promise<InlineAnswer> {
    return this.engine.inlineQuery(userId, query, opts);
  }

  /** The user picks an inline result: a message with via_bot appears in that chat. */
  sendInlineResult(userId: number, chatId: number, answer: InlineAnswer, resultId: string, opts: { replyTo?: number } = {}): TelegramMessage {
    const w = this.engine.world;
    const user = w.user(userId);
    const result = answer.results.find((r) => String(r.id) === resultId);
    if (!result) throw new SandboxUsageError(`the answer has no result with id "${resultId}"`, 404);
    const chat = w.chat(chatId);
    if (chat.type === "private" && chat.id !== userId) throw new SandboxUsageError("private chats between people are not modelled: pick the user's chat with the bot or the group");
    if (chat.type === "channel") throw new SandboxUsageError("people post in the channel as the channel: use postInChannel");
    if (chat.type === "private") this.startChat(userId);
    const rec = this.engine.personMessage(chatId, { kind: "user", user }, contentOfInlineResult(result, this.engine.files, this.engine.formatOptions), {
      ...opts,
      viaBot: true,
      ...(result.reply_markup !== undefined ? { replyMarkup: result.reply_markup } : {}),
    });
    return this.render(rec);
  }

  // ------------------------------------------------------------------ readers

  /** All live messages of a chat, in id order, latest content. */
  messages(chatId: number): TelegramMessage[] {
    const w = this.engine.world;
    // A user who never wrote to the bot has an empty private chat.
    if (!w.chats.has(chatId) && w.users.has(chatId)) return [];
    return w.liveMessages(chatId).map((m) => this.render(m));
  }

  message(chatId: number, id: number): TelegramMessage | undefined {
    const rec = this.engine.world.liveMessage(chatId, id);
    return rec ? this.render(rec) : undefined;
  }

  /** The comment thread of an automatic forward: the root first, then its messages. */
  thread(rootId: number): TelegramMessage[] {
    return this.engine.world.threadMessages(rootId).map((m) => this.render(m));
  }

  /** The group message id of a channel post's automatic forward (once it appeared). */
  rootFor(channelPostId: number): number | undefined {
    return this.engine.world.roots.get(channelPostId);
  }

  /** Pinned message ids of a chat, most recent last. */
  pinned(chatId: number): number[] {
    return [...this.engine.world.chat(chatId).pinned];
  }

  /** The most recently pinned message of a chat (what the app's pinned bar shows), if any. */
  pinnedMessage(chatId: number): TelegramMessage | undefined {
    const id = this.engine.world.chat(chatId).pinned.at(-1);
    return id === undefined ? undefined : this.message(chatId, id);
  }

  /** The webhook as getWebhookInfo reports it (url "" when the bot polls). */
  webhookInfo(): WebhookInfo {
    return this.engine.webhook.info();
  }

  /** Updates queued for the bot and not yet confirmed by getUpdates' offset. */
  pendingUpdates(): TelegramUpdate[] {
    return this.engine.updates.pendingUpdates() as unknown as TelegramUpdate[];
  }

  /** Whether a getUpdates long poll is waiting (e.g. the daemon is up and idle). */
  isPolling(): boolean {
    return this.engine.updates.polling;
  }

  /** The last chat action (sendChatAction) the bot sent to a chat. */
  chatAction(chatId: number): string | undefined {
    return this.engine.chatActions.get(chatId)?.action;
  }

  /** Whether a user has blocked the bot. */
  isBlocked(userId: number): boolean {
    return this.engine.world.blocked.has(userId);
  }

  state(): SandboxState {
    const w = this.engine.world;
    const chatInfo = (id: number) => {
      const c = w.chat(id);
      const linked = w.linked ? (id === this.channelId ? this.groupId : this.channelId) : undefined;
      return { id, ...(c.title ? { title: c.title } : {}), ...(c.username ? { username: c.username } : {}), ...(linked ? { linked_chat_id: linked } : {}) };
    };
    return {
      apiRoot: this.apiRoot,
      bot: { ...w.bot },
      creator: { ...w.creator },
      channel: chatInfo(this.channelId),
      group: chatInfo(this.groupId),
      users: [...w.users.values()].map((u) => ({ ...u })),
      blocked: [...w.blocked],
      botRights: structuredClone(w.botRights),
      rateLimits: this.api.rateLimits,
      autoForwardDelayMs: this.engine.forwarder.delay,
      pendingUpdates: this.engine.updates.pendingUpdates().length,
      roots: w
        .liveMessages(this.channelId)
        .filter((m) => m.pinnedId === undefined)
        .map((m) => ({ postId: m.id, ...(w.roots.has(m.id) ? { rootId: w.roots.get(m.id)! } : {}), preview: previewOf(m) })),
      pinned: { channel: this.pinned(this.channelId), group: this.pinned(this.groupId) },
      webhook: this.webhookInfo(),
    };
  }

  // ------------------------------------------------------------------ faults, limits, time

  /** The next `count` (default 1) calls matching method/chat fail exactly so, with no effect. */
  failNext(opts: FaultSpec): void {
    this.faults.add(opts);
    this.feed.emit("settings", { failNext: opts });
  }

  /**
   * Starts the update ids again, as Telegram does after a week without updates: the next
   * update gets `firstId` (random when omitted), which may be below the bot's offset. Needs
   * an empty queue. Returns the id chosen.
   */
  restartUpdateIds(firstId?: number): number {
    const id = this.engine.updates.restartIds(firstId);
    this.feed.emit("settings", { restartUpdateIds: id });
    return id;
  }

  setRateLimits(on: boolean): void {
    this.api.rateLimits = on;
    this.engine.webhook.floodControl = on;
    if (!on) this.limiter.reset();
    this.feed.emit("settings", { rateLimits: on });
  }

  /**
   * Changes the bot's rights (merged over all rights); null = not an administrator. Like an
   * admin doing it in Telegram: when anything changed, the bot gets a my_chat_member update
   * from the creator (old and new ChatMember).
   */
  setBotRights(chat: "channel" | "group", rights: Partial<ChannelRights> | Partial<GroupRights> | null): void {
    const w = this.engine.world;
    const chatId = chat === "channel" ? this.channelId : this.groupId;
    const before = botMember(w, chatId);
    if (chat === "channel") w.botRights.channel = rightsOrNull(ALL_CHANNEL_RIGHTS, rights as Partial<ChannelRights> | null);
    else w.botRights.group = rightsOrNull(ALL_GROUP_RIGHTS, rights as Partial<GroupRights> | null);
    this.feed.emit("settings", { botRights: chat });
    const after = botMember(w, chatId);
    if (!isDeepStrictEqual(before, after) && this.engine.updates.push("my_chat_member", botMemberUpdate(w, chatId, before, after, this.clock.unix()))) {
      this.feed.emit("update", { updateType: "my_chat_member", chatId });
    }
  }

  setAutoForwardDelay(ms: number): void {
    this.engine.forwarder.setDelay(ms);
    this.feed.emit("settings", { autoForwardDelayMs: ms });
  }

  /** Moves the sandbox clock forward: messages age (48 h edit window), rate-limit windows pass. */
  advanceClock(ms: number): void {
    this.clock.advance(ms);
    this.feed.emit("settings", { advanceClock: ms });
  }

  /** Calls `listener` on every state change; returns the unsubscribe function. */
  subscribe(listener: (event: SandboxEvent) => void): () => void {
    return this.feed.subscribe(listener);
  }

  /**
   * Resolves with predicate's value once it is neither undefined, null nor false; re-checked
   * after every state change. Rejects after `timeoutMs` (default 5000) naming `what`.
   */
  waitFor<T>(predicate: (sb: Sandbox) => T | undefined | null | false, timeoutMs = 5000, what?: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let unsubscribe = () => {};
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        unsubscribe();
        clearTimeout(timer);
      };
      const check = (): boolean => {
        try {
          const value = predicate(this);
          if (value === undefined || value === null || value === false) return false;
          done();
          resolve(value as T);
        } catch (error) {
          done();
          reject(error);
        }
        return true;
      };
      if (check()) return;
      unsubscribe = this.feed.subscribe(() => void check());
      timer = setTimeout(() => {
        done();
        reject(new Error(`sandbox.waitFor${what ? ` (${what})` : ""} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
    });
  }

  // ------------------------------------------------------------------ internals

  private render(rec: MessageRecord): TelegramMessage {
    return this.engine.world.render(rec);
  }

  /** The user opens (or reopens, unblocking) their chat with the bot. */
  private startChat(userId: number): void {
    const w = this.engine.world;
    w.privateChat(userId);
    if (w.blocked.has(userId)) this.engine.setBlocked(userId, false);
    w.started.add(userId);
  }

  private sender(as: number | "channel" | "anonymous_admin"): Sender {
    if (as === "channel") return { kind: "channel" };
    if (as === "anonymous_admin") return { kind: "anonymous_admin" };
    return { kind: "user", user: this.engine.world.user(as) };
  }

  private ownMessage(userId: number, messageId: number, chatId: number): MessageRecord {
    const rec = this.engine.world.liveMessage(chatId, messageId);
    if (!rec) throw new SandboxUsageError(`message ${messageId} does not exist in chat ${chatId}`, 404);
    if (rec.from?.id !== userId) throw new SandboxUsageError(`message ${messageId} in chat ${chatId} was not sent by user ${userId}`);
    return rec;
  }
}

/** Starts a sandbox (see SandboxOptions). Close it with `await sandbox.close()`. */
export function startSandbox(opts?: SandboxOptions): Promise<Sandbox> {
  return Sandbox.start(opts);
}
