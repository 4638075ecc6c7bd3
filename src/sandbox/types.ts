import type { TelegramMessageEntity } from "@gramio/types";

/** A bot's administrator rights in the channel (Bot API 10.0 names; a channel admin has no can_pin_messages). */
export interface ChannelRights {
  is_anonymous: boolean;
  can_manage_chat: boolean;
  can_post_messages: boolean;
  can_edit_messages: boolean;
  can_delete_messages: boolean;
  can_manage_direct_messages: boolean;
  can_invite_users: boolean;
  can_change_info: boolean;
  can_restrict_members: boolean;
  can_promote_members: boolean;
  can_manage_video_chats: boolean;
  can_post_stories: boolean;
  can_edit_stories: boolean;
  can_delete_stories: boolean;
}

/** A bot's administrator rights in the discussion group (a supergroup). */
export interface GroupRights {
  is_anonymous: boolean;
  can_manage_chat: boolean;
  can_delete_messages: boolean;
  can_pin_messages: boolean;
  can_restrict_members: boolean;
  can_manage_topics: boolean;
  can_invite_users: boolean;
  can_change_info: boolean;
  can_promote_members: boolean;
  can_manage_video_chats: boolean;
  can_post_stories: boolean;
  can_edit_stories: boolean;
  can_delete_stories: boolean;
}

/** Every right granted (what "default: all rights" means). */
export const ALL_CHANNEL_RIGHTS: ChannelRights = {
  is_anonymous: false,
  can_manage_chat: true,
  can_post_messages: true,
  can_edit_messages: true,
  can_delete_messages: true,
  can_manage_direct_messages: true,
  can_invite_users: true,
  can_change_info: true,
  can_restrict_members: true,
  can_promote_members: true,
  can_manage_video_chats: true,
  can_post_stories: true,
  can_edit_stories: true,
  can_delete_stories: true,
};

/** Every right granted in the group. */
export const ALL_GROUP_RIGHTS: GroupRights = {
  is_anonymous: false,
  can_manage_chat: true,
  can_delete_messages: true,
  can_pin_messages: true,
  can_restrict_members: true,
  can_manage_topics: true,
  can_invite_users: true,
  can_change_info: true,
  can_promote_members: true,
  can_manage_video_chats: true,
  can_post_stories: true,
  can_edit_stories: true,
  can_delete_stories: true,
};

/**
 * What a person sends. Media strings are "sample names": the sandbox mints Telegram-like
 * file ids for each upload (an existing file id of the same kind is reused instead).
 */
export interface Content {
  text?: string;
  parse_mode?: string;
  entities?: TelegramMessageEntity[];
  photo?: string;
  video?: string;
  animation?: string;
  document?: string;
  audio?: string;
  voice?: string;
  video_note?: string;
  sticker?: string;
  caption?: string;
  caption_entities?: TelegramMessageEntity[];
  location?: { latitude: number; longitude: number };
  venue?: { latitude: number; longitude: number; title: string; address: string };
  contact?: { phone_number: string; first_name: string; last_name?: string };
  poll?: { question: string; options: string[] };
  dice?: { emoji?: string };
  /** Kinds a bot cannot copy. */
  game?: true;
  invoice?: true;
  paid_media?: true;
}

/** What the bot answered to an inline query (answerInlineQuery), as the user's app sees it. */
export interface InlineAnswer {
  inline_query_id: string;
  results: Array<Record<string, unknown>>;
  next_offset: string;
  cache_time: number;
  is_personal: boolean;
  button?: { text: string; start_parameter?: string; web_app?: { url: string } };
}

/** Anti busy-loop rules of getUpdates (as the Bot API server, telegram-bot-api, applies them); `false` turns them off. */
export interface PollGuards {
  /** Same offset again within this many ms: the call waits (long-polls) at least that long. Telegram: 3000. */
  sameOffsetMinWaitMs: number;
  /** Same offset again within this many ms: at most 1 update is returned. Telegram: 500. */
  sameOffsetLimitOneMs: number;
}

/** How to start a sandbox. Everything is optional. */
export interface SandboxOptions {
  /** TCP port; default 0 (any free one). The host is always 127.0.0.1. */
  port?: number;
  /** Default "123456:TEST-sandbox-token-0123456789abcdef"; the bot id is the part before ":". */
  token?: string;
  bot?: {
    id?: number;
    username?: string;
    first_name?: string;
    supportsInlineQueries?: boolean;
    canReadAllGroupMessages?: boolean;
  };
  channel?: { id?: number; title?: string; username?: string };
  group?: { id?: number; title?: string; linked?: boolean };
  /** null = the bot is not an administrator there (only an ordinary member); default: all rights. */
  botRights?: { channel?: Partial<ChannelRights> | null; group?: Partial<GroupRights> | null };
  /** Ordinary group members beyond the creator and the bot. */
  groupExtraMembers?: number;
  /** Delay before a channel post appears in the group (default 0; always asynchronous). */
  autoForwardDelayMs?: number;
  /** Telegram-like rate limits (default false). */
  rateLimits?: boolean;
  /** Other numbers for those limits (default Telegram's), e.g. a smaller per-group budget so a test fills it in seconds. */
  limitRules?: Partial<import("./limits.ts").LimitRules>;
  /** Keep a log of Bot API requests in `sandbox.requests` (default true). */
  logRequests?: boolean;
  /** getUpdates anti busy-loop rules (default Telegram's: 3000 / 500 ms); false = off. */
  pollGuards?: PollGuards | false;
  /** A webhook delivery with no complete answer within this long fails: "Read timeout expired" (default 60000, Telegram's). */
  webhookTimeoutMs?: number;
  /**
   * One second of Telegram's webhook retry delays (after 0, 2, 4, 8… s, at most 60–120) and of
   * a Retry-After answer, in ms (default 1000; tests shrink it).
   */
  webhookRetryUnitMs?: number;
  /** How long after a press answerCallbackQuery is accepted, on the sandbox clock (default 15000). */
  callbackAnswerTimeoutMs?: number;
  /**
   * The time source of message dates, the 48 h edit window and rate limits, in Unix ms
   * (default Date.now). Tests pass a frozen one and move it with advanceClock.
   */
  now?: () => number;
}

/** One Bot API request, as logged. */
export interface RequestLogEntry {
  method: string;
  params: Record<string, unknown>;
  /** Unix time in ms (sandbox clock). */
  at: number;
  /** HTTP status; 0 = never answered (an injected hang). */
  status: number;
  /** The JSON body sent back; null when never answered. */
  response: unknown;
}

/**
 * Options of failNext: the next `count` matching calls fail exactly like this, with no
 * effect. With `hang`, they get no answer at all (the connection stays open, silent, as a
 * half-open one does): "before" = the call is not carried out, "after" = it is (a message is
 * sent) and only the answer is lost. A hanging fault needs no code or description.
 */
export interface FaultSpec {
  method?: string;
  chatId?: number;
  count?: number;
  code?: number;
  description?: string;
  retryAfter?: number;
  hang?: "before" | "after";
}
