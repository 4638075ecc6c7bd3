/**
 * What the demo page shows, in one read: the customers, one customer's chat with the bot,
 * the channel's cards, and the comment thread of one card. Read straight from the sandbox,
 * so the page shows exactly what each Telegram place holds.
 */
import type { TelegramMessage, TelegramUser } from "@gramio/types";
import type { Sandbox } from "../sandbox/index.ts";

/** One topic card (a channel post) as the page lists it. */
export interface CardView {
  message: TelegramMessage;
  pinned: boolean;
  /** Its automatic forward in the group (the thread root), once it appeared. */
  rootId: number | null;
  /** The customer whose Telegram ID the card shows. */
  customerId: number | null;
  /** Messages under the root. */
  comments: number;
}

/** The page's snapshot (GET /demo/view). */
export interface DemoView {
  customers: TelegramUser[];
  /** The customer whose chat is in `chat` (the asked one, or the first). */
  customerId: number | null;
  /** That customer's private chat with the bot, oldest first. */
  chat: TelegramMessage[];
  /** The channel's cards, oldest first (service messages left out). */
  cards: CardView[];
  /** The card pinned last (what Telegram's pinned bar shows), or null when none is pinned. */
  pinnedLast: number | null;
  /** The card whose thread is in `thread`: the asked one, or the customer's card. */
  selectedCard: number | null;
  /** `fromCustomer`: ids of the thread's messages that are the bot's copies of the customer's. */
  thread: { postId: number; rootId: number; messages: TelegramMessage[]; fromCustomer: number[] } | null;
}

/** What to show: a customer's chat and a card's thread (post id); both optional. */
export interface ViewQuery {
  customer?: number;
  card?: number;
}

/** The users who are customers: everyone but the team, the chats' creator and bots. */
export function customersOf(sb: Sandbox, notCustomers: ReadonlySet<number>): TelegramUser[] {
  return sb
    .state()
    .users.filter((u) => !u.is_bot && u.id !== sb.creator.id && !notCustomers.has(u.id))
    .sort((a, b) => a.id - b.id);
}

/** The customer a card is about: the one whose Telegram ID appears in its text. */
export function cardCustomer(card: TelegramMessage, customers: readonly TelegramUser[]): number | null {
  const text = card.text ?? card.caption ?? "";
  const found = customers.find((c) => new RegExp(`(^|\\D)${c.id}(\\D|$)`).test(text));
  return found ? found.id : null;
}

const MEDIA = ["photo", "video", "animation", "document", "audio", "voice", "video_note", "sticker"] as const;

/** What a message shows, as a comparable string: a copy shows the same (file ids included). */
function contentKey(m: TelegramMessage): string {
  const media = MEDIA.map((k) => {
    const v = m[k] as unknown;
    const one = (Array.isArray(v) ? v.at(-1) : v) as { file_id?: string } | undefined;
    return one?.file_id ?? null;
  });
  return JSON.stringify([m.text ?? null, m.caption ?? null, media, m.location ?? null, m.contact ?? null, m.poll?.question ?? null]);
}

/**
 * The thread messages that are the bot's copies of the customer's messages. A bot copy
 * carries no link to its source, so they are told apart by showing the same content as a
 * message the customer sent (edits change both sides alike).
 */
export function copiesOfCustomer(thread: readonly TelegramMessage[], chat: readonly TelegramMessage[], customerId: number, botId: number): number[] {
  const sent = new Set(chat.filter((m) => m.from?.id === customerId).map(contentKey));
  return thread.filter((m) => m.from?.id === botId && !m.is_automatic_forward && sent.has(contentKey(m))).map((m) => m.message_id);
}

function chatMessages(sb: Sandbox, chatId: number): TelegramMessage[] {
  try {
    return sb.messages(chatId);
  } catch {
    return []; // the customer has not opened a chat with the bot yet
  }
}

/** Builds the page's snapshot from the sandbox. */
export function buildView(sb: Sandbox, notCustomers: ReadonlySet<number>, query: ViewQuery = {}): DemoView {
  const customers = customersOf(sb, notCustomers);
  const customerId = customers.find((c) => c.id === query.customer)?.id ?? customers[0]?.id ?? null;
  const pinOrder = sb.pinned(sb.channelId); // oldest pin first
  const pinned = new Set(pinOrder);
  const cards: CardView[] = sb
    .messages(sb.channelId)
    .filter((m) => m.pinned_message === undefined)
    .map((message) => {
      const rootId = sb.rootFor(message.message_id) ?? null;
      return {
        message,
        pinned: pinned.has(message.message_id),
        rootId,
        customerId: cardCustomer(message, customers),
        comments: rootId === null ? 0 : Math.max(0, sb.thread(rootId).length - 1),
      };
    });
  const selected =
    cards.find((c) => c.message.message_id === query.card) ??
    (customerId !== null ? cards.filter((c) => c.customerId === customerId).pop() : undefined);
  let thread: DemoView["thread"] = null;
  if (selected && selected.rootId !== null) {
    const messages = sb.thread(selected.rootId);
    const fromCustomer = selected.customerId === null ? [] : copiesOfCustomer(messages, chatMessages(sb, selected.customerId), selected.customerId, sb.bot.id);
    thread = { postId: selected.message.message_id, rootId: selected.rootId, messages, fromCustomer };
  }
  return {
    customers,
    customerId,
    chat: customerId === null ? [] : chatMessages(sb, customerId),
    cards,
    pinnedLast: [...pinOrder].reverse().find((id) => cards.some((c) => c.message.message_id === id)) ?? null,
    selectedCard: selected?.message.message_id ?? null,
    thread,
  };
}
