/**
 * Port of tdlib's parse_html (MessageEntity.cpp). Works in place on a copy of the UTF-8 bytes,
 * like the original, so offsets in error messages are byte offsets of the input.
 */
import { makeEntity, sortEntities, T, type Entity } from "./entity.ts";
import { getCheckedLink, getLinkUserId } from "./links.ts";
import { TdError } from "./td-error.ts";
import {
  asciiLowerSlice, decodeUtf8, hexValue, isAlnum, isAlpha, isDigit, isFirstCodeUnit, isHexDigit, isSpace, latin1,
  toIntegerSafe, utf16Units, writeUtf8,
} from "./utf8.ts";

export interface ParsedText {
  bytes: Uint8Array;
  entities: Entity[];
}

const AMP = 0x26;
const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const EQ = 0x3d;
const DQ = 0x22;
const SQ = 0x27;
const HASH = 0x23;
const SEMI = 0x3b;

const SUPPORTED_TAGS = new Set([
  "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler", "tg-emoji", "span", "pre", "code",
  "blockquote",
]);

type At = (i: number) => number;

/** decode_html_entity: the code point of `&…;` at `pos` and where it ends, or undefined to keep `&` literal. */
function decodeHtmlEntity(at: At, bytes: Uint8Array, pos: number): { code: number; end: number } | undefined {
  let end = pos + 1;
  let code = 0;
  if (at(pos + 1) === HASH) {
    end++;
    if (at(pos + 2) === 0x78 /* x */) {
      end++;
      while (isHexDigit(at(end))) code = code * 16 + hexValue(at(end++));
    } else {
      while (isDigit(at(end))) code = code * 10 + at(end++) - 0x30;
    }
    if (code === 0 || code >= 0x10ffff || end - pos >= 10) return undefined;
  } else {
    while (isAlpha(at(end))) end++;
    const name = latin1(bytes, pos + 1, end);
    if (name === "lt") code = LT;
    else if (name === "gt") code = GT;
    else if (name === "amp") code = AMP;
    else if (name === "quot") code = DQ;
    else return undefined;
  }
  return { code, end: at(end) === SEMI ? end + 1 : end };
}

interface OpenTag {
  tagName: string;
  argument: string;
  entityOffset: number;
  entityBeginPos: number;
}

/** Parses Telegram HTML; throws TdError with tdlib's message (without the "Can't parse entities: " prefix). */
export function parseHtml(input: Uint8Array): ParsedText {
  const str = input.slice();
  const size = str.length;
  const at: At = (i) => (i < size ? str[i]! : 0);
  let resultEnd = 0;
  const entities: Entity[] = [];
  let utf16Offset = 0;
  let needRecheckUtf8 = false;
  const nested: OpenTag[] = [];

  for (let i = 0; i < size; i++) {
    const c = str[i]!;
    if (c === AMP) {
      const decoded = decodeHtmlEntity(at, str, i);
      if (decoded) {
        i = decoded.end - 1;
        utf16Offset += decoded.code > 0xffff ? 2 : 1;
        if (decoded.code >= 0xd800 && decoded.code <= 0xdfff) needRecheckUtf8 = true;
        resultEnd = writeUtf8(str, resultEnd, decoded.code);
        continue;
      }
    }
    if (c !== LT) {
      if (isFirstCodeUnit(c)) utf16Offset += utf16Units(c);
      str[resultEnd++] = c;
      continue;
    }

    const beginPos = i++;
    if (at(i) !== SLASH) {
      while (!isSpace(at(i)) && at(i) !== GT) i++;
      if (at(i) === 0) throw new TdError(`Unclosed start tag at byte offset ${beginPos}`);

      const tagName = asciiLowerSlice(str, beginPos + 1, i);
      if (!SUPPORTED_TAGS.has(tagName)) {
        throw new TdError(`Unsupported start tag "${tagName}" at byte offset ${beginPos}`);
      }

      let argument = "";
      while (at(i) !== GT) {
        while (at(i) !== 0 && isSpace(at(i))) i++;
        if (at(i) === GT) break;
        const attributeBegin = i;
        while (!isSpace(at(i)) && at(i) !== EQ && at(i) !== GT && at(i) !== SLASH && at(i) !== DQ && at(i) !== SQ) i++;
        const attributeName = decodeUtf8(str, attributeBegin, i);
        if (attributeName === "") {
          throw new TdError(`Empty attribute name in the tag "${tagName}" at byte offset ${beginPos}`);
        }
        while (at(i) !== 0 && isSpace(at(i))) i++;
        if (at(i) !== EQ) {
          if (at(i) === 0) throw new TdError(`Unclosed start tag "${tagName}" at byte offset ${beginPos}`);
          if (tagName === "blockquote" && attributeName === "expandable") argument = "1";
          continue;
        }
        i++;
        while (at(i) !== 0 && isSpace(at(i))) i++;
        if (at(i) === 0) throw new TdError(`Unclosed start tag "${tagName}" at byte offset ${beginPos}`);

        let attributeValue: string;
        if (at(i) !== SQ && at(i) !== DQ) {
          // A name token: letters, digits, periods or hyphens, case-insensitive.
          const tokenBegin = i;
          while (isAlnum(at(i)) || at(i) === 0x2e || at(i) === 0x2d) i++;
          attributeValue = asciiLowerSlice(str, tokenBegin, i);
          if (!isSpace(at(i)) && at(i) !== GT) {
            throw new TdError(`Unexpected end of name token at byte offset ${tokenBegin}`);
          }
        } else {
          const endCharacter = str[i++]!;
          let attributeEnd = i;
          const attributeBeginW = attributeEnd;
          while (at(i) !== endCharacter && at(i) !== 0) {
            if (at(i) === AMP) {
              const decoded = decodeHtmlEntity(at, str, i);
              if (decoded) {
                attributeEnd = writeUtf8(str, attributeEnd, decoded.code);
                i = decoded.end;
                continue;
              }
            }
            str[attributeEnd++] = str[i++]!;
          }
          if (at(i) === endCharacter) i++;
          attributeValue = decodeUtf8(str, attributeBeginW, attributeEnd);
        }
        if (at(i) === 0) throw new TdError(`Unclosed start tag at byte offset ${beginPos}`);

        if (tagName === "a" && attributeName === "href") {
          argument = attributeValue;
        } else if (tagName === "code" && attributeName === "class" && attributeValue.startsWith("language-")) {
          argument = attributeValue.slice(9);
        } else if (tagName === "span" && attributeName === "class" && attributeValue.startsWith("tg-")) {
          argument = attributeValue.slice(3);
        } else if (tagName === "tg-emoji" && attributeName === "emoji-id") {
          argument = attributeValue;
        } else if (tagName === "blockquote" && attributeName === "expandable") {
          argument = "1";
        }
      }

      if (tagName === "span" && argument !== "spoiler") {
        throw new TdError(`Tag "span" must have class "tg-spoiler" at byte offset ${beginPos}`);
      }
      nested.push({ tagName, argument, entityOffset: utf16Offset, entityBeginPos: resultEnd });
      continue;
    }

    // end of an entity
    const top = nested[nested.length - 1];
    if (!top) throw new TdError(`Unexpected end tag at byte offset ${beginPos}`);
    while (!isSpace(at(i)) && at(i) !== GT) i++;
    const endTagName = asciiLowerSlice(str, beginPos + 2, i);
    while (isSpace(at(i)) && at(i) !== 0) i++;
    if (at(i) !== GT) throw new TdError(`Unclosed end tag at byte offset ${beginPos}`);

    const tagName = top.tagName;
    if (endTagName !== "" && endTagName !== tagName) {
      throw new TdError(
        `Unmatched end tag at byte offset ${beginPos}, expected "</${tagName}>", found "</${endTagName}>"`,
      );
    }
    if (utf16Offset > top.entityOffset) {
      closeEntity(top, utf16Offset, entities, str, resultEnd);
    }
    nested.pop();
  }

  const unclosed = nested[nested.length - 1];
  if (unclosed) throw new TdError(`Can't find end tag corresponding to start tag "${unclosed.tagName}"`);

  for (const entity of entities) {
    if (entity.type === T.Code) entity.argument = "";
  }
  sortEntities(entities);
  if (needRecheckUtf8) {
    throw new TdError(
      "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units",
    );
  }
  return { bytes: str.slice(0, resultEnd), entities };
}

function closeEntity(top: OpenTag, utf16Offset: number, entities: Entity[], str: Uint8Array, resultEnd: number): void {
  const offset = top.entityOffset;
  const length = utf16Offset - offset;
  const last = entities[entities.length - 1];
  switch (top.tagName) {
    case "i":
    case "em":
      entities.push(makeEntity(T.Italic, offset, length));
      return;
    case "b":
    case "strong":
      entities.push(makeEntity(T.Bold, offset, length));
      return;
    case "s":
    case "strike":
    case "del":
      entities.push(makeEntity(T.Strikethrough, offset, length));
      return;
    case "u":
    case "ins":
      entities.push(makeEntity(T.Underline, offset, length));
      return;
    case "tg-spoiler":
    case "span":
      entities.push(makeEntity(T.Spoiler, offset, length));
      return;
    case "tg-emoji": {
      const id = toIntegerSafe(top.argument);
      if (id === undefined || id === 0n) throw new TdError("Invalid custom emoji identifier specified");
      const entity = makeEntity(T.CustomEmoji, offset, length);
      entity.customEmojiId = id.toString();
      entities.push(entity);
      return;
    }
    case "a": {
      let url = top.argument;
      if (url === "") url = decodeUtf8(str, top.entityBeginPos, resultEnd);
      const userId = getLinkUserId(url);
      if (userId !== 0) {
        const entity = makeEntity(T.MentionName, offset, length);
        entity.userId = userId;
        entities.push(entity);
      } else {
        const checked = getCheckedLink(url);
        if (checked !== "") entities.push(makeEntity(T.TextUrl, offset, length, checked));
      }
      return;
    }
    case "pre":
      if (last && last.type === T.Code && last.offset === offset && last.length === length && last.argument !== "") {
        last.type = T.PreCode;
      } else {
        entities.push(makeEntity(T.Pre, offset, length));
      }
      return;
    case "code":
      if (last && last.type === T.Pre && last.offset === offset && last.length === length && top.argument !== "") {
        last.type = T.PreCode;
        last.argument = top.argument;
      } else {
        entities.push(makeEntity(T.Code, offset, length, top.argument));
      }
      return;
    case "blockquote":
      entities.push(makeEntity(top.argument !== "" ? T.ExpandableBlockQuote : T.BlockQuote, offset, length));
      return;
  }
}
