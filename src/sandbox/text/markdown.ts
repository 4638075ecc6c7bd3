/**
 * Ports of tdlib's parse_markdown_v2 and parse_markdown (legacy "Markdown"). Both rewrite a copy
 * of the UTF-8 bytes in place, as the originals do, because some rules read back what was written.
 */
import { makeEntity, sortEntities, T, TYPE_NAMES, type Entity, type EntityType } from "./entity.ts";
import type { ParsedText } from "./html.ts";
import { getCheckedLink, getLinkCustomEmojiId, getLinkUserId } from "./links.ts";
import { TdError } from "./td-error.ts";
import { decodeUtf8, isFirstCodeUnit, isSpace, utf16Units } from "./utf8.ts";

const BACKSLASH = 0x5c;
const NL = 0x0a;
const CR = 0x0d;
const BACKTICK = 0x60;

/** Stands for tdlib's MessageEntity::Type::Size: "no entity starts here". */
const NONE = -1;

interface OpenEntity {
  type: EntityType;
  argument: string;
  entityOffset: number;
  entityByteOffset: number;
  entityBeginPos: number;
}

const reserved = (c: number) =>
  new TdError(`Character '${String.fromCharCode(c)}' is reserved and must be escaped with the preceding '\\'`);
const cantFindEnd = (e: OpenEntity) =>
  new TdError(`Can't find end of ${TYPE_NAMES[e.type]} entity at byte offset ${e.entityByteOffset}`);

const TOP_RESERVED = new Set([..."_*[]()~`>#+-=|{}.!\n"].map((ch) => ch.charCodeAt(0)));
const CODE_RESERVED = new Set([BACKTICK]);

const isEscapable = (c: number) => c > 0 && c <= 126;

/** MarkdownV2; throws TdError with tdlib's message. */
export function parseMarkdownV2(input: Uint8Array): ParsedText {
  const text = input.slice();
  const size = text.length;
  const at = (i: number) => (i < size ? text[i]! : 0);
  /** Reads an escaped URL from `start` up to its `)`: the URL and the index of the `)`. */
  const readUrl = (start: number, what: string): { url: string; end: number } => {
    let i = start;
    const bytes: number[] = [];
    while (i < size && text[i] !== 0x29) {
      if (text[i] === BACKSLASH && isEscapable(at(i + 1))) {
        bytes.push(text[i + 1]!);
        i += 2;
        continue;
      }
      bytes.push(text[i++]!);
    }
    if (at(i) !== 0x29) throw new TdError(`Can't find end of a ${what} at byte offset ${start}`);
    return { url: decodeUtf8(Uint8Array.from(bytes)), end: i };
  };
  let resultSize = 0;
  const entities: Entity[] = [];
  let utf16Offset = 0;
  const nested: OpenEntity[] = [];
  let haveBlockquote = false;
  let canStartBlockquote = true;

  for (let i = 0; i < size; i++) {
    const c = text[i]!;
    if (c === BACKSLASH && isEscapable(at(i + 1))) {
      i++;
      utf16Offset += 1;
      text[resultSize++] = text[i]!;
      if (text[i] !== CR) canStartBlockquote = text[i] === NL;
      continue;
    }

    const top = nested[nested.length - 1];
    const inCode = top !== undefined && (top.type === T.Code || top.type === T.Pre || top.type === T.PreCode);
    const reservedSet = inCode ? CODE_RESERVED : TOP_RESERVED;
    if (!reservedSet.has(c)) {
      if (isFirstCodeUnit(c)) {
        utf16Offset += utf16Units(c);
        if (c !== CR) canStartBlockquote = false;
      }
      text[resultSize++] = c;
      continue;
    }

    const isEndOfAnEntity = ((): boolean => {
      if (!top) return false;
      if (haveBlockquote && c === NL && (i + 1 === size || text[i + 1] !== 0x3e)) return true;
      switch (top.type) {
        case T.Bold:
          return c === 0x2a;
        case T.Italic:
          return c === 0x5f && at(i + 1) !== 0x5f;
        case T.Code:
          return c === BACKTICK;
        case T.Pre:
        case T.PreCode:
          return c === BACKTICK && at(i + 1) === BACKTICK && at(i + 2) === BACKTICK;
        case T.TextUrl:
          return c === 0x5d;
        case T.Underline:
          return c === 0x5f && at(i + 1) === 0x5f;
        case T.Strikethrough:
          return c === 0x7e;
        case T.Spoiler:
          return c === 0x7c && at(i + 1) === 0x7c;
        case T.CustomEmoji:
          return c === 0x5d;
        default:
          return false;
      }
    })();

    if (!isEndOfAnEntity) {
      let type: EntityType | typeof NONE;
      let argument = "";
      const entityByteOffset = i;
      switch (c) {
        case 0x5f: // _
          if (at(i + 1) === 0x5f) {
            type = T.Underline;
            i++;
          } else {
            type = T.Italic;
          }
          break;
        case 0x2a: // *
          type = T.Bold;
          break;
        case 0x7e: // ~
          type = T.Strikethrough;
          break;
        case 0x7c: // |
          if (at(i + 1) !== 0x7c) throw reserved(c);
          i++;
          type = T.Spoiler;
          break;
        case 0x5b: // [
          type = T.TextUrl;
          break;
        case BACKTICK:
          if (at(i + 1) === BACKTICK && at(i + 2) === BACKTICK) {
            i += 3;
            type = T.Pre;
            let languageEnd = i;
            while (!isSpace(at(languageEnd)) && at(languageEnd) !== BACKTICK) languageEnd++;
            if (i !== languageEnd && languageEnd < size && at(languageEnd) !== BACKTICK) {
              type = T.PreCode;
              argument = decodeUtf8(text, i, languageEnd);
              i = languageEnd;
            }
            // skip one new line in the beginning of the text
            if (at(i) === NL || at(i) === CR) {
              if ((at(i + 1) === NL || at(i + 1) === CR) && at(i) !== at(i + 1)) i += 2;
              else i++;
            }
            i--;
          } else {
            type = T.Code;
          }
          break;
        case 0x21: // !
          if (at(i + 1) !== 0x5b) throw reserved(c);
          i++;
          type = T.CustomEmoji;
          break;
        case NL:
          utf16Offset += 1;
          text[resultSize++] = NL;
          canStartBlockquote = true;
          type = NONE;
          break;
        case 0x3e: // >
          if (!canStartBlockquote) throw reserved(c);
          if (haveBlockquote) {
            type = NONE;
          } else {
            type = T.BlockQuote;
            haveBlockquote = true;
          }
          break;
        default:
          throw reserved(c);
      }
      if (type === NONE) continue;
      nested.push({ type, argument, entityOffset: utf16Offset, entityByteOffset, entityBeginPos: resultSize });
      continue;
    }

    // end of an entity
    let last = nested[nested.length - 1]!;
    let type = last.type;
    if (c === NL && type !== T.BlockQuote) {
      const spoilerRightBeforeNewline =
        last.entityByteOffset === i - 2 ||
        (last.entityByteOffset === i - 3 && resultSize !== 0 && text[resultSize - 1] === CR);
      if (type !== T.Spoiler || !spoilerRightBeforeNewline) throw cantFindEnd(last);
      nested.pop();
      last = nested[nested.length - 1]!;
      type = last.type;
      if (type !== T.BlockQuote) throw cantFindEnd(last);
      type = T.ExpandableBlockQuote;
    }
    let argument = last.argument;
    let userId = 0;
    let customEmojiId = "";
    let skipEntity = utf16Offset === last.entityOffset;
    switch (type) {
      case T.Bold:
      case T.Italic:
      case T.Code:
      case T.Strikethrough:
        break;
      case T.Underline:
      case T.Spoiler:
        i++;
        break;
      case T.Pre:
      case T.PreCode:
        i += 2;
        break;
      case T.TextUrl: {
        let url: string;
        if (at(i + 1) !== 0x28) {
          // use text as a URL
          url = decodeUtf8(text, last.entityBeginPos, resultSize);
        } else {
          const read = readUrl(i + 2, "URL");
          url = read.url;
          i = read.end;
        }
        userId = getLinkUserId(url);
        if (userId === 0) {
          const checked = getCheckedLink(url);
          if (checked === "") skipEntity = true;
          else argument = checked;
        }
        break;
      }
      case T.CustomEmoji: {
        if (at(i + 1) !== 0x28) throw new TdError("Custom emoji entity must contain a tg://emoji URL");
        const read = readUrl(i + 2, "custom emoji URL");
        i = read.end;
        customEmojiId = getLinkCustomEmojiId(read.url);
        break;
      }
      case T.BlockQuote:
      case T.ExpandableBlockQuote:
        haveBlockquote = false;
        text[resultSize++] = text[i]!;
        canStartBlockquote = true;
        utf16Offset += 1;
        skipEntity = false;
        break;
    }

    if (!skipEntity) {
      const entityLength = utf16Offset - last.entityOffset;
      if (userId !== 0) {
        const entity = makeEntity(T.MentionName, last.entityOffset, entityLength);
        entity.userId = userId;
        entities.push(entity);
      } else if (customEmojiId !== "") {
        const entity = makeEntity(type, last.entityOffset, entityLength);
        entity.customEmojiId = customEmojiId;
        entities.push(entity);
      } else {
        entities.push(makeEntity(type, last.entityOffset, entityLength, argument));
      }
    }
    nested.pop();
  }

  if (haveBlockquote) {
    let type: EntityType = T.BlockQuote;
    let last = nested[nested.length - 1]!;
    if (last.type === T.Spoiler && last.entityByteOffset === size - 2) {
      nested.pop();
      last = nested[nested.length - 1]!;
      type = T.ExpandableBlockQuote;
    }
    if (last.type === T.BlockQuote) {
      const entityLength = utf16Offset - last.entityOffset;
      if (entityLength !== 0) entities.push(makeEntity(type, last.entityOffset, entityLength));
      nested.pop();
    }
  }
  const unclosed = nested[nested.length - 1];
  if (unclosed) throw cantFindEnd(unclosed);

  sortEntities(entities);
  return { bytes: text.slice(0, resultSize), entities };
}

const LEGACY_MARKS = new Set([0x5f, 0x2a, BACKTICK, 0x5b]);

/** Legacy Markdown (parse_mode "Markdown"); throws TdError with tdlib's message. */
export function parseMarkdown(input: Uint8Array): ParsedText {
  const text = input.slice();
  const size = text.length;
  const at = (i: number) => (i < size ? text[i]! : 0);
  let resultSize = 0;
  const entities: Entity[] = [];
  let utf16Offset = 0;

  for (let i = 0; i < size; i++) {
    const c = text[i]!;
    if (c === BACKSLASH && LEGACY_MARKS.has(at(i + 1))) {
      i++;
      text[resultSize++] = text[i]!;
      utf16Offset++;
      continue;
    }
    if (!LEGACY_MARKS.has(c)) {
      if (isFirstCodeUnit(c)) utf16Offset += utf16Units(c);
      text[resultSize++] = c;
      continue;
    }

    // we are at begin of the entity
    const beginPos = i;
    const endCharacter = c === 0x5b ? 0x5d : c;
    let isPre = false;
    i++;

    let language = "";
    if (c === BACKTICK && at(i) === BACKTICK && at(i + 1) === BACKTICK) {
      i += 2;
      isPre = true;
      let languageEnd = i;
      while (!isSpace(at(languageEnd)) && at(languageEnd) !== BACKTICK) languageEnd++;
      if (i !== languageEnd && languageEnd < size && at(languageEnd) !== BACKTICK) {
        language = decodeUtf8(text, i, languageEnd);
        i = languageEnd;
      }
      // skip one new line in the beginning of the text
      if (at(i) === NL || at(i) === CR) {
        if ((at(i + 1) === NL || at(i + 1) === CR) && at(i) !== at(i + 1)) i += 2;
        else i++;
      }
    }

    const entityOffset = utf16Offset;
    while (i < size && (text[i] !== endCharacter || (isPre && !(at(i + 1) === BACKTICK && at(i + 2) === BACKTICK)))) {
      const cur = text[i]!;
      if (isFirstCodeUnit(cur)) utf16Offset += utf16Units(cur);
      text[resultSize++] = text[i++]!;
    }
    if (i === size) throw new TdError(`Can't find end of the entity starting at byte offset ${beginPos}`);

    if (entityOffset !== utf16Offset) {
      const entityLength = utf16Offset - entityOffset;
      switch (c) {
        case 0x5f:
          entities.push(makeEntity(T.Italic, entityOffset, entityLength));
          break;
        case 0x2a:
          entities.push(makeEntity(T.Bold, entityOffset, entityLength));
          break;
        case 0x5b: {
          let url: string;
          if (at(i + 1) !== 0x28) {
            // use text as a URL; like tdlib, read the buffer that was already rewritten in place
            url = decodeUtf8(text, beginPos + 1, i);
          } else {
            i += 2;
            const start = i;
            while (i < size && text[i] !== 0x29) i++;
            url = decodeUtf8(text, start, i);
          }
          const userId = getLinkUserId(url);
          if (userId !== 0) {
            const entity = makeEntity(T.MentionName, entityOffset, entityLength);
            entity.userId = userId;
            entities.push(entity);
          } else {
            const checked = getCheckedLink(url);
            if (checked !== "") entities.push(makeEntity(T.TextUrl, entityOffset, entityLength, checked));
          }
          break;
        }
        case BACKTICK:
          if (isPre) {
            entities.push(language === "" ? makeEntity(T.Pre, entityOffset, entityLength) : makeEntity(T.PreCode, entityOffset, entityLength, language));
          } else {
            entities.push(makeEntity(T.Code, entityOffset, entityLength));
          }
          break;
      }
    }
    if (isPre) i += 2;
  }
  return { bytes: text.slice(0, resultSize), entities };
}
