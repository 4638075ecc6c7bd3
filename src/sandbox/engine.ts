import type { TelegramUser } from "@gramio/types";
import { AutoForwarder } from "./autoforward.ts";
import { CallbackQueries } from "./callbacks.ts";
import type { Clock } from "./clock.ts";
import { kindOf } from "./content.ts";
import type { Stored } from "./content.ts";
import { badRequest, SandboxUsageError } from "./errors.ts";
import type { ChangeFeed } from "./events.ts";
import { FileStore } from "./files.ts";
import type { FormatOptions } from "./text.ts";
import type { InlineAnswer, PollGuards } from "./types.ts";
import { UpdateQueue } from "./updates.ts";
import { Webhook } from "./webhook.ts";
import type { WebhookTiming } from "./webhook.ts";
import type { MessageRecord, World } from "./world.ts";
import { CHANNEL_BOT_USER, GROUP_ANONYMOUS_BOT_USER, TELEGRAM_SERVICE_USER } from "./world.ts";

/** Who a person's message is sent as. */
export type Sender =
  | { kind: "user"; user: TelegramUser }
  /** On behalf of the channel (a channel post, or a comment "as the channel" in the group). */
  | { kind: "channel" }
  /** An anonymous administrator of the group. */
  | { kind: "anonymous_admin" };

export interface EngineOptions {
  supportsInlineQueries: boolean;
  canReadAllGroupMessages: boolean;
  autoForwardDelayMs: number;
  pollGuards: PollGuards | false;
  callbackAnswerTimeoutMs: number;
  webhook: WebhookTiming;
}

interface PendingInline {
  userId: number;
  query: string;
  answered: boolean;
  resolve: (answer: InlineAnswer) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

const FORTY_EIGHT_HOURS = 48 * 3600;

/**
 * What happens in the sandbox's Telegram when someone acts: messages are stored, the bot's
 * updates are produced (never for its own messages), channel posts are forwarded into the
 * discussion group, edits of posts reach their copies. Shared by the Bot API methods and by
 * the Sandbox's "acting as people" helpers.
 */
export class Engine {
  readonly files = new FileStore();
  readonly updates: UpdateQueue;
  readonly forwarder: AutoForwarder;
  readonly webhook: Webhook;
  readonly callbacks: CallbackQueries;
  /** setMyCommands storage: key = scope JSON + language code. */
  readonly commands = new Map<string, Array<{ command: string; description: string }>>();
  /** Last chat action the bot sent, per chat (for the demo page). */
  readonly chatActions = new Map<number, { action: string; at: number }>();
  /** text_mention entities name users the bot knows. */
  readonly formatOptions: FormatOptions;
  private readonly inline = new Map<string, PendingInline>();
  private inlineSeq = 0;
  /** Channel media group id -> the media group id of its automatic forwards. */
  private readonly forwardedGroups = new Map<string, string>();

  constructor(
    readonly world: World,
    readonly clock: Clock,
    readonly feed: ChangeFeed,
    readonly options: EngineOptions,
  ) {
    this.formatOptions = { resolveUser: (id) => (id === world.bot.id ? { ...world.bot } : world.users.get(id)) };
    this.updates = new UpdateQueue(options.pollGuards, (type, detail) => feed.emit(type, detail), () => this.clock.unix());
    this.forwarder = new AutoForwarder(options.autoForwardDelayMs, (postId) => this.materializeForward(postId));
    this.webhook = new Webhook(this.updates, clock, feed, options.webhook);
    this.callbacks = new CallbackQueries(world, clock, this.updates, feed, options.callbackAnswerTimeoutMs);
  }

  close(): void {
    this.webhook.close();
    this.updates.close();
    this.forwarder.close();
    for (const [id, q] of this.inline) {
      clearTimeout(q.timer);
      if (!q.answered) q.reject(new Error("the sandbox was closed before the bot answered the inline query"));
      this.inline.delete(id);
    }
  }

  // ---------------------------------------------------------------- messages

  /** A message the bot sends: stored, no update for the bot; a channel post is auto-forwarded. */
  botMessage(
    chatId: number,
    content: Stored,
    opts: { replyTo?: number; replyMarkup?: unknown; mediaGroupId?: string; forward?: Stored } = {},
  ): MessageRecord {
    const w = this.world;
    const isChannel = chatId === w.channelId;
    const parent = opts.replyTo !== undefined ? w.liveMessage(chatId, opts.replyTo) : undefined;
    const threadId = w.threadFor(chatId, parent);
    const rec = w.addMessage(chatId, this.clock.unix(), {
      ...(isChannel ? { senderChatId: chatId } : { from: { ...w.bot } }),
      byBot: true,
      content,
      ...(parent ? { replyTo: parent.id } : {}),
      ...(threadId !== undefined ? { threadId } : {}),
      ...(opts.forward ? { forward: opts.forward } : {}),
      ...(opts.mediaGroupId ? { mediaGroupId: opts.mediaGroupId } : {}),
      ...(opts.replyMarkup !== undefined ? { replyMarkup: opts.replyMarkup } : {}),
    });
    this.feed.emit("message", { chatId, messageId: rec.id, byBot: true });
    if (isChannel) this.forwarder.enqueue(rec.id);
    return rec;
  }

  /** A message a person sends; the bot gets the update Telegram would give it. */
  personMessage(
    chatId: number,
    sender: Sender,
    content: Stored,
    opts: { replyTo?: number; mediaGroupId?: string; viaBot?: boolean; replyMarkup?: unknown } = {},
  ): MessageRecord {
    const w = this.world;
    const chat = w.chat(chatId);
    let parent: MessageRecord | undefined;
    if (opts.replyTo !== undefined) {
      parent = w.liveMessage(chatId, opts.replyTo);
      if (!parent) throw new SandboxUsageError(`message ${opts.replyTo} does not exist in chat ${chatId}`, 404);
    }
    let who: Partial<MessageRecord>;
    if (sender.kind === "user") {
      if (chat.type === "channel") throw new SandboxUsageError("people post in the channel as the channel: use postInChannel");
      who = { from: { ...sender.user } };
    } else if (sender.kind === "channel") {
      who = chat.type === "channel" ? { senderChatId: chatId } : { from: { ...CHANNEL_BOT_USER }, senderChatId: w.channelId };
    } else {
      who = { from: { ...GROUP_ANONYMOUS_BOT_USER }, senderChatId: chatId };
    }
    const threadId = w.threadFor(chatId, parent);
    const rec = w.addMessage(chatId, this.clock.unix(), {
      ...who,
      byBot: false,
      content,
      ...(parent ? { replyTo: parent.id } : {}),
      ...(threadId !== undefined ? { threadId } : {}),
      ...(opts.mediaGroupId ? { mediaGroupId: opts.mediaGroupId } : {}),
      ...(opts.viaBot ? { viaBot: true } : {}),
      ...(opts.replyMarkup !== undefined ? { replyMarkup: opts.replyMarkup } : {}),
    });
    this.feed.emit("message", { chatId, messageId: rec.id, byBot: false });
    this.deliver(rec, false);
    if (chat.type === "channel") this.forwarder.enqueue(rec.id);
    return rec;
  }

  /** Whether the bot may edit this message (own messages for 48 h; channel posts by rights). */
  botCanEdit(rec: MessageRecord): boolean {
    const w = this.world;
    // tdlib: a message with forward info can never be edited, not even by the bot that forwarded it.
    if (rec.pinnedId !== undefined || rec.viaBot || rec.forward !== undefined) return false;
    if (rec.chatId === w.channelId) {
      if (w.botCan(rec.chatId, "can_edit_messages")) return true;
      return rec.byBot && w.botCan(rec.chatId, "can_post_messages");
    }
    return rec.byBot && this.clock.unix() - rec.date <= FORTY_EIGHT_HOURS;
  }

  /** Whether the bot may delete this message (Bot API deleteMessage rules). */
  botCanDelete(rec: MessageRecord): boolean {
    const w = this.world;
    const chat = w.chat(rec.chatId);
    const fresh = this.clock.unix() - rec.date <= FORTY_EIGHT_HOURS;
    if (chat.type === "private") return fresh;
    if (w.botCan(rec.chatId, "can_delete_messages")) return true;
    if (chat.type === "channel") return rec.byBot && w.botCan(rec.chatId, "can_post_messages");
    return rec.byBot && fresh;
  }

  /**
   * Changes a message's content (and, when given, its inline keyboard). A person's edit gives
   * the bot an edited_message/edited_channel_post; editing a channel post also edits its
   * discussion copy, which the bot sees as an edited_message.
   */
  editMessage(rec: MessageRecord, content: Stored, opts: { byBot: boolean; replyMarkup?: { value: unknown } }): void {
    rec.content = content;
    if (opts.replyMarkup) {
      if (opts.replyMarkup.value === undefined) delete rec.replyMarkup;
      else rec.replyMarkup = opts.replyMarkup.value;
    }
    rec.editDate = this.clock.unix();
    this.feed.emit("edit", { chatId: rec.chatId, messageId: rec.id, byBot: opts.byBot });
    if (!opts.byBot) this.deliver(rec, true, true);
    if (rec.chatId === this.world.channelId) {
      const copyId = this.world.roots.get(rec.id);
      const copy = copyId !== undefined ? this.world.liveMessage(this.world.groupId, copyId) : undefined;
      if (copy) {
        copy.content = structuredClone(content);
        copy.editDate = rec.editDate;
        this.feed.emit("edit", { chatId: copy.chatId, messageId: copy.id, byBot: false });
        this.deliver(copy, true);
      }
    }
  }

  deleteMessage(rec: MessageRecord): void {
    rec.deleted = true;
    const chat = this.world.chat(rec.chatId);
    chat.pinned = chat.pinned.filter((id) => id !== rec.id);
    this.feed.emit("delete", { chatId: rec.chatId, messageId: rec.id });
  }

  /**
   * Pins a message. The chat gets a "pinned_message" service message; in the channel it is
   * posted by the channel, so the bot receives it as a channel_post.
   */
  pin(chatId: number, messageId: number, byBot: boolean, as?: TelegramUser): void {
    const w = this.world;
    const chat = w.chat(chatId);
    const already = chat.pinned.includes(messageId);
    chat.pinned = [...chat.pinned.filter((id) => id !== messageId), messageId];
    this.feed.emit("pin", { chatId, messageId });
    if (already) return;
    const isChannel = chatId === w.channelId;
    this.serviceMessage(chatId, byBot ? { ...w.bot } : as, {}, { byBot: byBot && !isChannel, pinnedId: messageId });
  }

  /**
   * A service message (a pin, someone joining or leaving). In the channel it is posted by the
   * channel. The bot gets it even when its own action caused it: the Bot API server does not
   * skip these outgoing kinds (Client.cpp need_skip_update_message).
   */
  serviceMessage(chatId: number, from: TelegramUser | undefined, content: Stored, opts: { byBot: boolean; pinnedId?: number }): MessageRecord {
    const w = this.world;
    const rec = w.addMessage(chatId, this.clock.unix(), {
      ...(chatId === w.channelId ? { senderChatId: chatId } : from ? { from: { ...from } } : {}),
      byBot: opts.byBot,
      content,
      ...(opts.pinnedId !== undefined ? { pinnedId: opts.pinnedId } : {}),
    });
    this.feed.emit("message", { chatId, messageId: rec.id, byBot: rec.byBot, service: true });
    this.deliver(rec, false, true);
    return rec;
  }

  unpin(chatId: number, messageId?: number): void {
    const chat = this.world.chat(chatId);
    if (messageId === undefined) chat.pinned = chat.pinned.slice(0, -1);
    else chat.pinned = chat.pinned.filter((id) => id !== messageId);
    this.feed.emit("unpin", { chatId, messageId });
  }

  unpinAll(chatId: number): void {
    this.world.chat(chatId).pinned = [];
    this.feed.emit("unpin", { chatId, all: true });
  }

  // ---------------------------------------------------------------- people and the bot

  /** A user blocks (or unblocks) the bot: the bot gets my_chat_member, sends fail with 403. */
  setBlocked(userId: number, blocked: boolean): void {
    const w = this.world;
    const user = w.user(userId);
    if (w.blocked.has(userId) === blocked) return;
    if (blocked) w.blocked.add(userId);
    else w.blocked.delete(userId);
    w.privateChat(userId);
    const member = (status: string) => (status === "kicked" ? { user: { ...w.bot }, status, until_date: 0 } : { user: { ...w.bot }, status });
    this.updates.push("my_chat_member", {
      chat: w.chatObject(userId),
      from: { ...user },
      date: this.clock.unix(),
      old_chat_member: member(blocked ? "member" : "kicked"),
      new_chat_member: member(blocked ? "kicked" : "member"),
    });
    this.feed.emit(blocked ? "block" : "unblock", { userId });
  }

  // ---------------------------------------------------------------- inline mode

  /** A user types "@bot query": the bot gets an inline_query; resolves with its answer. */
  inlineQuery(userId: number, query: string, opts: { offset?: string; chatType?: string; timeoutMs?: number } = {}): Promise<InlineAnswer> {
    const user = this.world.user(userId);
    if (!this.options.supportsInlineQueries) {
      throw new SandboxUsageError("the bot has no inline mode (start the sandbox with bot.supportsInlineQueries: true)");
    }
    const id = String(4_170_000_000_000_000_000n + BigInt(++this.inlineSeq));
    const timeoutMs = opts.timeoutMs ?? 5000;
    const payload: Stored = { id, from: { ...user }, query, offset: opts.offset ?? "" };
    if (opts.chatType) payload.chat_type = opts.chatType;
    return new Promise<InlineAnswer>((resolve, reject) => {
      const pending: PendingInline = { userId, query, answered: false, resolve, reject, timer: undefined };
      pending.timer = setTimeout(() => {
        pending.timer = undefined;
        if (!pending.answered) reject(new Error(`the bot did not answer inline query "${query}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.inline.set(id, pending);
      this.updates.push("inline_query", payload);
      this.feed.emit("inline", { userId, query, inlineQueryId: id });
    });
  }

  /** answerInlineQuery: hands the (validated) answer to the waiting user. */
  answerInline(answer: InlineAnswer): void {
    const pending = this.inline.get(answer.inline_query_id);
    if (!pending || pending.answered) throw badRequest("query is too old and response timeout expired or query ID is invalid");
    pending.answered = true;
    clearTimeout(pending.timer);
    this.inline.delete(answer.inline_query_id);
    this.feed.emit("inline", { userId: pending.userId, query: pending.query, inlineQueryId: answer.inline_query_id, answered: true });
    pending.resolve(answer);
  }

  // ---------------------------------------------------------------- updates

  /** Whether the bot is told about a new group message (privacy mode applies to non-admin bots). */
  private botSeesGroupMessage(rec: MessageRecord): boolean {
    const w = this.world;
    if (w.isAdmin(rec.chatId, w.bot.id) || this.options.canReadAllGroupMessages) return true;
    // Service messages (pins, joins, leaves) reach every bot in the group.
    if (kindOf(rec.content) === "service") return true;
    const text = String(rec.content.text ?? rec.content.caption ?? "");
    if (text.startsWith("/")) return true;
    if (w.bot.username && text.toLowerCase().includes(`@${w.bot.username.toLowerCase()}`)) return true;
    const parent = rec.replyTo !== undefined ? w.liveMessage(rec.chatId, rec.replyTo) : undefined;
    return parent?.byBot === true;
  }

  /** Queues the update for a new or edited message the bot did not send itself. */
  private deliver(rec: MessageRecord, edited: boolean, force = false): void {
    const w = this.world;
    // The bot never hears about its own messages; `force` is for someone else editing one of them.
    if (rec.byBot && !force) return;
    const chat = w.chat(rec.chatId);
    let type: string;
    if (chat.type === "channel") {
      if (w.botRightsIn(chat.id) === null) return;
      type = edited ? "edited_channel_post" : "channel_post";
    } else {
      if (chat.type === "supergroup" && !this.botSeesGroupMessage(rec)) return;
      type = edited ? "edited_message" : "message";
    }
    this.updates.push(type, w.render(rec));
  }

  /** The automatic forward of a channel post into the linked group. */
  private materializeForward(postId: number): void {
    const w = this.world;
    if (!w.linked) return;
    const post = w.chat(w.channelId).messages.get(postId);
    if (!post || post.pinnedId !== undefined) return;
    const channel = w.chatObject(w.channelId);
    const origin: Stored = { type: "channel", chat: channel, message_id: post.id, date: post.date };
    if (post.authorSignature) origin.author_signature = post.authorSignature;
    const forward: Stored = {
      forward_origin: origin,
      forward_from_chat: channel,
      forward_from_message_id: post.id,
      ...(post.authorSignature ? { forward_signature: post.authorSignature } : {}),
      forward_date: post.date,
    };
    let mediaGroupId: string | undefined;
    if (post.mediaGroupId) {
      mediaGroupId = this.forwardedGroups.get(post.mediaGroupId) ?? w.newMediaGroupId();
      this.forwardedGroups.set(post.mediaGroupId, mediaGroupId);
    }
    const rec = w.addMessage(w.groupId, this.clock.unix(), {
      from: { ...TELEGRAM_SERVICE_USER },
      senderChatId: w.channelId,
      byBot: false,
      content: structuredClone(post.content),
      forward,
      isAutomaticForward: true,
      forwardOfPost: post.id,
      ...(mediaGroupId ? { mediaGroupId } : {}),
    });
    w.roots.set(post.id, rec.id);
    this.feed.emit("message", { chatId: w.groupId, messageId: rec.id, byBot: false, automaticForwardOf: post.id });
    this.deliver(rec, false);
  }
}
