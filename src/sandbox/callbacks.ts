/**
 * Inline keyboard presses: a press gives the bot a `callback_query` update, which it must
 * answer with answerCallbackQuery while the user's app still waits. A second answer, or one
 * after the wait, fails with QUERY_ID_INVALID, as Telegram answers it.
 */
import type { Clock } from "./clock.ts";
import type { Stored } from "./content.ts";
import { badRequest, SandboxUsageError } from "./errors.ts";
import type { ChangeFeed } from "./events.ts";
import type { UpdateQueue } from "./updates.ts";
import type { World } from "./world.ts";

/** What the bot answered to a press (answerCallbackQuery), as the user's app shows it. */
export interface CallbackAnswer {
  text?: string;
  show_alert: boolean;
  url?: string;
  cache_time: number;
  /** Sandbox clock, Unix ms. */
  at: number;
}

/** One press: the callback_query the bot got, and its answer once given. */
export interface CallbackPress {
  query: Stored;
  /** Sandbox clock, Unix ms, after which an answer is refused. */
  expiresAt: number;
  answer?: CallbackAnswer;
}

export const QUERY_ID_INVALID = "query is too old and response timeout expired or query ID is invalid";

/** The press records and their answers. */
export class CallbackQueries {
  private readonly presses = new Map<string, CallbackPress>();
  private seq = 0;

  constructor(
    private readonly world: World,
    private readonly clock: Clock,
    private readonly updates: UpdateQueue,
    private readonly feed: ChangeFeed,
    /** How long an answer is accepted after the press. */
    private readonly answerTimeoutMs: number,
  ) {}

  /**
   * A user presses a callback button with `data` under a message. The press is taken as
   * given: an app that still shows an old keyboard sends it even if the message no longer has
   * that button.
   */
  press(userId: number, chatId: number, messageId: number, data: string): Stored {
    const w = this.world;
    const user = w.user(userId);
    const chat = w.chat(chatId);
    if (chat.type === "private" && chat.id !== userId) throw new SandboxUsageError(`only user ${chat.id} sees the buttons of their chat with the bot`);
    const rec = w.liveMessage(chatId, messageId);
    if (!rec) throw new SandboxUsageError(`message ${messageId} does not exist in chat ${chatId}`, 404);
    // Only the bot's own messages (and those sent through it inline) carry its callback buttons.
    if (!rec.byBot && !rec.viaBot) throw new SandboxUsageError(`message ${messageId} in chat ${chatId} is not the bot's, so it has no callback buttons`);
    if (data === "" || Buffer.byteLength(data) > 64) throw new SandboxUsageError("callback data is 1-64 bytes");
    const id = String(4_270_000_000_000_000_000n + BigInt(++this.seq));
    const query: Stored = { id, from: { ...user }, message: w.render(rec), chat_instance: chatInstance(chatId), data };
    this.presses.set(id, { query, expiresAt: this.clock.now() + this.answerTimeoutMs });
    this.updates.push("callback_query", structuredClone(query));
    this.feed.emit("callback", { callbackQueryId: id, userId, chatId, messageId, data });
    return structuredClone(query);
  }

  /** answerCallbackQuery: records the answer, or fails as Telegram does. */
  answer(id: string, answer: Omit<CallbackAnswer, "at">): void {
    const press = this.presses.get(id);
    if (!press || press.answer || this.clock.now() > press.expiresAt) throw badRequest(QUERY_ID_INVALID);
    press.answer = { ...answer, at: this.clock.now() };
    this.feed.emit("callback", { callbackQueryId: id, answered: true });
  }

  get(id: string): CallbackPress | undefined {
    const press = this.presses.get(id);
    return press ? structuredClone(press) : undefined;
  }

  /** Every press, oldest first. */
  list(): CallbackPress[] {
    return [...this.presses.values()].map((p) => structuredClone(p));
  }
}

/** A stable, opaque id of the chat a press came from (Telegram's chat_instance is one per chat). */
function chatInstance(chatId: number): string {
  return String(BigInt.asIntN(64, BigInt(chatId) * 0x9e3779b97f4a7c15n));
}
