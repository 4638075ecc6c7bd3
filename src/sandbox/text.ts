/**
 * The sandbox's text layer: how Telegram's Bot API server turns `text` + `parse_mode` /
 * `entities` into the message text and entities it stores and returns. A port of tdlib's
 * MessageEntity.cpp (parse_html, parse_markdown_v2, parse_markdown, fix_formatted_text,
 * find_entities) and of the Bot API server's get_formatted_text; see ./text/*.ts.
 */
import type { TelegramMessageEntity, TelegramUser } from "@gramio/types";
import { T, type Entity } from "./text/entity.ts";
import { fixFormattedText } from "./text/fix.ts";
import { parseHtml, type ParsedText } from "./text/html.ts";
import { parseInputEntities } from "./text/input-entities.ts";
import { parseMarkdown, parseMarkdownV2 } from "./text/markdown.ts";
import { botApiDescription, TdError } from "./text/td-error.ts";
import { asciiLower, decodeUtf8, encodeUtf8 } from "./text/utf8.ts";

/** A message text and its entities (offsets and lengths in UTF-16 units), as Telegram returns them. */
export interface FormattedText {
  text: string;
  entities: TelegramMessageEntity[];
}

/**
 * Telegram refused the text. `message` is the Bot API description without "Bad Request: ",
 * e.g. `can't parse entities: Unsupported start tag "x" at byte offset 0`; answer it with
 * `badRequest(error.message)`.
 */
export class ParseEntitiesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ParseEntitiesError";
  }
}

export interface FormatOptions {
  /**
   * The user a `tg://user?id=…` link or a text_mention names. Telegram fills `user` from what the
   * bot knows; without an answer the sandbox returns `{id, is_bot: false, first_name: ""}`, which is
   * what the Bot API server writes for a user it has no data about.
   */
  resolveUser?: (id: number) => TelegramUser | undefined;
}

/** The Bot API server's limit on the raw `text`/`caption` parameter, in UTF-8 bytes. */
const MAX_INPUT_BYTES = 1 << 15;

const PARSERS: Record<string, (bytes: Uint8Array) => ParsedText> = {
  html: parseHtml,
  markdownv2: parseMarkdownV2,
  markdown: parseMarkdown,
};

function toBotApiEntity(entity: Entity, options: FormatOptions): TelegramMessageEntity {
  const base = { offset: entity.offset, length: entity.length };
  switch (entity.type) {
    case T.Mention:
      return { ...base, type: "mention" };
    case T.Hashtag:
      return { ...base, type: "hashtag" };
    case T.BotCommand:
      return { ...base, type: "bot_command" };
    case T.Url:
      return { ...base, type: "url" };
    case T.EmailAddress:
      return { ...base, type: "email" };
    case T.Cashtag:
      return { ...base, type: "cashtag" };
    case T.PhoneNumber:
      return { ...base, type: "phone_number" };
    case T.Bold:
      return { ...base, type: "bold" };
    case T.Italic:
      return { ...base, type: "italic" };
    case T.Underline:
      return { ...base, type: "underline" };
    case T.Strikethrough:
      return { ...base, type: "strikethrough" };
    case T.Spoiler:
      return { ...base, type: "spoiler" };
    case T.Code:
      return { ...base, type: "code" };
    case T.Pre:
      return { ...base, type: "pre" };
    case T.PreCode:
      return { ...base, type: "pre", language: entity.argument };
    case T.TextUrl:
      return { ...base, type: "text_link", url: entity.argument };
    case T.MentionName: {
      const user = options.resolveUser?.(entity.userId) ?? { id: entity.userId, is_bot: false, first_name: "" };
      return { ...base, type: "text_mention", user };
    }
    case T.CustomEmoji:
      return { ...base, type: "custom_emoji", custom_emoji_id: entity.customEmojiId };
    case T.BlockQuote:
      return { ...base, type: "blockquote" };
    case T.ExpandableBlockQuote:
      return { ...base, type: "expandable_blockquote" };
    default:
      throw new Error(`entity type ${entity.type} is never produced for bots`);
  }
}

function parse(bytes: Uint8Array, parseMode: string | undefined, entities: unknown): ParsedText {
  const mode = asciiLower(parseMode ?? "");
  if (bytes.length > 0 && mode !== "" && mode !== "none") {
    const parser = PARSERS[mode];
    if (!parser) throw new ParseEntitiesError(botApiDescription("Unsupported parse_mode"));
    try {
      return parser(bytes);
    } catch (e) {
      if (e instanceof TdError) throw new ParseEntitiesError(botApiDescription(`Can't parse entities: ${e.message}`));
      throw e;
    }
  }
  // Like the Bot API server: explicit entities count only without a parse mode.
  try {
    return { bytes, entities: parseInputEntities(entities) };
  } catch (e) {
    if (e instanceof TdError) throw new ParseEntitiesError(botApiDescription(e.message));
    throw e;
  }
}

/**
 * What Telegram makes of a message text or caption: parse `parseMode` ("HTML", "MarkdownV2",
 * "Markdown", case-insensitive; undefined or "None" = plain, then `entities` are used), trim and
 * clean the text, and add the entities Telegram finds by itself (bot commands, mentions, hashtags,
 * cashtags, URLs, e-mails). A text that ends up empty comes back as `text: ""`.
 * @throws ParseEntitiesError with Telegram's description when Telegram refuses the input.
 */
export function formatText(
  input: string,
  parseMode?: string,
  entities?: TelegramMessageEntity[],
  options: FormatOptions = {},
): FormattedText {
  const bytes = encodeUtf8(input);
  if (bytes.length > MAX_INPUT_BYTES) throw new ParseEntitiesError(botApiDescription("Text is too long"));
  const parsed = parse(bytes, parseMode, entities);
  try {
    const fixed = fixFormattedText(parsed.bytes, parsed.entities);
    return { text: decodeUtf8(fixed.bytes), entities: fixed.entities.map((e) => toBotApiEntity(e, options)) };
  } catch (e) {
    if (e instanceof TdError) throw new ParseEntitiesError(botApiDescription(e.message));
    throw e;
  }
}

/** Length in UTF-16 code units, as Telegram counts the 4096 (text) and 1024 (caption) limits. */
export function utf16Length(s: string): number {
  return s.length;
}
