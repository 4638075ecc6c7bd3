/**
 * An error exactly as tdlib words it (capitalised, e.g. "Can't find end tag …"). The public layer
 * turns it into the Bot API description, see `botApiDescription`.
 */
export class TdError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TdError";
  }
}

/**
 * The Bot API server lowers the first letter of tdlib's message unless the second character is
 * `_` or an upper-case letter (Client::fail_query_with_error).
 */
export function botApiDescription(message: string): string {
  if (message.length >= 2) {
    const second = message[1]!;
    if (second === "_" || (second >= "A" && second <= "Z")) return message;
  }
  const first = message[0] ?? "";
  return (first >= "A" && first <= "Z" ? first.toLowerCase() : first) + message.slice(1);
}
