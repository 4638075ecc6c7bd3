/**
 * Port of tdlib's find_entities: the entities Telegram adds by itself (mentions, bot commands,
 * hashtags, cashtags, URLs, e-mail addresses). Matchers work on UTF-8 byte ranges; the result
 * is converted to UTF-16 offsets by fixEntityOffsets, as in tdlib.
 */
import { makeEntity, sortEntities, T, type Entity, type EntityType } from "./entity.ts";
import { COMMON_TLDS } from "./tlds.ts";
import {
  category, Category, codeAt, decodeUtf8, isAlnum, isAlpha, isDigit, latin1, prevCharStart, sequenceLength, utf16Units,
} from "./utf8.ts";

type Range = [begin: number, end: number];

function isWordCharacter(code: number): boolean {
  const cat = category(code);
  return cat === Category.Letter || cat === Category.DecimalNumber || cat === Category.Number || code === 0x5f;
}

function isAlnumUnderscore(c: number): boolean {
  return isAlnum(c) || c === 0x5f;
}

function isAlnumUnderscoreMinus(c: number): boolean {
  return isAlnumUnderscore(c) || c === 0x2d;
}

function prevCode(b: Uint8Array, pos: number): number {
  return codeAt(b, prevCharStart(b, pos));
}

function matchMentions(b: Uint8Array): Range[] {
  const result: Range[] = [];
  const end = b.length;
  let ptr = 0;
  for (;;) {
    ptr = b.indexOf(0x40, ptr);
    if (ptr === -1) break;
    if (ptr !== 0 && isWordCharacter(prevCode(b, ptr))) {
      ptr++;
      continue;
    }
    const mentionBegin = ++ptr;
    while (ptr !== end && isAlnumUnderscore(b[ptr]!)) ptr++;
    const mentionSize = ptr - mentionBegin;
    if (mentionSize < 2 || mentionSize > 32) continue;
    const next = ptr !== end ? codeAt(b, ptr) : 0;
    if (isWordCharacter(next)) continue;
    result.push([mentionBegin - 1, ptr]);
  }
  return result;
}

const VALID_SHORT_USERNAMES = new Set(["gif", "vid", "pic"]);

function findMentions(b: Uint8Array): Range[] {
  return matchMentions(b).filter(([begin, end]) => {
    if (end - begin - 1 >= 4) return true;
    return VALID_SHORT_USERNAMES.has(latin1(b, begin + 1, end).toLowerCase());
  });
}

function findBotCommands(b: Uint8Array): Range[] {
  const result: Range[] = [];
  const end = b.length;
  let ptr = 0;
  for (;;) {
    ptr = b.indexOf(0x2f, ptr);
    if (ptr === -1) break;
    if (ptr !== 0) {
      const prev = prevCode(b, ptr);
      if (isWordCharacter(prev) || prev === 0x2f || prev === 0x3c || prev === 0x3e) {
        ptr++;
        continue;
      }
    }
    const commandBegin = ++ptr;
    while (ptr !== end && isAlnumUnderscore(b[ptr]!)) ptr++;
    let commandEnd = ptr;
    const commandSize = commandEnd - commandBegin;
    if (commandSize < 1 || commandSize > 64) continue;
    if (ptr !== end && b[ptr] === 0x40) {
      const mentionBegin = ++ptr;
      while (ptr !== end && isAlnumUnderscore(b[ptr]!)) ptr++;
      const mentionSize = ptr - mentionBegin;
      if (mentionSize < 3 || mentionSize > 32) continue;
      commandEnd = ptr;
    }
    const next = ptr !== end ? codeAt(b, ptr) : 0;
    if (isWordCharacter(next) || next === 0x2f || next === 0x3c || next === 0x3e) continue;
    result.push([commandBegin - 1, commandEnd]);
  }
  return result;
}

function isHashtagLetter(code: number): { ok: boolean; cat: Category } {
  const cat = category(code);
  if (code === 0x5f || code === 0x200c || code === 0xb7 || (code >= 0xd80 && code <= 0xdff)) return { ok: true, cat };
  return { ok: cat === Category.DecimalNumber || cat === Category.Letter, cat };
}

/**
 * Length of the "@chatusername" suffix Telegram keeps on hashtags and cashtags
 * (Bot API: "#hashtag@chatusername"); 0 when there is none.
 */
function usernameSuffixLength(b: Uint8Array, at: number): number {
  if (at >= b.length || b[at] !== 0x40) return 0;
  let p = at + 1;
  while (p < b.length && isAlnumUnderscore(b[p]!)) p++;
  return p - (at + 1);
}

function findHashtags(b: Uint8Array): Range[] {
  const result: Range[] = [];
  const end = b.length;
  let ptr = 0;
  for (;;) {
    ptr = b.indexOf(0x23, ptr);
    if (ptr === -1) break;
    if (ptr !== 0 && isHashtagLetter(prevCode(b, ptr)).ok) {
      ptr++;
      continue;
    }
    const hashtagBegin = ++ptr;
    let hashtagSize = 0;
    let hashtagEnd = -1;
    let wasLetter = false;
    while (ptr !== end) {
      const code = codeAt(b, ptr);
      const letter = isHashtagLetter(code);
      if (!letter.ok) break;
      ptr += sequenceLength(b[ptr]!);
      if (hashtagSize === 255) hashtagEnd = ptr;
      if (hashtagSize !== 256) {
        wasLetter ||= letter.cat === Category.Letter;
        hashtagSize++;
      }
    }
    if (hashtagEnd === -1) hashtagEnd = ptr;
    if (hashtagSize < 1) continue;
    if (ptr !== end && b[ptr] === 0x23) continue;
    if (!wasLetter) continue;
    // Inferred from tdlib's tests: a 3+ character username is kept, cut at 32 characters.
    if (hashtagEnd === ptr) {
      const userLength = usernameSuffixLength(b, ptr);
      if (userLength >= 3) hashtagEnd = ptr + 1 + Math.min(userLength, 32);
    }
    result.push([hashtagBegin - 1, hashtagEnd]);
  }
  return result;
}

function findCashtags(b: Uint8Array): Range[] {
  const result: Range[] = [];
  const end = b.length;
  let ptr = 0;
  for (;;) {
    ptr = b.indexOf(0x24, ptr);
    if (ptr === -1) break;
    if (ptr !== 0) {
      const prev = prevCode(b, ptr);
      if (isHashtagLetter(prev).ok || prev === 0x24) {
        ptr++;
        continue;
      }
    }
    const cashtagBegin = ++ptr;
    if (end - ptr >= 5 && latin1(b, ptr, ptr + 5) === "1INCH") {
      ptr += 5;
    } else {
      while (ptr !== end && b[ptr]! >= 0x41 && b[ptr]! <= 0x5a) ptr++;
    }
    let cashtagEnd = ptr;
    const cashtagSize = cashtagEnd - cashtagBegin;
    if (cashtagSize < 1 || cashtagSize > 8) continue;
    if (cashtagEnd !== end) {
      const code = codeAt(b, ptr);
      if (isHashtagLetter(code).ok || code === 0x24) continue;
    }
    // Inferred from tdlib's tests: a 3..32 character username is kept, a longer one is dropped.
    const userLength = usernameSuffixLength(b, cashtagEnd);
    if (userLength >= 3 && userLength <= 32) cashtagEnd += 1 + userLength;
    result.push([cashtagBegin - 1, cashtagEnd]);
  }
  return result;
}

function isUrlUnicodeSymbol(c: number): boolean {
  if (c >= 0x2000 && c <= 0x206f) return c === 0x200c || c === 0x200d || (c >= 0x2010 && c <= 0x2015);
  return category(c) !== Category.Separator;
}

function isUrlPathSymbol(c: number): boolean {
  switch (c) {
    case 0x0a:
    case 0x3c:
    case 0x3e:
    case 0x22:
    case 0xab:
    case 0xbb:
      return false;
    default:
      return isUrlUnicodeSymbol(c);
  }
}

const BAD_PATH_END_CHARS = new Set([...".:;,('?!`"].map((ch) => ch.charCodeAt(0)));

/** Extends a path that starts at `from` (a '/', '?' or '#') and drops trailing punctuation. */
function pathEnd(b: Uint8Array, from: number): number {
  let p = from + 1;
  while (p !== b.length) {
    const code = codeAt(b, p);
    if (!isUrlPathSymbol(code)) break;
    p += sequenceLength(b[p]!);
  }
  while (p > from + 1 && BAD_PATH_END_CHARS.has(b[p - 1]!)) p--;
  return p;
}

function findTgUrls(b: Uint8Array): Range[] {
  const result: Range[] = [];
  const end = b.length;
  let ptr = 0;
  const lower = (i: number) => b[i]! | 0x20;
  while (end - ptr > 5) {
    ptr = b.indexOf(0x3a, ptr);
    if (ptr === -1) break;
    let urlBegin = -1;
    if (end - ptr >= 3 && b[ptr + 1] === 0x2f && b[ptr + 2] === 0x2f) {
      if (ptr >= 2 && lower(ptr - 2) === 0x74 && lower(ptr - 1) === 0x67) {
        urlBegin = ptr - 2;
      } else if (ptr >= 3 && latin1(b, ptr - 3, ptr).toLowerCase() === "ton") {
        urlBegin = ptr - 3;
      } else if (ptr >= 7 && latin1(b, ptr - 7, ptr).toLowerCase() === "tonsite") {
        urlBegin = ptr - 3; // sic: tdlib starts the entity at "ite://"
      }
    }
    if (urlBegin === -1) {
      ptr++;
      continue;
    }
    ptr += 3;
    const domainBegin = ptr;
    while (ptr !== end && ptr - domainBegin !== 253 && isAlnumUnderscoreMinus(b[ptr]!)) ptr++;
    if (ptr === domainBegin) continue;
    if (ptr !== end && (b[ptr] === 0x2f || b[ptr] === 0x3f || b[ptr] === 0x23)) {
      const p = pathEnd(b, ptr);
      if (b[ptr] === 0x2f || p > ptr + 1) ptr = p;
    }
    result.push([urlBegin, ptr]);
  }
  return result;
}

function isProtocolSymbol(c: number): boolean {
  if (c < 0x80) return isAlnum(c) || c === 0x2b || c === 0x2d;
  return category(c) !== Category.Separator;
}

const USER_DATA_STOPS = new Set([0x0a, 0x2f, 0x5b, 0x5d, 0x7b, 0x7d, 0x28, 0x29, 0x27, 0x60, 0x3c, 0x3e, 0x22, 0x40, 0xab, 0xbb]);

function isUserDataSymbol(c: number): boolean {
  return !USER_DATA_STOPS.has(c) && isUrlUnicodeSymbol(c);
}

function isDomainSymbol(c: number): boolean {
  if (c < 0xc0) return c === 0x2e || isAlnumUnderscoreMinus(c) || c === 0x7e;
  return isUrlUnicodeSymbol(c);
}

/** Walks back from `from` while `accept` holds, never before `begin`. */
function scanBack(b: Uint8Array, begin: number, from: number, accept: (c: number) => boolean): number {
  let p = from;
  while (p !== begin) {
    const start = prevCharStart(b, p);
    if (!accept(codeAt(b, start))) break;
    p = start;
  }
  return p;
}

function matchUrls(b: Uint8Array): Range[] {
  const result: Range[] = [];
  const end = b.length;
  let begin = 0;
  for (;;) {
    const dot = b.indexOf(0x2e, begin);
    if (dot === -1 || dot + 1 === end) break;
    if (b[dot + 1] === 0x20) {
      begin = dot + 2;
      continue;
    }

    let domainBegin = scanBack(b, begin, dot, isDomainSymbol);
    let lastAt = -1;
    let domainEnd = dot;
    while (domainEnd !== end) {
      const code = codeAt(b, domainEnd);
      if (code === 0x40) lastAt = domainEnd;
      else if (!isDomainSymbol(code)) break;
      domainEnd += sequenceLength(b[domainEnd]!);
    }
    if (lastAt !== -1) domainBegin = scanBack(b, begin, domainBegin, isUserDataSymbol);

    let urlEnd = domainEnd;
    if (urlEnd !== end && b[urlEnd] === 0x3a) {
      let portEnd = urlEnd + 1;
      while (portEnd !== end && isDigit(b[portEnd]!)) portEnd++;
      let portBegin = urlEnd + 1;
      while (portBegin !== portEnd && b[portBegin] === 0x30) portBegin++;
      if (portBegin !== portEnd && portEnd - portBegin <= 5 && Number(latin1(b, portBegin, portEnd)) <= 65535) {
        urlEnd = portEnd;
      }
    }
    if (urlEnd !== end && (b[urlEnd] === 0x2f || b[urlEnd] === 0x3f || b[urlEnd] === 0x23)) {
      const p = pathEnd(b, urlEnd);
      if (b[urlEnd] === 0x2f || p > urlEnd + 1) urlEnd = p;
    }
    while (urlEnd > dot + 1 && b[urlEnd - 1] === 0x2e) urlEnd--;

    let isBad = false;
    let urlBegin = domainBegin;
    if (urlBegin !== begin && b[urlBegin - 1] === 0x40) {
      if (lastAt !== -1) isBad = true;
      const userDataBegin = scanBack(b, begin, urlBegin - 1, isUserDataSymbol);
      if (userDataBegin === urlBegin - 1) isBad = true;
      urlBegin = userDataBegin;
    }

    if (urlBegin !== begin) {
      if (urlBegin - begin >= 6 && latin1(b, urlBegin - 3, urlBegin) === "://") {
        const protocolBegin = scanBack(b, begin, urlBegin - 3, isProtocolSymbol);
        const protocol = latin1(b, protocolBegin, urlBegin - 3).replace(/[A-Z]+/g, (m) => m.toLowerCase());
        if (protocol.endsWith("http") && protocol !== "shttp") urlBegin -= 7;
        else if (protocol.endsWith("https")) urlBegin -= 8;
        else if (protocol.endsWith("ftp") && protocol !== "tftp" && protocol !== "sftp") urlBegin -= 6;
        else if (protocol.endsWith("tonsite")) urlBegin -= 10;
        else isBad = true;
      } else {
        const code = codeAt(b, prevCharStart(b, urlBegin));
        if (isWordCharacter(code) || code === 0x2f || code === 0x23 || code === 0x40) isBad = true;
      }
    }

    if (!isBad) {
      if (urlEnd > dot + 1) result.push([urlBegin, urlEnd]);
      while (urlEnd !== end && b[urlEnd] === 0x2e) urlEnd++;
    } else {
      while (b[urlEnd - 1] !== 0x2e) urlEnd--;
    }
    if (urlEnd <= dot) urlEnd = dot + 1;
    begin = urlEnd;
  }
  return result;
}

/** is_email_address, on an ASCII view of the bytes. */
function isEmailAddress(s: string): boolean {
  const at = s.indexOf("@");
  if (at === -1) return false;
  const userdata = s.slice(0, at);
  const domain = s.slice(at + 1);
  if (domain === "") return false;

  let prev = 0;
  let userdataPartCount = 0;
  for (let i = 0; i < userdata.length; i++) {
    const ch = userdata.charCodeAt(i);
    if (ch === 0x2e || ch === 0x2b) {
      if (i - prev >= 27) return false;
      userdataPartCount++;
      prev = i + 1;
    } else if (!isAlnumUnderscoreMinus(ch)) {
      return false;
    }
  }
  userdataPartCount++;
  if (userdataPartCount >= 12) return false;
  const lastPartLength = userdata.length - prev;
  if (lastPartLength === 0 || lastPartLength >= 36) return false;

  const parts = domain.split(".");
  if (parts.length <= 1 || parts.length > 7) return false;
  const tld = parts.pop()!;
  if (tld.length <= 1 || tld.length >= 9) return false;
  for (let i = 0; i < tld.length; i++) if (!isAlpha(tld.charCodeAt(i))) return false;
  for (const part of parts) {
    if (part === "" || part.length >= 31) return false;
    for (let i = 0; i < part.length; i++) if (!isAlnumUnderscoreMinus(part.charCodeAt(i))) return false;
    if (!isAlnum(part.charCodeAt(0)) || !isAlnum(part.charCodeAt(part.length - 1))) return false;
  }
  return true;
}

function isCommonTld(tld: string): boolean {
  if (/^[a-z]*$/.test(tld)) return COMMON_TLDS.has(tld);
  const lower = tld.toLowerCase();
  const tail = (s: string) => [...s].slice(1).join("");
  if (lower !== tld && tail(lower) === tail(tld)) return false;
  return COMMON_TLDS.has(lower);
}

/** fix_url: the accepted part of a URL candidate `b[start, end)`, or undefined. */
function fixUrl(b: Uint8Array, start: number, end: number): Range | undefined {
  let fullEnd = end;
  let s = start;
  let hasProtocol = false;
  const head = latin1(b, start, Math.min(end, start + 10)).toLowerCase();
  if (head.startsWith("http://") || head.startsWith("https://") || head.startsWith("ftp://") || head.startsWith("tonsite://")) {
    s = b.indexOf(0x3a, start) + 3;
    hasProtocol = true;
  }
  let domainEnd = s;
  while (domainEnd < end && b[domainEnd] !== 0x2f && b[domainEnd] !== 0x3f && b[domainEnd] !== 0x23) domainEnd++;
  let domainStart = s;
  const pathStart = domainEnd;
  for (let i = domainStart; i < domainEnd; i++) {
    if (b[i] === 0x40) {
      domainStart = i + 1;
      break;
    }
  }
  for (let i = domainEnd - 1; i >= domainStart; i--) {
    if (b[i] === 0x3a) {
      domainEnd = i;
      break;
    }
  }
  const domain = b.subarray(domainStart, domainEnd);
  if (domain.length === 12 && latin1(domain).toLowerCase() === "teiegram.org") return undefined;

  const balance = [0, 0, 0];
  let pathPos = 0;
  const pathLength = end - pathStart;
  for (; pathPos < pathLength; pathPos++) {
    switch (b[pathStart + pathPos]) {
      case 0x28: balance[0]!++; break;
      case 0x5b: balance[1]!++; break;
      case 0x7b: balance[2]!++; break;
      case 0x29: balance[0]!--; break;
      case 0x5d: balance[1]!--; break;
      case 0x7d: balance[2]!--; break;
    }
    if (balance[0]! < 0 || balance[1]! < 0 || balance[2]! < 0) break;
  }
  while (pathPos > 0 && BAD_PATH_END_CHARS.has(b[pathStart + pathPos - 1]!)) pathPos--;
  fullEnd -= pathLength - pathPos;

  let prev = 0;
  let domainPartCount = 0;
  let hasNonDigit = false;
  let isIpv4 = true;
  for (let i = 0; i <= domain.length; i++) {
    if (i === domain.length || domain[i] === 0x2e) {
      const partSize = i - prev;
      if (partSize === 0 || partSize >= 64 || domain[i - 1] === 0x2d) return undefined;
      if (isIpv4) {
        if (partSize > 3) isIpv4 = false;
        const d0 = domain[prev]!;
        const d1 = domain[prev + 1] ?? 0;
        const d2 = domain[prev + 2] ?? 0;
        if (partSize === 3 && (d0 >= 0x33 || (d0 === 0x32 && (d1 >= 0x36 || (d1 === 0x35 && d2 >= 0x36))))) isIpv4 = false;
        if (d0 === 0x30 && partSize >= 2) isIpv4 = false;
      }
      domainPartCount++;
      if (i !== domain.length) prev = i + 1;
    } else if (!isDigit(domain[i]!)) {
      isIpv4 = false;
      hasNonDigit = true;
    }
  }
  if (domainPartCount === 1) return undefined;
  if (isIpv4 && domainPartCount === 4) return [start, fullEnd];
  if (!hasNonDigit) return undefined;

  const tldBytes = domain.subarray(prev);
  const tld = decodeUtf8(tldBytes);
  if ([...tld].length <= 1) return undefined;
  if (latin1(tldBytes, 0, Math.min(4, tldBytes.length)) === "xn--") {
    if (tldBytes.length <= 5) return undefined;
    for (let i = 4; i < tldBytes.length; i++) if (!isAlnum(tldBytes[i]!)) return undefined;
  } else {
    if (tldBytes.includes(0x5f) || tldBytes.includes(0x2d)) return undefined;
    if (!hasProtocol && !isCommonTld(tld)) return undefined;
  }

  let p = prev - 1;
  while (p > 0) {
    p--;
    if (domain[p] === 0x5f) return undefined;
    if (domain[p] === 0x2e) break;
  }
  return [start, fullEnd];
}

function findUrls(b: Uint8Array): { range: Range; isEmail: boolean }[] {
  const result: { range: Range; isEmail: boolean }[] = [];
  for (const [start, end] of matchUrls(b)) {
    const text = latin1(b, start, end);
    if (isEmailAddress(text)) {
      result.push({ range: [start, end], isEmail: true });
    } else if (text.startsWith("mailto:") && isEmailAddress(text.slice(7))) {
      result.push({ range: [start + 7, end], isEmail: true });
    } else {
      const fixed = fixUrl(b, start, end);
      if (fixed) result.push({ range: fixed, isEmail: false });
    }
  }
  return result;
}

/** fix_entity_offsets: keeps non-intersecting entities and turns byte offsets into UTF-16 ones. */
function fixEntityOffsets(b: Uint8Array, entities: Entity[]): Entity[] {
  if (entities.length === 0) return entities;
  sortEntities(entities);
  const kept: Entity[] = [];
  let lastEnd = 0;
  for (const e of entities) {
    if (e.offset >= lastEnd) {
      lastEnd = e.offset + e.length;
      kept.push(e);
    }
  }
  let ptr = 0;
  let utf16 = 0;
  for (const e of kept) {
    let count = 2;
    const entityBegin = e.offset;
    const entityEnd = e.offset + e.length;
    if (entityBegin === ptr) {
      count--;
      e.offset = utf16;
    }
    while (ptr !== b.length && count > 0) {
      const c = b[ptr]!;
      utf16 += utf16Units(c);
      ptr += sequenceLength(c);
      if (entityBegin === ptr) {
        count--;
        e.offset = utf16;
      } else if (entityEnd === ptr) {
        count--;
        e.length = utf16 - e.offset;
      }
    }
  }
  return kept;
}

/**
 * find_entities(text, skip_bot_commands = false, skip_media_timestamps = true), as used for bot
 * messages. Bank card numbers, which tdlib also finds, are left out: the Bot API documents no such
 * entity. Phone numbers are found by Telegram's servers, not by tdlib, so they are missing too.
 */
export function findEntities(b: Uint8Array): Entity[] {
  const entities: Entity[] = [];
  const add = (type: EntityType, ranges: Range[]) => {
    for (const [begin, end] of ranges) entities.push(makeEntity(type, begin, end - begin));
  };
  add(T.Mention, findMentions(b));
  add(T.BotCommand, findBotCommands(b));
  add(T.Hashtag, findHashtags(b));
  add(T.Cashtag, findCashtags(b));
  add(T.Url, findTgUrls(b));
  for (const url of findUrls(b)) {
    entities.push(makeEntity(url.isEmail ? T.EmailAddress : T.Url, url.range[0], url.range[1] - url.range[0]));
  }
  return fixEntityOffsets(b, entities);
}
