/** The parse modes a canned reply may use (Telegram's `parse_mode`). */
export const PARSE_MODES = ["HTML", "MarkdownV2"] as const;
export type ParseMode = (typeof PARSE_MODES)[number];

/**
 * A canned reply, exactly as it is written in the replies file (snake_case keys).
 * Staff pick it in inline mode (`@bot terms`); `{first_name}`, `{last_name}` and `{name}`
 * are filled when it reaches the customer (see fillPlaceholders in src/core/placeholders.ts).
 */
export interface Reply {
  /** Unique, short: 1–32 of `a-z 0-9 _ -`, starting with a letter or digit. Used as the inline result id. */
  id: string;
  /** What staff see in the inline list. */
  title: string;
  /** The message sent. */
  text: string;
  /** Extra search words. */
  tags?: string[];
  parse_mode?: ParseMode;
}

/** The keys a reply may have, in the order they are written. */
export const REPLY_KEYS = ["id", "title", "text", "tags", "parse_mode"] as const;
