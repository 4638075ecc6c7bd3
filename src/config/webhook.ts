/**
 * The `webhook:` key of the config: where Telegram posts updates (`url`), where the daemon
 * listens for them behind the operator's TLS reverse proxy (`listen`), the secret Telegram
 * sends with each request (`secret_token`, env CLIENTES_WEBHOOK_SECRET wins) and how many
 * requests at once (`max_connections`). Each problem names its key and the fix.
 */
import { describe } from "./parse.ts";
import type { ProblemSink } from "./service.ts";
import { suggest } from "./suggest.ts";
import type { WebhookConfig } from "./types.ts";

/** Defaults of the `webhook:` keys. */
export const WEBHOOK_DEFAULTS = { listen: "127.0.0.1:8443", max_connections: 40 } as const;

const WEBHOOK_KEYS = ["url", "listen", "secret_token", "max_connections"] as const;
/** The ports Telegram posts to (Bot API docs, setWebhook). */
export const WEBHOOK_PORTS = [443, 80, 88, 8443] as const;
const TELEGRAM_API = "https://api.telegram.org";
const SECRET = /^[A-Za-z0-9_-]{1,256}$/;
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

type Mapping = Record<string, unknown>;
const isMapping = (v: unknown): v is Mapping => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Reads `webhook:`; undefined when absent (the daemon polls). `apiRoot` decides how strict
 * the URL check is: Telegram's own server posts only to HTTPS on ports 443, 80, 88 and 8443,
 * a local Bot API server (or a test server) decides for itself.
 */
export function readWebhook(p: ProblemSink, value: unknown, env: Record<string, string | undefined>, apiRoot: string): WebhookConfig | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isMapping(value)) {
    p.add("webhook", `expected a mapping like {url: "https://desk.example.com/telegram"}, got ${describe(value)}`);
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if ((WEBHOOK_KEYS as readonly string[]).includes(key)) continue;
    const close = suggest(key, WEBHOOK_KEYS);
    p.add(`webhook.${key}`, `unknown key; ${close ? `did you mean "${close}"?` : `valid keys: ${WEBHOOK_KEYS.join(", ")}`}`);
  }
  const url = readUrl(p, value.url, apiRoot);
  const listen = readListen(p, value.listen);
  const envSecret = env.CLIENTES_WEBHOOK_SECRET?.trim();
  const secretToken = envSecret ? readSecret(p, "env CLIENTES_WEBHOOK_SECRET", envSecret) : readSecret(p, "webhook.secret_token", value.secret_token);
  const maxConnections = readMaxConnections(p, value.max_connections);
  if (url === undefined || listen === undefined) return undefined;
  return { url, listen, maxConnections, ...(secretToken !== undefined ? { secretToken } : {}) };
}

function readUrl(p: ProblemSink, value: unknown, apiRoot: string): string | undefined {
  const expected = 'the public HTTPS address Telegram posts to, like "https://desk.example.com/telegram"';
  if (value === undefined || value === null || value === "") {
    p.add("webhook.url", `missing; expected ${expected}`);
    return undefined;
  }
  let u: URL | undefined;
  try {
    u = typeof value === "string" ? new URL(value.trim()) : undefined;
  } catch {
    u = undefined;
  }
  if (u === undefined || (u.protocol !== "https:" && u.protocol !== "http:") || u.hash) {
    p.add("webhook.url", `expected ${expected}, got ${describe(value)}`);
    return undefined;
  }
  if (apiRoot.replace(/\/+$/, "") === TELEGRAM_API) {
    if (u.protocol !== "https:") {
      p.add("webhook.url", `Telegram posts only to HTTPS: write https://${u.host}${u.pathname} and put a TLS reverse proxy in front of webhook.listen`);
      return undefined;
    }
    if (LOOPBACK.test(u.hostname)) {
      p.add("webhook.url", `Telegram cannot reach ${u.hostname}: write the public address the reverse proxy answers on`);
      return undefined;
    }
    const port = u.port === "" ? 443 : Number(u.port);
    if (!(WEBHOOK_PORTS as readonly number[]).includes(port)) {
      p.add("webhook.url", `Telegram posts only to ports ${WEBHOOK_PORTS.join(", ")}, not ${port}: let the reverse proxy listen on one of them`);
      return undefined;
    }
  }
  return u.href;
}

/** `host:port`, `[v6]:port` or a bare port (on 127.0.0.1). */
function readListen(p: ProblemSink, value: unknown): WebhookConfig["listen"] | undefined {
  const expected = 'a local address and port like "127.0.0.1:8443", "[::1]:8443" or 8443';
  if (value === undefined || value === null) return parseListen(WEBHOOK_DEFAULTS.listen)!;
  const listen = typeof value === "number" || typeof value === "string" ? parseListen(String(value).trim()) : undefined;
  if (listen === undefined) p.add("webhook.listen", `expected ${expected}, got ${describe(value)}`);
  return listen;
}

/** Parses a listen address; undefined when it is not one. */
export function parseListen(text: string): WebhookConfig["listen"] | undefined {
  const m = /^(?:(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):)?(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port > 65535) return undefined;
  const host = (m[1] ?? "127.0.0.1").replace(/^\[(.*)\]$/, "$1");
  return { host, port };
}

function readSecret(p: ProblemSink, key: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string" && SECRET.test(value.trim())) return value.trim();
  // Never echo a secret back: say only what is wrong with it.
  const why =
    typeof value !== "string"
      ? `got ${typeof value === "number" ? "a number (quote it)" : describe(value)}`
      : value.trim() === ""
        ? "got an empty string"
        : value.trim().length > 256
          ? `got ${value.trim().length} characters`
          : "got other characters too";
  p.add(key, `expected 1 to 256 letters, digits, _ or - (Telegram's rule for a secret token), ${why}`);
  return undefined;
}

function readMaxConnections(p: ProblemSink, value: unknown): number {
  if (value === undefined || value === null) return WEBHOOK_DEFAULTS.max_connections;
  if (typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 100) return value;
  p.add("webhook.max_connections", `expected a whole number from 1 to 100 (Telegram's range), got ${describe(value)}`);
  return WEBHOOK_DEFAULTS.max_connections;
}
