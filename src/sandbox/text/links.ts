/**
 * Port of the link checks tdlib applies to text_link URLs: td::parse_url (HttpUrl.cpp) and
 * LinkManager::check_link / get_link_user_id / get_link_custom_emoji_id.
 */
import { isIPv6 } from "node:net";
import { TdError } from "./td-error.ts";
import { asciiLower, toIntegerSafe } from "./utf8.ts";
import { isValidUserId } from "./entity.ts";

interface HttpUrl {
  https: boolean;
  userinfo: string;
  host: string;
  isIpv6: boolean;
  specifiedPort: number;
  query: string;
}

const SPACE_CHARS = " \t\r\n\0\v";
const HOST_SYMBOLS = "._-!$,~*'();&+=";

function readTill(s: string, from: number, stops: string): number {
  let i = from;
  while (i < s.length && !stops.includes(s[i]!)) i++;
  return i;
}

function isLowerAlnum(ch: string): boolean {
  return (ch >= "a" && ch <= "z") || (ch >= "0" && ch <= "9");
}

/** td::parse_url with the default protocol HTTP; throws TdError with tdlib's reason. */
export function parseUrl(url: string): HttpUrl {
  let pos = readTill(url, 0, ":/?#@[]");
  const protocol = asciiLower(url.slice(0, pos));
  let https = false;
  if (url.startsWith("://", pos)) {
    if (protocol === "http") https = false;
    else if (protocol === "https") https = true;
    else throw new TdError("Unsupported URL protocol");
    pos += 3;
  } else {
    pos = 0;
  }
  const hostEnd = readTill(url, pos, "/?#");
  const userinfoHostPort = url.slice(pos, hostEnd);

  let port = 0;
  let colon = userinfoHostPort.length - 1;
  while (colon > 0 && userinfoHostPort[colon] !== ":" && userinfoHostPort[colon] !== "]" && userinfoHostPort[colon] !== "@") {
    colon--;
  }
  let userinfoHost: string;
  if (colon > 0 && userinfoHostPort[colon] === ":") {
    let portText = userinfoHostPort.slice(colon + 1);
    while (portText.length > 1 && portText[0] === "0") portText = portText.slice(1);
    const parsed = toIntegerSafe(portText);
    port = parsed === undefined || parsed === 0n || parsed > 2147483647n || parsed < -2147483648n ? -1 : Number(parsed);
    userinfoHost = userinfoHostPort.slice(0, colon);
  } else {
    userinfoHost = userinfoHostPort;
  }
  if (port < 0 || port > 65535) throw new TdError("Wrong port number specified in the URL");

  const at = userinfoHost.lastIndexOf("@");
  const userinfo = at === -1 ? "" : userinfoHost.slice(0, at);
  const host = userinfoHost.slice(at + 1);

  let ipv6 = false;
  if (host.length > 0 && host[0] === "[" && host[host.length - 1] === "]") {
    if (!isIPv6(host.slice(1, -1))) throw new TdError("Wrong IPv6 address specified in the URL");
    ipv6 = true;
  }
  if (host === "") throw new TdError("URL host is empty");
  if (host === ".") throw new TdError("Host is invalid");

  let query = url.slice(hostEnd);
  let queryEnd = query.length;
  while (queryEnd > 0 && SPACE_CHARS.includes(query[queryEnd - 1]!)) queryEnd--;
  query = query.slice(0, queryEnd);
  if (query === "") query = "/";
  let queryStr = query[0] === "/" ? "" : "/";
  for (const ch of query) {
    const code = ch.codePointAt(0)!;
    queryStr += code <= 0x20 ? "%" + code.toString(16).toUpperCase().padStart(2, "0") : ch;
  }

  const hostStr = asciiLower(host);
  for (let i = 0; i < hostStr.length; i++) {
    const ch = hostStr[i]!;
    if (ipv6) {
      const hex = (ch >= "0" && ch <= "9") || (ch >= "a" && ch <= "f");
      if (i === 0 || i + 1 === hostStr.length || ch === ":" || hex || ch === ".") {
        continue;
      }
      throw new TdError("Wrong IPv6 URL host");
    }
    if (isLowerAlnum(ch) || HOST_SYMBOLS.includes(ch)) continue;
    if (ch === "%") {
      const a = hostStr[i + 1] ?? "";
      const b = hostStr[i + 2] ?? "";
      const hex = (x: string) => (x >= "a" && x <= "f") || (x >= "0" && x <= "9");
      if (hex(a) && hex(b)) {
        i += 2;
        continue;
      }
      throw new TdError("Wrong percent-encoded symbol in URL host");
    }
    if (ch.charCodeAt(0) >= 128) continue;
    throw new TdError("Wrong URL host");
  }

  return { https, userinfo, host: hostStr, isIpv6: ipv6, specifiedPort: port, query: queryStr };
}

function getUrl(url: HttpUrl): string {
  let result = url.https ? "https://" : "http://";
  if (url.userinfo !== "") result += url.userinfo + "@";
  result += url.host;
  if (url.specifiedPort > 0) result += ":" + url.specifiedPort;
  return result + url.query;
}

function lowerStartsWith(s: string, prefix: string): boolean {
  return asciiLower(s.slice(0, prefix.length)) === prefix;
}

/** LinkManager::check_link_impl: the normalised URL, or a TdError naming the problem. */
export function checkLinkImpl(link: string): string {
  let isTg = false;
  let isTon = false;
  let isTonsite = false;
  if (lowerStartsWith(link, "tg:")) {
    link = link.slice(3);
    isTg = true;
  } else if (lowerStartsWith(link, "ton:")) {
    link = link.slice(4);
    isTon = true;
  } else if (lowerStartsWith(link, "tonsite:")) {
    link = link.slice(8);
    isTonsite = true;
  }
  if ((isTg || isTon || isTonsite) && link.startsWith("//")) link = link.slice(2);
  const url = parseUrl(link);
  if (isTg || isTon || isTonsite) {
    if (lowerStartsWith(link, "http://") || url.https || url.userinfo !== "" || url.specifiedPort !== 0 || url.isIpv6) {
      throw new TdError(isTg ? "Wrong tg URL" : "Wrong ton URL");
    }
    let query = url.query;
    if (query.length > 1 && query[1] === "?") query = query.slice(1);
    for (const ch of url.host) {
      const ok = (ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z") || (ch >= "0" && ch <= "9") || ch === "-" || ch === "_";
      if (!ok && !(isTonsite && ch === ".")) throw new TdError("Unallowed characters in URL host");
    }
    return (isTg ? "tg" : isTonsite ? "tonsite" : "ton") + "://" + url.host + query;
  }
  if (!url.host.includes(".") && !url.isIpv6) throw new TdError("Wrong HTTP URL");
  return getUrl(url);
}

/** LinkManager::get_checked_link: "" when the link is not acceptable. */
export function getCheckedLink(link: string): string {
  try {
    return checkLinkImpl(link);
  } catch (e) {
    if (e instanceof TdError) return "";
    throw e;
  }
}

/** LinkManager::check_link: the error message quotes the link. */
export function checkLink(link: string): string {
  try {
    return checkLinkImpl(link);
  } catch (e) {
    if (e instanceof TdError) throw new TdError(`URL '${link}' is invalid: ${e.message}`);
    throw e;
  }
}

/** Strips "tg:" / "tg://" and the host; returns the query after "?" or undefined. */
function tgQuery(url: string, host: string): string | undefined {
  url = asciiLower(url);
  if (!url.startsWith("tg:")) return undefined;
  url = url.slice(3);
  if (url.startsWith("//")) url = url.slice(2);
  if (!url.startsWith(host) || (url.length > host.length && !"/?#".includes(url[host.length]!))) return undefined;
  url = url.slice(host.length);
  if (url.startsWith("/")) url = url.slice(1);
  if (!url.startsWith("?")) return undefined;
  url = url.slice(1);
  const hash = url.indexOf("#");
  return hash === -1 ? url : url.slice(0, hash);
}

function findIdParameter(query: string): string | undefined {
  for (const parameter of query.split("&")) {
    const eq = parameter.indexOf("=");
    const key = eq === -1 ? parameter : parameter.slice(0, eq);
    if (key === "id") return eq === -1 ? "" : parameter.slice(eq + 1);
  }
  return undefined;
}

/** LinkManager::get_link_user_id: the user of a tg://user?id=… link, 0 if it is not one. */
export function getLinkUserId(url: string): number {
  const query = tgQuery(url, "user");
  if (query === undefined) return 0;
  const value = findIdParameter(query);
  if (value === undefined) return 0;
  const id = toIntegerSafe(value);
  if (id === undefined) return 0;
  const n = Number(id);
  return isValidUserId(n) ? n : 0;
}

/** LinkManager::get_link_custom_emoji_id: the id of a tg://emoji?id=… link, or tdlib's error. */
export function getLinkCustomEmojiId(url: string): string {
  const lowered = asciiLower(url);
  if (!lowered.startsWith("tg:")) throw new TdError("Custom emoji URL must have scheme tg");
  let rest = lowered.slice(3);
  if (rest.startsWith("//")) rest = rest.slice(2);
  const host = "emoji";
  if (!rest.startsWith(host) || (rest.length > host.length && !"/?#".includes(rest[host.length]!))) {
    throw new TdError(`Custom emoji URL must have host "${host}"`);
  }
  const query = tgQuery(lowered, host);
  if (query === undefined) throw new TdError("Custom emoji URL must have an emoji identifier");
  const value = findIdParameter(query);
  if (value === undefined) throw new TdError("Custom emoji URL must have an emoji identifier");
  const id = toIntegerSafe(value);
  if (id === undefined || id === 0n) throw new TdError("Invalid custom emoji identifier specified");
  return id.toString();
}
