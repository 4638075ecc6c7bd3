/** A TelegramPort answered by functions, remembering every call (for unit tests of src/setup). */
import type { TelegramPort } from "../../src/telegram/port.ts";
import { TelegramApiError } from "../../src/telegram/errors.ts";

export type Handler = (params: Record<string, unknown>) => unknown;

export interface FakePort extends TelegramPort {
  calls: { method: string; params: Record<string, unknown> | undefined }[];
}

/** Calls `handlers[method]`; a method without a handler fails like an unknown one (404). */
export function fakePort(handlers: Record<string, Handler>): FakePort {
  const calls: FakePort["calls"] = [];
  return {
    calls,
    async call(method: string, params: unknown) {
      calls.push({ method, params: params as Record<string, unknown> | undefined });
      const h = handlers[method];
      if (!h) throw new TelegramApiError({ method, code: 404, description: "Not Found" });
      return (await h((params ?? {}) as Record<string, unknown>)) as never;
    },
  } as FakePort;
}

/** Telegram's `ok: false` answer. */
export function apiError(method: string, code: number, description: string): TelegramApiError {
  return new TelegramApiError({ method, code, description });
}

export const BOT = { id: 123456, is_bot: true, first_name: "Support", username: "acme_support_bot", supports_inline_queries: true };
export const CHANNEL = { id: -1001111111111, type: "channel", title: "Acme Support", linked_chat_id: -1002222222222 };
export const GROUP = { id: -1002222222222, type: "supergroup", title: "Acme Support Chat", linked_chat_id: -1001111111111 };

export const CHANNEL_ADMIN = {
  status: "administrator",
  user: BOT,
  can_post_messages: true,
  can_edit_messages: true,
  can_delete_messages: true,
};
export const GROUP_ADMIN = { status: "administrator", user: BOT, can_delete_messages: true, can_pin_messages: true, can_restrict_members: true };

/** A good setup; override any method to break one thing. */
export function goodSetup(over: Record<string, Handler> = {}): FakePort {
  return fakePort({
    getMe: () => BOT,
    getChat: (p) => {
      const id = p["chat_id"];
      if (id === CHANNEL.id || id === "@acmesupport") return CHANNEL;
      if (id === GROUP.id) return GROUP;
      throw apiError("getChat", 400, "Bad Request: chat not found");
    },
    getChatMember: (p) => (p["chat_id"] === CHANNEL.id ? CHANNEL_ADMIN : GROUP_ADMIN),
    getChatMemberCount: () => 2,
    ...over,
  });
}
