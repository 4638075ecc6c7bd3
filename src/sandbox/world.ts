import type { TelegramChat, TelegramMessage, TelegramUser } from "@gramio/types";
import type { Stored } from "./content.ts";
import { SandboxUsageError } from "./errors.ts";
import type { ChannelRights, GroupRights } from "./types.ts";

/** Telegram's service account that authors automatic forwards. */
export const TELEGRAM_SERVICE_USER: TelegramUser = { id: 777000, is_bot: false, first_name: "Telegram" };
/** The fake user shown as `from` of messages sent on behalf of a channel. */
export const CHANNEL_BOT_USER: TelegramUser = { id: 136817688, is_bot: true, first_name: "Channel", username: "Channel_Bot" };
/** The fake user shown as `from` of an anonymous group admin's messages. */
export const GROUP_ANONYMOUS_BOT_USER: TelegramUser = { id: 1087968824, is_bot: true, first_name: "Group", username: "GroupAnonymousBot" };

export type ChatType = "private" | "supergroup" | "channel";

/** One message as stored: content plus who sent it where; rendered to Telegram's JSON on demand. */
export interface MessageRecord {
  chatId: number;
  id: number;
  date: number;
  /** The user shown as `from` (absent for channel posts). */
  from?: TelegramUser;
  /** The chat the message was sent on behalf of. */
  senderChatId?: number;
  /** Sent by the sandbox's bot: the bot gets no update for it, and may edit it. */
  byBot: boolean;
  content: Stored;
  replyTo?: number;
  threadId?: number;
  /** forward_origin and the legacy forward_* fields. */
  forward?: Stored;
  isAutomaticForward?: boolean;
  /** For an automatic forward: the channel post it copies. */
  forwardOfPost?: number;
  viaBot?: boolean;
  mediaGroupId?: string;
  editDate?: number;
  authorSignature?: string;
  replyMarkup?: unknown;
  /** Service message: the pinned message's id. */
  pinnedId?: number;
  deleted: boolean;
}

export interface ChatRecord {
  id: number;
  type: ChatType;
  title?: string;
  username?: string;
  nextMessageId: number;
  messages: Map<number, MessageRecord>;
  /** Pinned message ids, most recent last. */
  pinned: number[];
}

/**
 * The sandbox's Telegram: people, the three kinds of chats, their messages, rights and
 * membership. Pure state plus rendering to Bot API JSON; no updates, no HTTP.
 */
export class World {
  readonly users = new Map<number, TelegramUser>();
  readonly chats = new Map<number, ChatRecord>();
  /** Users who blocked the bot. */
  readonly blocked = new Set<number>();
  /** Users who ever wrote to the bot (the bot may write to them). */
  readonly started = new Set<number>();
  /** Other administrators per chat (the creator and the bot are handled apart). */
  readonly admins = new Map<number, Map<number, Stored>>();
  readonly banned = new Map<number, Set<number>>();
  /** Explicit ordinary members per chat, beyond creator, bot and admins. */
  readonly members = new Map<number, Set<number>>();
  /** Channel post id -> id of its automatic forward in the group. */
  readonly roots = new Map<number, number>();
  botRights: { channel: ChannelRights | null; group: GroupRights | null };
  groupExtraMembers: number;
  private nextUserId = 200_000_001;
  private mediaGroupSeq = 0;

  constructor(
    readonly bot: TelegramUser,
    readonly creator: TelegramUser,
    readonly channelId: number,
    readonly groupId: number,
    readonly linked: boolean,
    rights: { channel: ChannelRights | null; group: GroupRights | null },
    groupExtraMembers: number,
  ) {
    this.botRights = rights;
    this.groupExtraMembers = groupExtraMembers;
    this.users.set(creator.id, creator);
  }

  addChat(chat: Omit<ChatRecord, "nextMessageId" | "messages" | "pinned">): ChatRecord {
    const record: ChatRecord = { ...chat, nextMessageId: 1, messages: new Map(), pinned: [] };
    this.chats.set(chat.id, record);
    return record;
  }

  addUser(u: Partial<TelegramUser> = {}): TelegramUser {
    const id = u.id ?? this.nextUserId++;
    if (this.users.has(id) || id === this.bot.id) throw new SandboxUsageError(`a user with id ${id} already exists`);
    if (id >= this.nextUserId) this.nextUserId = id + 1;
    const user: TelegramUser = { id, is_bot: u.is_bot ?? false, first_name: u.first_name ?? `User ${id}` };
    if (u.last_name) user.last_name = u.last_name;
    if (u.username) user.username = u.username;
    if (u.language_code) user.language_code = u.language_code;
    this.users.set(id, user);
    return user;
  }

  user(id: number): TelegramUser {
    const u = this.users.get(id);
    if (!u) throw new SandboxUsageError(`unknown user ${id}: create it with addUser first`, 404);
    return u;
  }

  /** The private chat with a user, created on first use. */
  privateChat(userId: number): ChatRecord {
    this.user(userId);
    return this.chats.get(userId) ?? this.addChat({ id: userId, type: "private" });
  }

  chat(id: number): ChatRecord {
    const c = this.chats.get(id);
    if (!c) throw new SandboxUsageError(`unknown chat ${id}`, 404);
    return c;
  }

  /** A chat_id parameter (number or "@username") to a chat the bot can see, or undefined. */
  resolveChatParam(value: string): ChatRecord | undefined {
    const v = value.trim();
    if (v.startsWith("@")) {
      const name = v.slice(1).toLowerCase();
      for (const c of this.chats.values()) if (c.type !== "private" && c.username?.toLowerCase() === name) return c;
      return undefined;
    }
    if (!/^-?\d+$/.test(v)) return undefined;
    const id = Number(v);
    // Every user the sandbox knows has a private chat with the bot (writing to it may still be forbidden).
    if (this.users.has(id)) return this.privateChat(id);
    return this.chats.get(id);
  }

  newMediaGroupId(): string {
    return String(13_900_000_000_000_000n + BigInt(++this.mediaGroupSeq));
  }

  /** Stores a new message with the next id of its chat. */
  addMessage(chatId: number, date: number, fields: Omit<MessageRecord, "chatId" | "id" | "date" | "deleted">): MessageRecord {
    const chat = this.chat(chatId);
    const rec: MessageRecord = { chatId, id: chat.nextMessageId++, date, deleted: false, ...fields };
    chat.messages.set(rec.id, rec);
    return rec;
  }

  /** A live (not deleted) message, or undefined. */
  liveMessage(chatId: number, id: number): MessageRecord | undefined {
    const m = this.chats.get(chatId)?.messages.get(id);
    return m && !m.deleted ? m : undefined;
  }

  /**
   * The thread a reply joins: in the (non-forum) supergroup, replies to a message form its
   * thread, so a reply to the automatic forward or to anything under it gets the root's id.
   */
  threadFor(chatId: number, parent: MessageRecord | undefined): number | undefined {
    if (!parent || this.chat(chatId).type !== "supergroup") return undefined;
    return parent.threadId ?? parent.id;
  }

  /** The thread of an automatic forward: the root, then every live message in it, in id order. */
  threadMessages(rootId: number): MessageRecord[] {
    const group = this.chat(this.groupId);
    const root = group.messages.get(rootId);
    const out: MessageRecord[] = [];
    if (root && !root.deleted) out.push(root);
    for (const m of group.messages.values()) if (!m.deleted && m.threadId === rootId) out.push(m);
    return out;
  }

  isAdmin(chatId: number, userId: number): boolean {
    if (userId === this.creator.id && (chatId === this.channelId || chatId === this.groupId)) return true;
    if (userId === this.bot.id) return this.botRightsIn(chatId) !== null;
    return this.admins.get(chatId)?.has(userId) ?? false;
  }

  botRightsIn(chatId: number): ChannelRights | GroupRights | null {
    if (chatId === this.channelId) return this.botRights.channel;
    if (chatId === this.groupId) return this.botRights.group;
    return null;
  }

  /** A bot right in a chat (false when the bot is not an administrator there). */
  botCan(chatId: number, right: string): boolean {
    const rights = this.botRightsIn(chatId) as Record<string, boolean> | null;
    return rights?.[right] === true;
  }

  chatObject(chatId: number): TelegramChat {
    const c = this.chat(chatId);
    if (c.type === "private") {
      const u = this.user(c.id);
      const out: TelegramChat = { id: c.id, first_name: u.first_name } as TelegramChat;
      if (u.last_name) out.last_name = u.last_name;
      if (u.username) out.username = u.username;
      out.type = "private";
      return out;
    }
    const out = { id: c.id, title: c.title } as TelegramChat;
    if (c.username) out.username = c.username;
    out.type = c.type;
    return out;
  }

  /**
   * The Bot API JSON of a stored message. `nested` renders a reply_to_message (which never
   * has one of its own, nor a pinned_message).
   */
  render(rec: MessageRecord, nested = false): TelegramMessage {
    const out: Record<string, unknown> = { message_id: rec.id };
    if (rec.threadId !== undefined) out.message_thread_id = rec.threadId;
    if (rec.from) out.from = { ...rec.from };
    if (rec.senderChatId !== undefined) out.sender_chat = this.chatObject(rec.senderChatId);
    out.chat = this.chatObject(rec.chatId);
    out.date = rec.date;
    if (rec.forward) Object.assign(out, structuredClone(rec.forward));
    if (rec.isAutomaticForward) out.is_automatic_forward = true;
    if (!nested && rec.replyTo !== undefined) {
      const parent = this.liveMessage(rec.chatId, rec.replyTo);
      if (parent) out.reply_to_message = this.render(parent, true);
    }
    if (rec.viaBot) out.via_bot = { ...this.bot };
    if (rec.editDate !== undefined) out.edit_date = rec.editDate;
    if (rec.mediaGroupId !== undefined) out.media_group_id = rec.mediaGroupId;
    if (rec.authorSignature !== undefined) out.author_signature = rec.authorSignature;
    Object.assign(out, structuredClone(rec.content));
    if (rec.pinnedId !== undefined && !nested) {
      const pinned = this.chat(rec.chatId).messages.get(rec.pinnedId);
      out.pinned_message = pinned && !pinned.deleted ? this.render(pinned, true) : { chat: this.chatObject(rec.chatId), message_id: rec.pinnedId, date: 0 };
    }
    if (rec.replyMarkup !== undefined) out.reply_markup = structuredClone(rec.replyMarkup);
    return out as unknown as TelegramMessage;
  }

  /** Every live message of a chat, in id order. */
  liveMessages(chatId: number): MessageRecord[] {
    return [...this.chat(chatId).messages.values()].filter((m) => !m.deleted);
  }

  /** Member count as getChatMemberCount reports it. */
  memberCount(chatId: number): number {
    const c = this.chat(chatId);
    if (c.type === "private") return 2;
    const ids = new Set<number>([this.creator.id, this.bot.id]);
    for (const id of this.admins.get(chatId)?.keys() ?? []) ids.add(id);
    for (const id of this.members.get(chatId) ?? []) ids.add(id);
    for (const id of this.banned.get(chatId) ?? []) ids.delete(id);
    return ids.size + (chatId === this.groupId ? this.groupExtraMembers : 0);
  }

  isBanned(chatId: number, userId: number): boolean {
    return this.banned.get(chatId)?.has(userId) ?? false;
  }

  setOf<K>(map: Map<number, Set<K>>, chatId: number): Set<K> {
    let s = map.get(chatId);
    if (!s) map.set(chatId, (s = new Set()));
    return s;
  }
}
