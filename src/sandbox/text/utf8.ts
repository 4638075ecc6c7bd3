/**
 * Byte-level helpers. tdlib parses text as UTF-8 bytes (its error messages quote byte offsets),
 * so the ports in this folder work on `Uint8Array`s too and count UTF-16 units as tdlib does.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of `s` (a lone surrogate becomes U+FFFD, as a JSON decoder would make it valid). */
export function encodeUtf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/** The string held by `bytes[start, end)`. */
export function decodeUtf8(bytes: Uint8Array, start = 0, end = bytes.length): string {
  return decoder.decode(bytes.subarray(start, end));
}

/** ASCII-only, byte-for-byte copy of `bytes[start, end)` into a string (tdlib compares such slices). */
export function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/** `bytes[start, end)` with ASCII letters lowered (td::to_lower), decoded as UTF-8. */
export function asciiLowerSlice(bytes: Uint8Array, start: number, end: number): string {
  const copy = bytes.slice(start, end);
  for (let i = 0; i < copy.length; i++) {
    const c = copy[i]!;
    if (c >= 0x41 && c <= 0x5a) copy[i] = c + 32;
  }
  return decoder.decode(copy);
}

/** td::to_lower on a string: only ASCII letters change. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

export function isFirstCodeUnit(c: number): boolean {
  return (c & 0xc0) !== 0x80;
}

/** Bytes taken by the UTF-8 sequence that starts with byte `c`. */
export function sequenceLength(c: number): number {
  if (c < 0x80) return 1;
  if (c < 0xe0) return 2;
  if (c < 0xf0) return 3;
  return 4;
}

/** UTF-16 units of the character whose first UTF-8 byte is `c`. */
export function utf16Units(c: number): number {
  return c >= 0xf0 ? 2 : 1;
}

/** Code point starting at `pos` (0 past the end, like reading tdlib's NUL terminator). */
export function codeAt(bytes: Uint8Array, pos: number): number {
  if (pos >= bytes.length) return 0;
  const c = bytes[pos]!;
  if (c < 0x80) return c;
  const b1 = (bytes[pos + 1] ?? 0) & 0x3f;
  if (c < 0xe0) return ((c & 0x1f) << 6) | b1;
  const b2 = (bytes[pos + 2] ?? 0) & 0x3f;
  if (c < 0xf0) return ((c & 0x0f) << 12) | (b1 << 6) | b2;
  const b3 = (bytes[pos + 3] ?? 0) & 0x3f;
  return ((c & 0x07) << 18) | (b1 << 12) | (b2 << 6) | b3;
}

/** Position of the first byte of the character that ends right before `pos`. */
export function prevCharStart(bytes: Uint8Array, pos: number): number {
  let p = pos - 1;
  while (p > 0 && !isFirstCodeUnit(bytes[p]!)) p--;
  return p;
}

/** Writes `code` as UTF-8 at `pos` (surrogates too, as tdlib's append_utf8_character does); returns the new end. */
export function writeUtf8(buf: Uint8Array, pos: number, code: number): number {
  if (code <= 0x7f) {
    buf[pos++] = code;
  } else if (code <= 0x7ff) {
    buf[pos++] = 0xc0 | (code >> 6);
    buf[pos++] = 0x80 | (code & 0x3f);
  } else if (code <= 0xffff) {
    buf[pos++] = 0xe0 | (code >> 12);
    buf[pos++] = 0x80 | ((code >> 6) & 0x3f);
    buf[pos++] = 0x80 | (code & 0x3f);
  } else {
    buf[pos++] = 0xf0 | (code >> 18);
    buf[pos++] = 0x80 | ((code >> 12) & 0x3f);
    buf[pos++] = 0x80 | ((code >> 6) & 0x3f);
    buf[pos++] = 0x80 | (code & 0x3f);
  }
  return pos;
}

/** UTF-16 length of `bytes[start, end)`. */
export function utf16LengthOfBytes(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (isFirstCodeUnit(c)) n += utf16Units(c);
  }
  return n;
}

/** td::is_space: the characters tdlib's HTML and URL parsers skip (NUL included). */
export function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a || c === 0 || c === 0x0b;
}

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export function isAlpha(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

export function isAlnum(c: number): boolean {
  return isAlpha(c) || isDigit(c);
}

export function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

export function hexValue(c: number): number {
  if (isDigit(c)) return c - 0x30;
  return (c | 0x20) - 0x61 + 10;
}

/** tdlib's UnicodeSimpleCategory. */
export const Category = { Unknown: 0, Letter: 1, DecimalNumber: 2, Number: 3, Separator: 4 } as const;
export type Category = (typeof Category)[keyof typeof Category];

const LETTER = /\p{L}/u;
const DECIMAL = /\p{Nd}/u;
const NUMBER = /\p{N}/u;
const SEPARATOR = /\p{Z}/u;
const categoryCache = new Map<number, Category>();

/** get_unicode_simple_category, taken from the Unicode tables of the JS engine. */
export function category(code: number): Category {
  let result = categoryCache.get(code);
  if (result !== undefined) return result;
  const ch = String.fromCodePoint(code);
  if (LETTER.test(ch)) result = Category.Letter;
  else if (DECIMAL.test(ch)) result = Category.DecimalNumber;
  else if (NUMBER.test(ch)) result = Category.Number;
  else if (SEPARATOR.test(ch)) result = Category.Separator;
  else result = Category.Unknown;
  categoryCache.set(code, result);
  return result;
}

/**
 * td::to_integer_safe<int64>: only the canonical decimal form of an integer in range counts
 * ("025", "+5" and "" do not).
 */
export function toIntegerSafe(s: string): bigint | undefined {
  if (!/^-?[0-9]+$/.test(s)) return undefined;
  const value = BigInt(s);
  if (value.toString() !== s) return undefined;
  if (value > 9223372036854775807n || value < -9223372036854775808n) return undefined;
  return value;
}
