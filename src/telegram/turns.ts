/**
 * Fair turns at a chat whose budget is the bottleneck (the discussion group: ~20 messages a
 * minute for every conversation together). Without them, every waiting sender sleeps on its
 * own timer and whoever wakes first takes the slot, so one customer with hundreds of queued
 * messages crowds out everyone else. With them, senders that wait are served in turn:
 * each conversation's lane asks for one turn per send, so a FIFO of askers is round-robin
 * between conversations, and a conversation's first message goes before older backlog.
 */
import { unwatchAbort, watchAbort, type AbortWaiter } from "./abort-watch.ts";
import type { RateLimiter } from "./limiter.ts";

/** A granted turn: send now (the limiter has room), then call `done` once the call started. */
export interface Turn {
  /** The sender had to wait for its turn: the chat's budget is the bottleneck right now. */
  waited: boolean;
  /** The call has been made (its reservation is in the limiter), or nothing will be sent. */
  done(): void;
}

interface Waiter extends AbortWaiter {
  first: boolean;
  resolve: (turn: Turn) => void;
  signal?: AbortSignal;
}

interface ChatTurns {
  queue: Waiter[];
  /** A turn is granted and its call not yet made: nobody else may take the slot. */
  held: boolean;
  timer?: NodeJS.Timeout;
}

/** Round-robin turns per chat, granted when `limiter` has room. */
export class FairTurns {
  private readonly chats = new Map<number, ChatTurns>();

  constructor(
    private readonly limiter: RateLimiter,
    /** false: every turn is granted at once (limits off). */
    private readonly enabled = true,
  ) {}

  /**
   * Resolves with a turn to send to `chatId`. `first`: the asker's first message in that
   * chat (a new conversation), served before senders that already had turns. Rejects
   * with `signal.reason` when the signal fires while waiting.
   */
  take(chatId: number, opts: { first?: boolean; signal?: AbortSignal } = {}): Promise<Turn> {
    if (!this.enabled) return Promise.resolve({ waited: false, done: () => undefined });
    if (opts.signal?.aborted) return Promise.reject(opts.signal.reason);
    const chat = this.chatOf(chatId);
    if (!chat.held && chat.queue.length === 0 && this.limiter.delayFor(chatId) === 0) {
      return Promise.resolve(this.grant(chatId, chat, false));
    }
    return new Promise<Turn>((resolve, reject) => {
      const signal = opts.signal;
      const waiter: Waiter = {
        first: opts.first ?? false,
        resolve,
        ...(signal ? { signal } : {}),
        onAbort() {
          const i = chat.queue.indexOf(waiter);
          if (i >= 0) chat.queue.splice(i, 1);
          if (chat.queue.length === 0 && chat.timer) {
            // Nobody is waiting any more: no timer may keep a stopping process alive.
            clearTimeout(chat.timer);
            chat.timer = undefined;
          }
          reject(signal!.reason);
        },
      };
      // Every lane waiting for a turn passes the deliverer's one stop signal: one listener on it
      // however many wait (./abort-watch.ts), not one each.
      if (signal) watchAbort(signal, waiter);
      // New conversations go after the other new ones, before everyone who already had a turn.
      const at = waiter.first ? chat.queue.findIndex((w) => !w.first) : -1;
      if (at >= 0) chat.queue.splice(at, 0, waiter);
      else chat.queue.push(waiter);
      this.pump(chatId, chat);
    });
  }

  /** Senders waiting for a turn at `chatId`. */
  waiting(chatId: number): number {
    return this.chats.get(chatId)?.queue.length ?? 0;
  }

  private chatOf(chatId: number): ChatTurns {
    let chat = this.chats.get(chatId);
    if (!chat) {
      chat = { queue: [], held: false };
      this.chats.set(chatId, chat);
    }
    return chat;
  }

  private grant(chatId: number, chat: ChatTurns, waited: boolean): Turn {
    chat.held = true;
    let over = false;
    return {
      waited,
      done: () => {
        if (over) return;
        over = true;
        chat.held = false;
        this.pump(chatId, chat);
      },
    };
  }

  private pump(chatId: number, chat: ChatTurns): void {
    if (chat.held || chat.timer) return;
    if (chat.queue.length === 0) {
      this.chats.delete(chatId);
      return;
    }
    const delay = this.limiter.delayFor(chatId);
    if (delay > 0) {
      chat.timer = setTimeout(() => {
        chat.timer = undefined;
        this.pump(chatId, chat);
      }, delay);
      return;
    }
    const waiter = chat.queue.shift()!;
    if (waiter.signal) unwatchAbort(waiter.signal, waiter);
    waiter.resolve(this.grant(chatId, chat, true));
  }
}
