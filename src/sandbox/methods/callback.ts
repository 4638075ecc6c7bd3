import { badRequest } from "../errors.ts";
import type { Handler } from "./common.ts";

/** Telegram's limit on the notification text (Bot API docs: 0-200 characters). */
const MAX_ANSWER_TEXT = 200;
/** The Bot API server clamps cache_time to 30 days. */
const MAX_CACHE_TIME = 30 * 24 * 3600;

export const callbackMethods: Record<string, Handler> = {
  answerCallbackQuery(e, p) {
    const text = p.str("text");
    if (text.length > MAX_ANSWER_TEXT) throw badRequest("MESSAGE_TOO_LONG");
    const url = p.str("url");
    e.callbacks.answer(p.str("callback_query_id"), {
      ...(text !== "" ? { text } : {}),
      show_alert: p.bool("show_alert"),
      ...(url !== "" ? { url } : {}),
      cache_time: Math.min(MAX_CACHE_TIME, Math.max(0, p.int("cache_time"))),
    });
    return true;
  },
};
