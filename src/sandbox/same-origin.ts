/**
 * What keeps a web page elsewhere from driving a local server (the sandbox, the demo page):
 *
 * - DNS rebinding: a page at evil.example re-points its own name at 127.0.0.1 and calls the
 *   server as "same origin". Its requests still carry `Host: evil.example`, so only Host
 *   names this server may use are answered: localhost, an IP address (an address cannot be
 *   rebound), or the name the server was told to listen on.
 * - Cross-origin writes: a form or fetch from another site can POST without reading the
 *   answer. Browsers send `Origin` with those, so a write whose Origin is not this server is
 *   refused. Non-browser clients (the daemon, tests, curl) send no Origin and are answered.
 *
 * No `Access-Control-Allow-Origin` is ever sent, so other origins cannot read answers either.
 */
import { isIP } from "node:net";

/** The host part of a Host header or an origin's authority ("[::1]:80" -> "::1"), lower case. */
function hostname(authority: string): string | undefined {
  try {
    const name = new URL(`http://${authority}`).hostname.toLowerCase();
    return name.startsWith("[") && name.endsWith("]") ? name.slice(1, -1) : name;
  } catch {
    return undefined;
  }
}

/** The last Host header allowed, and for which bound host: a client sends the same one on every request. */
let lastAllowed: { host: string; boundHost: string } | undefined;

/** Whether a request's Host header names this server (bound to `boundHost`). */
export function hostAllowed(host: string | undefined, boundHost: string): boolean {
  if (host === undefined || host === "") return false;
  // Parsing the Host (a URL) cost the sandbox about 10 µs per Bot API request.
  if (lastAllowed !== undefined && lastAllowed.host === host && lastAllowed.boundHost === boundHost) return true;
  const name = hostname(host);
  if (name === undefined) return false;
  const allowed = name === "localhost" || isIP(name) !== 0 || name === boundHost.toLowerCase();
  if (allowed) lastAllowed = { host, boundHost };
  return allowed;
}

/** The few request facts the check needs (an IncomingMessage has them). */
export interface RequestFacts {
  method?: string | undefined;
  headers: { host?: string | undefined; origin?: string | string[] | undefined };
}

/**
 * Why this request must be refused with 403, or undefined to answer it: a Host that is not
 * this server's, or a write (anything but GET/HEAD) from another origin.
 */
export function foreignRequest(req: RequestFacts, boundHost: string): string | undefined {
  const host = req.headers.host;
  if (!hostAllowed(host, boundHost)) {
    return `Host ${JSON.stringify(host ?? "")} is not this server: use http://127.0.0.1 or http://localhost`;
  }
  const method = (req.method ?? "GET").toUpperCase();
  const origin = Array.isArray(req.headers.origin) ? req.headers.origin[0] : req.headers.origin;
  if (method === "GET" || method === "HEAD" || origin === undefined) return undefined;
  let from: string | undefined;
  try {
    from = origin === "null" ? undefined : new URL(origin).host.toLowerCase();
  } catch {
    from = undefined;
  }
  if (from !== undefined && from === host!.toLowerCase()) return undefined;
  return `a ${method} from the page at ${origin} is refused: only this server's own page may change things`;
}
