/**
 * Why a delivery will never succeed as sent: the causes the core reacts to (onFailure in
 * plan.ts decides what each means for a conversation). `src/telegram/errors.ts` maps
 * Telegram's answers onto them; the core never reads Telegram's wording.
 */
export type FailureCause =
  /** The customer blocked the bot or deleted their account. */
  | "blocked"
  /** Text or caption over Telegram's limit. */
  | "too_long"
  /** The message replied to (a thread root, a comment) is gone. */
  | "reply_missing"
  /** The message to copy, edit or pin is gone. */
  | "message_missing"
  /** Telegram does not let the bot edit it (older than 48 h, not the bot's, no text). */
  | "cant_edit"
  /** A kind of message bots cannot copy (service, paid media, giveaway, invoice). */
  | "cant_copy"
  /** The chat does not exist, or the bot is not in it. */
  | "chat_missing"
  /** The bot lacks the administrator rights for it. */
  | "rights"
  /** Telegram could not parse the markup of a text of ours (the HTML of a `texts:` override). */
  | "markup_refused"
  /** Telegram refused the buttons under a message (a card's keyboard: the `button_` texts). */
  | "keyboard_refused"
  /** Refused for another reason: a bug, or a file id Telegram does not know. */
  | "bad_request"
  /** The token is not accepted. */
  | "unauthorized"
  /** Another poller (or a webhook) holds this token. */
  | "conflict";

/** A permanent failure as the core sees it: its cause, and Telegram's words for people. */
export interface Refusal {
  cause: FailureCause;
  /** Telegram's description, shown to the operator and (as the reason) to staff. */
  description: string;
}
