/** A bot token's shape, checked before Telegram is asked (so a typo is explained, not sent). */

/** Same rule as the config loader's (src/config/parse.ts): digits, a colon, 30+ token characters. */
const TOKEN_FORMAT = /^\d+:[A-Za-z0-9_-]{30,}$/;

/** Why `token` cannot be a bot token, or undefined when it looks like one. Never echoes it. */
export function tokenShapeProblem(token: string): string | undefined {
  const t = token.trim();
  if (t === "") return "paste the token @BotFather gave you (like 123456789:AAE…)";
  if (TOKEN_FORMAT.test(t)) return undefined;
  const colon = t.indexOf(":");
  if (colon === -1) return "a bot token has a colon: digits, a colon, then 30 or more characters";
  if (!/^\d+$/.test(t.slice(0, colon))) return "the part before the colon must be digits (the bot's id)";
  if (!/^[A-Za-z0-9_-]*$/.test(t.slice(colon + 1))) return "the part after the colon has characters other than letters, digits, _ and -";
  return `the part after the colon is too short (${t.length - colon - 1} characters; tokens have 30 or more)`;
}
