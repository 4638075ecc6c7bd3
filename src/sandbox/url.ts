/**
 * URLs as tdlib's `parse_url` (tdutils HttpUrl.cpp) reads them: an optional http/https scheme
 * (else the caller's default), optional userinfo, a host, an optional port and the rest as the
 * query, which is "/" when empty. Both setWebhook's url and URL buttons go through it.
 */

export interface HttpUrl {
  protocol: "http" | "https";
  userinfo: string;
  /** Lower-cased; IPv6 hosts keep their brackets. */
  host: string;
  isIpv6: boolean;
  /** The port written in the URL, 0 when none. */
  specifiedPort: number;
  /** The effective port (80/443 by default). */
  port: number;
  /** Path, query and fragment; starts with "/". */
  query: string;
}

/** tdlib's error texts for a URL it cannot read. */
export class UrlError extends Error {}

const URL_PART_SYMBOLS = new Set([..."._-!$,~*'();&+="]);

function isAlnum(c: string): boolean {
  return /^[A-Za-z0-9]$/.test(c);
}

/** The characters RFC 3986 allows (plus any non-ASCII), as tdlib checks host and userinfo. */
function checkPart(part: string, name: string, allowColon: boolean): void {
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!;
    if (isAlnum(c) || URL_PART_SYMBOLS.has(c) || (allowColon && c === ":")) continue;
    if (c === "%") {
      if (/^[0-9A-Fa-f]{2}$/.test(part.slice(i + 1, i + 3))) {
        i += 2;
        continue;
      }
      throw new UrlError(`Wrong percent-encoded symbol in URL ${name}`);
    }
    if (c.charCodeAt(0) >= 128) continue;
    throw new UrlError(`Disallowed character in URL ${name}`);
  }
}

/** Reads a URL as tdlib does, or throws UrlError with tdlib's message. */
export function parseUrl(url: string, defaultProtocol: "http" | "https"): HttpUrl {
  let rest = url;
  let protocol = defaultProtocol;
  const scheme = /^([^:/?#@[\]]*):\/\//.exec(url);
  if (scheme) {
    const name = scheme[1]!.toLowerCase();
    if (name !== "http" && name !== "https") throw new UrlError("Unsupported URL protocol");
    protocol = name;
    rest = url.slice(scheme[0].length);
  }
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  let query = authorityEnd === -1 ? "" : rest.slice(authorityEnd);

  let port = 0;
  let userinfoHost = authority;
  const colon = Math.max(authority.lastIndexOf(":"), -1);
  const lastBoundary = Math.max(authority.lastIndexOf("]"), authority.lastIndexOf("@"));
  if (colon > 0 && colon > lastBoundary) {
    const digits = authority.slice(colon + 1).replace(/^0+(?=.)/, "");
    port = /^\d+$/.test(digits) && Number(digits) !== 0 ? Number(digits) : -1;
    userinfoHost = authority.slice(0, colon);
  }
  if (port < 0 || port > 65535) throw new UrlError("Wrong port number specified in the URL");

  const at = userinfoHost.lastIndexOf("@");
  const userinfo = at === -1 ? "" : userinfoHost.slice(0, at);
  const rawHost = userinfoHost.slice(at + 1);
  const isIpv6 = rawHost.startsWith("[") && rawHost.endsWith("]") && rawHost.length > 1;
  if (isIpv6 && !/^\[[0-9A-Fa-f:.]+\]$/.test(rawHost)) throw new UrlError("Wrong IPv6 address specified in the URL");
  if (rawHost === "") throw new UrlError("URL host is empty");
  if (rawHost === ".") throw new UrlError("Host is invalid");

  query = query.replace(/\s+$/, "");
  if (query === "") query = "/";
  if (!query.startsWith("/")) query = `/${query}`;
  // Control characters and spaces are percent-encoded.
  query = query.replace(/[\x00-\x20]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);

  const host = rawHost.toLowerCase();
  if (!isIpv6) {
    checkPart(host, "host", false);
    checkPart(userinfo, "userinfo", true);
  }
  const specifiedPort = port;
  return { protocol, userinfo, host, isIpv6, specifiedPort, port: port || (protocol === "http" ? 80 : 443), query };
}

/** tdlib's `HttpUrl::get_url`: the normalized form Telegram stores and shows. */
export function formatUrl(u: HttpUrl): string {
  return `${u.protocol}://${u.userinfo ? `${u.userinfo}@` : ""}${u.host}${u.specifiedPort > 0 ? `:${u.specifiedPort}` : ""}${u.query}`;
}

/** Whether a host is this machine (the only place the sandbox delivers webhooks to). */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === "localhost" || h === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
