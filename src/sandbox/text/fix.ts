/**
 * Port of tdlib's fix_formatted_text with the flags a bot's message gets: entities are validated
 * and normalised, control characters cleaned, the text trimmed, and automatic entities merged in.
 */
import {
  BLOCKQUOTE_MASK, CONTINUOUS_MASK, isBlockquote, isContinuous, isPre, isSplittable, makeEntity, mask,
  removeEmptyEntities, sortEntities, SPLITTABLE_MASK, SPLITTABLE_TYPES, splittableIndex, type Entity,
} from "./entity.ts";
import { findEntities } from "./find.ts";
import { TdError } from "./td-error.ts";
import { isFirstCodeUnit, utf16Units } from "./utf8.ts";

/** are_entities_valid: true when fix_entities has nothing to do. */
function areEntitiesValid(entities: Entity[]): boolean {
  const endPos = [-1, -1, -1, -1, -1];
  const stack: Entity[] = [];
  let nestedMask = 0;
  for (const entity of entities) {
    while (stack.length > 0 && entity.offset >= stack[stack.length - 1]!.offset + stack[stack.length - 1]!.length) {
      nestedMask -= mask(stack.pop()!.type);
    }
    const parent = stack[stack.length - 1];
    if (parent) {
      if (entity.offset + entity.length > parent.offset + parent.length) return false;
      if ((nestedMask & mask(entity.type)) !== 0) return false;
      if (isPre(parent.type)) return false;
      if (isPre(entity.type) && (nestedMask & ~BLOCKQUOTE_MASK) !== 0) return false;
      if ((isContinuous(entity.type) || isBlockquote(entity.type)) && (nestedMask & CONTINUOUS_MASK) !== 0) return false;
      if (isBlockquote(entity.type) && (nestedMask & BLOCKQUOTE_MASK) !== 0) return false;
      if ((nestedMask & SPLITTABLE_MASK) !== 0) return false;
    }
    if (isSplittable(entity.type)) {
      const index = splittableIndex(entity.type);
      if (endPos[index]! >= entity.offset) return false;
      endPos[index] = entity.offset + entity.length;
    }
    stack.push(entity);
    nestedMask += mask(entity.type);
  }
  return true;
}

/** remove_intersecting_entities: keeps entities that start after everything kept so far ends. */
function removeIntersectingEntities(entities: Entity[]): Entity[] {
  const kept: Entity[] = [];
  let lastEnd = 0;
  for (const entity of entities) {
    if (entity.offset >= lastEnd) {
      lastEnd = entity.offset + entity.length;
      kept.push(entity);
    }
  }
  return kept;
}

function removeEntitiesIntersectingBlockquote(entities: Entity[], blockquotes: Entity[]): Entity[] {
  if (blockquotes.length === 0) return entities;
  let q = 0;
  const kept: Entity[] = [];
  for (const entity of entities) {
    while (q < blockquotes.length && (!isBlockquote(blockquotes[q]!.type) || blockquotes[q]!.offset + blockquotes[q]!.length <= entity.offset)) {
      q++;
    }
    const quote = blockquotes[q];
    if (
      quote &&
      (quote.offset + quote.length < entity.offset + entity.length ||
        (entity.offset < quote.offset && quote.offset < entity.offset + entity.length))
    ) {
      continue;
    }
    kept.push(entity);
  }
  return kept;
}

/** split_entities: cuts bold/italic/… around other entities and drops their parts inside pre/code. */
function splitEntities(entities: Entity[], others: Entity[]): Entity[] {
  const beginPos = [0, 0, 0, 0, 0];
  const endPos = [0, 0, 0, 0, 0];
  let it = 0;
  const result: Entity[] = [];
  const flush = (offset: number) => {
    for (const type of SPLITTABLE_TYPES) {
      const index = splittableIndex(type);
      if (endPos[index] !== 0 && beginPos[index]! < offset) {
        if (endPos[index]! <= offset) {
          result.push(makeEntity(type, beginPos[index]!, endPos[index]! - beginPos[index]!));
          beginPos[index] = 0;
          endPos[index] = 0;
        } else {
          result.push(makeEntity(type, beginPos[index]!, offset - beginPos[index]!));
          beginPos[index] = offset;
        }
      }
    }
  };
  const addEntities = (endOffset: number) => {
    while (it < entities.length) {
      const entity = entities[it]!;
      if (entity.offset >= endOffset) break;
      const index = splittableIndex(entity.type);
      if (entity.offset <= endPos[index]! && endPos[index] !== 0) {
        if (entity.offset + entity.length > endPos[index]!) endPos[index] = entity.offset + entity.length;
      } else {
        flush(entity.offset);
        beginPos[index] = entity.offset;
        endPos[index] = entity.offset + entity.length;
      }
      it++;
    }
    flush(endOffset);
  };
  const stack: Entity[] = [];
  const addOffset = (offset: number) => {
    for (let top = stack[stack.length - 1]; top && offset >= top.offset + top.length; top = stack[stack.length - 1]) {
      const oldSize = result.length;
      addEntities(top.offset + top.length);
      if (isPre(top.type)) result.length = oldSize;
      stack.pop();
    }
    addEntities(offset);
  };
  for (const other of others) {
    addOffset(other.offset);
    stack.push(other);
  }
  addOffset(2147483647);
  sortEntities(result);
  return result;
}

function resplitEntities(splittable: Entity[], entities: Entity[]): Entity[] {
  if (splittable.length === 0) return entities;
  const split = splitEntities(splittable, entities);
  if (entities.length === 0) return split;
  const combined = [...entities, ...split];
  sortEntities(combined);
  return combined;
}

function partition(entities: Entity[]): { continuous: Entity[]; blockquotes: Entity[]; splittable: Entity[] } {
  const continuous: Entity[] = [];
  const blockquotes: Entity[] = [];
  const splittable: Entity[] = [];
  for (const entity of entities) {
    if (isSplittable(entity.type)) splittable.push(entity);
    else if (isBlockquote(entity.type)) blockquotes.push(entity);
    else continuous.push(entity);
  }
  return { continuous, blockquotes, splittable };
}

/** fix_entities: resolves overlaps the way Telegram does. */
export function fixEntities(entities: Entity[]): Entity[] {
  sortEntities(entities);
  if (areEntitiesValid(entities)) return entities;
  const parts = partition(entities);
  let continuous = removeIntersectingEntities(parts.continuous);
  if (parts.blockquotes.length > 0) {
    const blockquotes = removeIntersectingEntities(parts.blockquotes);
    continuous = removeEntitiesIntersectingBlockquote(continuous, blockquotes);
    continuous = [...continuous, ...blockquotes];
    sortEntities(continuous);
  }
  return resplitEntities(parts.splittable, continuous);
}

/** merge_entities: new entities survive only where they do not overlap an old one. */
function mergeEntities(old: Entity[], fresh: Entity[]): Entity[] {
  if (fresh.length === 0) return old;
  if (old.length === 0) return fresh;
  const result: Entity[] = [];
  let n = 0;
  for (const entity of old) {
    while (n < fresh.length && fresh[n]!.offset + fresh[n]!.length <= entity.offset) result.push(fresh[n++]!);
    const end = entity.offset + entity.length;
    result.push(entity);
    while (n < fresh.length && fresh[n]!.offset < end) n++;
  }
  while (n < fresh.length) result.push(fresh[n++]!);
  return result;
}

function mergeNewEntities(entities: Entity[], fresh: Entity[]): Entity[] {
  if (fresh.length === 0) return entities;
  const parts = partition(entities);
  fresh = removeEntitiesIntersectingBlockquote(fresh, parts.blockquotes);
  let continuous = mergeEntities(parts.continuous, fresh);
  if (parts.blockquotes.length > 0) {
    continuous = [...continuous, ...parts.blockquotes];
    sortEntities(continuous);
  }
  return resplitEntities(parts.splittable, continuous);
}

/** The byte `text` at `pos` should be dropped together with how many following bytes (or -1 to keep). */
function droppedSequence(text: Uint8Array, pos: number): number {
  const c = text[pos]!;
  const size = text.length;
  // U+2028..U+202E: line/paragraph separators and bidi embeddings
  if (c === 0xe2 && pos + 2 < size && text[pos + 1] === 0x80 && text[pos + 2]! >= 0xa8 && text[pos + 2]! <= 0xae) return 2;
  // combining vertical lines U+0333, U+033F, U+030A
  if (c === 0xcc && pos + 1 < size && (text[pos + 1] === 0xb3 || text[pos + 1] === 0xbf || text[pos + 1] === 0x8a)) return 1;
  return -1;
}

/** replace_offending_characters: a run of LRM/RLM marks keeps only its last one, the others become ZWNJ. */
function replaceOffendingCharacters(s: Uint8Array): void {
  const at = (i: number) => (i < s.length ? s[i]! : 0);
  const isMark = (i: number) => at(i) === 0xe2 && at(i + 1) === 0x80 && (at(i + 2) === 0x8e || at(i + 2) === 0x8f);
  for (let pos = 0; pos < s.length; pos++) {
    if (isMark(pos)) {
      while (isMark(pos + 3)) {
        s[pos + 2] = 0x8c;
        pos += 3;
      }
      pos += 2;
    }
  }
}

/** clean_input_string: control characters become spaces, '\r' and a few invisible characters go away. */
function cleanInputString(text: Uint8Array): Uint8Array {
  const out = new Uint8Array(text.length);
  let n = 0;
  for (let pos = 0; pos < text.length; pos++) {
    const c = text[pos]!;
    if (c <= 32 && c !== 10 && c !== 13) {
      out[n++] = 0x20;
    } else if (c === 13) {
      // skip
    } else {
      const drop = droppedSequence(text, pos);
      if (drop >= 0) {
        pos += drop;
      } else {
        out[n++] = c;
      }
    }
    if (n >= 35000 - 3 && isFirstCodeUnit(out[n - 1]!)) {
      n--;
      break;
    }
  }
  const result = out.slice(0, n);
  replaceOffendingCharacters(result);
  return result;
}

/** clean_input_string_with_entities: like cleanInputString, shifting entities over removed characters. */
function cleanInputStringWithEntities(text: Uint8Array, entities: Entity[]): Uint8Array {
  const stack: { entity: Entity; skippedBefore: number }[] = [];
  let current = 0;
  let utf16Offset = 0;
  let utf16Skipped = 0;
  const size = text.length;
  const out = new Uint8Array(size);
  let n = 0;
  for (let pos = 0; pos <= size; pos++) {
    const c = pos < size ? text[pos]! : 0;
    const isCharacterBegin = isFirstCodeUnit(c);
    if (isCharacterBegin) {
      for (let top = stack[stack.length - 1]; top; top = stack[stack.length - 1]) {
        const entityEnd = top.entity.offset + top.entity.length;
        if (utf16Offset < entityEnd) break;
        if (utf16Offset !== entityEnd) {
          throw new TdError(
            `Entity beginning at UTF-16 offset ${top.entity.offset} ends in a middle of a UTF-16 symbol at byte offset ${pos}`,
          );
        }
        top.entity.offset -= top.skippedBefore;
        top.entity.length -= utf16Skipped - top.skippedBefore;
        stack.pop();
      }
      while (current < entities.length && utf16Offset >= entities[current]!.offset) {
        if (utf16Offset !== entities[current]!.offset) {
          throw new TdError(`Entity begins in a middle of a UTF-16 symbol at byte offset ${pos}`);
        }
        stack.push({ entity: entities[current++]!, skippedBefore: utf16Skipped });
      }
    }
    if (pos === size) break;

    if (c <= 32 && c !== 10 && c !== 13) {
      out[n++] = 0x20;
      utf16Offset++;
    } else if (c === 13) {
      utf16Offset++;
      utf16Skipped++;
    } else {
      if (isCharacterBegin) utf16Offset += utf16Units(c);
      const drop = droppedSequence(text, pos);
      if (drop >= 0) {
        pos += drop;
        utf16Skipped++;
      } else {
        out[n++] = c;
      }
    }
  }

  const notStarted = entities[current];
  if (notStarted) {
    throw new TdError(`Entity begins after the end of the text at UTF-16 offset ${notStarted.offset}`);
  }
  const open = stack[stack.length - 1];
  if (open) {
    throw new TdError(
      `Entity beginning at UTF-16 offset ${open.entity.offset} ends after the end of the text at UTF-16 offset ${open.entity.offset + open.entity.length}`,
    );
  }
  const result = out.slice(0, n);
  replaceOffendingCharacters(result);
  return result;
}

/** remove_invalid_entities: drops empty entities and finds the last non-blank character. */
function removeInvalidEntities(text: Uint8Array, entities: Entity[]): { lastPos: number; lastUtf16: number; entities: Entity[] } {
  if (entities.length === 0) {
    for (let back = text.length - 1; back >= 0; back--) {
      if (text[back] !== 0x0a && text[back] !== 0x20) return { lastPos: back, lastUtf16: 0, entities };
    }
    return { lastPos: text.length, lastUtf16: -1, entities };
  }
  let lastPos = text.length;
  let utf16Offset = 0;
  let lastUtf16 = -1;
  const kept = removeEmptyEntities(entities);
  for (let pos = 0; pos < text.length; pos++) {
    const c = text[pos]!;
    if (c !== 0x0a && c !== 0x20) {
      while (pos + 1 < text.length && !isFirstCodeUnit(text[pos + 1]!)) pos++;
      if (c >= 0xf0) utf16Offset++;
      lastPos = pos;
      lastUtf16 = utf16Offset;
    }
    utf16Offset++;
  }
  return { lastPos, lastUtf16, entities: kept };
}

/** Characters is_empty_string treats as nothing (after strip_empty_characters). */
function isBlankCodePoint(code: number): boolean {
  return (
    code === 0x20 || code === 0x0a || code === 0xa0 || code === 0x1680 || code === 0x180e ||
    (code >= 0x2000 && code <= 0x200f) || code === 0x202e || code === 0x202f || code === 0x205f ||
    code === 0x2800 || code === 0x3000 || code === 0xfeff || code === 0xfffc || (code >= 0xe0000 && code <= 0xe007f)
  );
}

/** is_empty_string: only spaces and invisible characters. */
export function isEmptyString(text: string): boolean {
  for (const ch of text) if (!isBlankCodePoint(ch.codePointAt(0)!)) return false;
  return true;
}

const LENGTH_LIMIT = 35000;

/**
 * fix_formatted_text(text, entities, allow_empty = true, skip_new_entities = false,
 * skip_bot_commands = false, skip_media_timestamps = true, skip_trim = false).
 * Returns empty bytes when nothing visible is left (the caller reports "message text is empty").
 */
export function fixFormattedText(text: Uint8Array, entities: Entity[]): { bytes: Uint8Array; entities: Entity[] } {
  let result: Uint8Array;
  if (entities.length === 0) {
    result = cleanInputString(text);
  } else {
    for (const entity of entities) {
      if (entity.offset < 0 || entity.offset > 1000000) {
        throw new TdError(`Receive an entity with incorrect offset ${entity.offset}`);
      }
      if (entity.length < 0 || entity.length > 1000000) {
        throw new TdError(`Receive an entity with incorrect length ${entity.length}`);
      }
    }
    entities = fixEntities(removeEmptyEntities(entities));
    result = cleanInputStringWithEntities(text, entities);
  }

  const invalid = removeInvalidEntities(result, entities);
  if (invalid.lastUtf16 === -1) return { bytes: new Uint8Array(0), entities: [] };
  entities = fixEntities(invalid.entities);

  // rtrim
  result = result.slice(0, invalid.lastPos + 1);
  while (entities.length > 0 && entities[entities.length - 1]!.offset > invalid.lastUtf16) entities.pop();
  let needSort = false;
  for (const entity of entities) {
    if (entity.offset + entity.length > invalid.lastUtf16 + 1) {
      entity.length = invalid.lastUtf16 + 1 - entity.offset;
      needSort = true;
    }
  }
  if (needSort) sortEntities(entities);

  // ltrim, but never past the first entity
  let firstNonWhitespace = 0;
  const firstEntityBegin = entities.length === 0 ? result.length : entities[0]!.offset;
  while (firstNonWhitespace < firstEntityBegin && (result[firstNonWhitespace] === 0x20 || result[firstNonWhitespace] === 0x0a)) {
    firstNonWhitespace++;
  }
  if (firstNonWhitespace > 0) {
    result = result.slice(firstNonWhitespace);
    for (const entity of entities) entity.offset -= firstNonWhitespace;
  }

  if (isEmptyString(new TextDecoder().decode(result))) return { bytes: new Uint8Array(0), entities: [] };

  if (result.length > LENGTH_LIMIT) {
    let newSize = LENGTH_LIMIT;
    while (!isFirstCodeUnit(result[newSize]!)) newSize--;
    result = result.slice(0, newSize);
    let utf16Length = 0;
    for (const c of result) if (isFirstCodeUnit(c)) utf16Length += utf16Units(c);
    entities = entities.filter((e) => e.offset + e.length <= utf16Length);
  }

  entities = mergeNewEntities(entities, findEntities(result));
  return { bytes: result, entities };
}
