import { albumMethods } from "./album.ts";
import { botMethods } from "./bot.ts";
import { callbackMethods } from "./callback.ts";
import { chatMethods } from "./chats.ts";
import type { Handler } from "./common.ts";
import { copyMethods } from "./copy.ts";
import { editMethods } from "./edit.ts";
import { inlineMethods } from "./inline.ts";
import { memberMethods } from "./members.ts";
import { sendMethods } from "./send.ts";
import { webhookMethods } from "./webhook.ts";

export type { Handler } from "./common.ts";
export { WithDescription } from "./common.ts";

/** Every Bot API method the sandbox answers, keyed by lower-case name (method names are case-insensitive). */
export const METHODS: ReadonlyMap<string, { name: string; handler: Handler }> = new Map(
  Object.entries({ ...botMethods, ...sendMethods, ...copyMethods, ...albumMethods, ...editMethods, ...chatMethods, ...memberMethods, ...inlineMethods, ...callbackMethods, ...webhookMethods }).map(
    ([name, handler]) => [name.toLowerCase(), { name, handler }],
  ),
);

/** Methods that count against the rate limits (sends, copies, forwards, edits). */
export const COUNTED_METHODS: ReadonlySet<string> = new Set(
  [
    "sendMessage", "sendPhoto", "sendVideo", "sendAnimation", "sendDocument", "sendAudio", "sendVoice", "sendVideoNote", "sendSticker",
    "sendLocation", "sendVenue", "sendContact", "sendPoll", "sendDice", "sendMediaGroup", "copyMessage", "copyMessages",
    "forwardMessage", "forwardMessages", "editMessageText", "editMessageCaption", "editMessageMedia", "editMessageReplyMarkup",
  ].map((m) => m.toLowerCase()),
);
