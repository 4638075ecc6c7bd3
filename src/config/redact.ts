/**
 * A bot token shortened so it can be shown: `123456:ABCdef…` becomes `123456:AB…`.
 * The bot id before the colon is public (it is the bot's user id); the secret part is cut.
 */
export function redactToken(token: string): string {
  const match = /^(\d+):(.*)$/s.exec(token.trim());
  if (match) return `${match[1]}:${match[2]!.slice(0, 2)}…`;
  return token.length > 8 ? `${token.slice(0, 2)}…` : "…";
}

/** Anything that looks like a bot token (digits, colon, 20+ token characters). */
const TOKEN_LIKE = /\d+:[A-Za-z0-9_-]{20,}/g;

/** Replaces every token-looking string, and each of `secrets`, with its redacted form. */
export function scrubTokens(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 8) out = out.split(secret).join(redactToken(secret));
  }
  return out.replace(TOKEN_LIKE, (token) => redactToken(token));
}
