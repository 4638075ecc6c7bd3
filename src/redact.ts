/**
 * Keeps the bot token out of everything shown: errors (messages, stacks and `cause` chains
 * end up in logs, in the terminal and in bug reports), config errors and log lines.
 * The one place that knows what a token looks like.
 */

const MASK = "***";

/** The strings that must never leak for this token: itself, its URL-encoded form and its secret half. */
export function secretsOf(token: string): string[] {
  const secrets = new Set<string>();
  if (token) {
    secrets.add(token);
    secrets.add(encodeURIComponent(token));
  }
  const secretHalf = token.slice(token.indexOf(":") + 1);
  // A short secret half would mask innocent text; real ones are 35 characters.
  if (secretHalf.length >= 8) secrets.add(secretHalf);
  // Longest first, so the whole token is masked before its secret half.
  return [...secrets].sort((a, b) => b.length - a.length);
}

/** Anything that looks like a bot token (digits, colon, 20+ token characters), known or not. */
const TOKEN_LIKE = /(?<![0-9.])(\d+):[A-Za-z0-9_-]{20,}/g;

/**
 * `text` with every secret replaced by a mask. A `<bot id>:<secret chars>` run is masked
 * too, so a truncated echo of the token (JSON.parse quotes the body's first characters) leaks
 * none of the secret half; so is anything token-like (say, a token under the wrong config key).
 * The bot id stays: it is public (the bot's user id) and tells which bot is meant.
 */
export function scrub(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    // A short secret would mask innocent text (a token is ~46 characters).
    if (secret.length >= 8) out = out.split(secret).join(MASK);
  }
  for (const botId of botIdsOf(secrets)) {
    out = out.replace(new RegExp(`(?<![0-9.])${botId}(:|%3A)[A-Za-z0-9_-]+`, "gi"), `${botId}$1${MASK}`);
  }
  return out.replace(TOKEN_LIKE, `$1:${MASK}`);
}

function botIdsOf(secrets: readonly string[]): string[] {
  const ids = new Set<string>();
  for (const secret of secrets) {
    const match = /^([0-9]+)(?::|%3A)/i.exec(secret);
    if (match?.[1]) ids.add(match[1]);
  }
  return [...ids];
}

const COPIED_FIELDS = ["code", "errno", "syscall", "address", "port", "hostname", "type"] as const;

/**
 * A copy of `err` (and its `cause` chain) safe to show: same name and diagnostic fields,
 * scrubbed message and stack. Non-errors become their scrubbed string.
 */
export function scrubError(err: unknown, secrets: readonly string[], depth = 0): unknown {
  if (!(err instanceof Error)) {
    if (typeof err === "string") return scrub(err, secrets);
    return err;
  }
  const copy = new Error(scrub(err.message, secrets));
  copy.name = err.name;
  copy.stack = scrub(err.stack ?? `${err.name}: ${err.message}`, secrets);
  const source = err as unknown as Record<string, unknown>;
  const target = copy as unknown as Record<string, unknown>;
  for (const field of COPIED_FIELDS) {
    const value = source[field];
    if (value !== undefined) target[field] = typeof value === "string" ? scrub(value, secrets) : value;
  }
  if (err.cause !== undefined && depth < 5) copy.cause = scrubError(err.cause, secrets, depth + 1);
  return copy;
}
