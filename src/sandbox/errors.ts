/**
 * Errors as Telegram answers them. `ApiError` becomes
 * `{"ok":false,"error_code":code,"description":…,"parameters"?:…}` with the same HTTP status.
 */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
    this.name = "ApiError";
  }

  /** The response body Telegram sends for this error. */
  toBody(): Record<string, unknown> {
    const body: Record<string, unknown> = { ok: false, error_code: this.code, description: this.description };
    if (this.parameters) body.parameters = this.parameters;
    return body;
  }
}

/** 400 "Bad Request: …" (the text after the prefix starts in lower case, as the Bot API server writes it). */
export function badRequest(text: string): ApiError {
  return new ApiError(400, `Bad Request: ${text}`);
}

/** 403 "Forbidden: …". */
export function forbidden(text: string): ApiError {
  return new ApiError(403, `Forbidden: ${text}`);
}

/** 429 with `retry_after`, seconds. */
export function tooManyRequests(retryAfter: number): ApiError {
  return new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
}

/**
 * A test or the demo page used the sandbox wrongly (unknown user, message that does not exist…).
 * `status` is what the control API answers: 404 for something missing, 400 otherwise.
 */
export class SandboxUsageError extends Error {
  constructor(message: string, readonly status: 400 | 404 = 400) {
    super(message);
    this.name = "SandboxUsageError";
  }
}
