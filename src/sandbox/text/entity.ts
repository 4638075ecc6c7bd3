/**
 * tdlib's MessageEntity: the internal entity the parsers produce before it becomes a Bot API
 * MessageEntity. Type numbers follow tdlib's enum, because its masks and sort order depend on them.
 */

export const T = {
  Mention: 0,
  Hashtag: 1,
  BotCommand: 2,
  Url: 3,
  EmailAddress: 4,
  Bold: 5,
  Italic: 6,
  Code: 7,
  Pre: 8,
  PreCode: 9,
  TextUrl: 10,
  MentionName: 11,
  Cashtag: 12,
  PhoneNumber: 13,
  Underline: 14,
  Strikethrough: 15,
  BlockQuote: 16,
  BankCardNumber: 17,
  MediaTimestamp: 18,
  Spoiler: 19,
  CustomEmoji: 20,
  ExpandableBlockQuote: 21,
} as const;
export type EntityType = (typeof T)[keyof typeof T];

/** Names as tdlib prints them in "Can't find end of Bold entity …". */
export const TYPE_NAMES: readonly string[] = [
  "Mention", "Hashtag", "BotCommand", "Url", "EmailAddress", "Bold", "Italic", "Code", "Pre", "PreCode",
  "TextUrl", "MentionName", "Cashtag", "PhoneNumber", "Underline", "Strikethrough", "BlockQuote",
  "BankCardNumber", "MediaTimestamp", "Spoiler", "CustomEmoji", "ExpandableBlockQuote",
];

const PRIORITIES: readonly number[] = [50, 50, 50, 50, 50, 90, 91, 20, 11, 10, 49, 49, 50, 50, 92, 93, 0, 50, 50, 94, 99, 0];

export interface Entity {
  type: EntityType;
  /** UTF-16 units (byte offsets inside the matchers, before fixEntityOffsets). */
  offset: number;
  length: number;
  /** URL of TextUrl, language of PreCode. */
  argument: string;
  /** MentionName only; 0 = none. */
  userId: number;
  /** CustomEmoji only, decimal; "" = none. */
  customEmojiId: string;
}

export function makeEntity(type: EntityType, offset: number, length: number, argument = ""): Entity {
  return { type, offset, length, argument, userId: 0, customEmojiId: "" };
}

/** MessageEntity::operator<: by offset, then longer first, then type priority. */
export function compareEntities(a: Entity, b: Entity): number {
  if (a.offset !== b.offset) return a.offset - b.offset;
  if (a.length !== b.length) return b.length - a.length;
  return PRIORITIES[a.type]! - PRIORITIES[b.type]!;
}

export function sortEntities(entities: Entity[]): void {
  for (let i = 1; i < entities.length; i++) {
    if (compareEntities(entities[i - 1]!, entities[i]!) > 0) {
      entities.sort(compareEntities);
      return;
    }
  }
}

export const mask = (type: EntityType): number => 1 << type;

export const SPLITTABLE_MASK = mask(T.Bold) | mask(T.Italic) | mask(T.Underline) | mask(T.Strikethrough) | mask(T.Spoiler);
export const BLOCKQUOTE_MASK = mask(T.BlockQuote) | mask(T.ExpandableBlockQuote);
export const CONTINUOUS_MASK =
  mask(T.Mention) | mask(T.Hashtag) | mask(T.BotCommand) | mask(T.Url) | mask(T.EmailAddress) | mask(T.TextUrl) |
  mask(T.MentionName) | mask(T.Cashtag) | mask(T.PhoneNumber) | mask(T.BankCardNumber) | mask(T.MediaTimestamp) |
  mask(T.CustomEmoji);
export const PRE_MASK = mask(T.Pre) | mask(T.Code) | mask(T.PreCode);

export const isSplittable = (type: EntityType): boolean => (mask(type) & SPLITTABLE_MASK) !== 0;
export const isBlockquote = (type: EntityType): boolean => (mask(type) & BLOCKQUOTE_MASK) !== 0;
export const isContinuous = (type: EntityType): boolean => (mask(type) & CONTINUOUS_MASK) !== 0;
export const isPre = (type: EntityType): boolean => (mask(type) & PRE_MASK) !== 0;

export const SPLITTABLE_TYPES: readonly EntityType[] = [T.Bold, T.Italic, T.Underline, T.Strikethrough, T.Spoiler];

export function splittableIndex(type: EntityType): number {
  switch (type) {
    case T.Bold:
      return 0;
    case T.Italic:
      return 1;
    case T.Underline:
      return 2;
    case T.Strikethrough:
      return 3;
    default:
      return 4;
  }
}

/** UserId::is_valid. */
export function isValidUserId(id: number): boolean {
  return id > 0 && id <= 2 ** 40 - 1;
}

/** remove_empty_entities. */
export function removeEmptyEntities(entities: Entity[]): Entity[] {
  return entities.filter((e) => {
    if (e.length <= 0) return false;
    if (e.type === T.TextUrl) return e.argument !== "";
    if (e.type === T.MentionName) return isValidUserId(e.userId);
    if (e.type === T.CustomEmoji) return e.customEmojiId !== "" && e.customEmojiId !== "0";
    return true;
  });
}
