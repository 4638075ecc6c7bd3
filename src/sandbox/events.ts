/** One state change, as the control API's SSE stream sends it. */
export interface SandboxEvent {
  seq: number;
  /** "message" | "edit" | "delete" | "pin" | "unpin" | "update" | "confirm" | "poll" | "request" | "user" | "block" | "unblock" | "inline" | "chat_action" | "ban" | "unban" | "callback" | "webhook" | "settings" */
  type: string;
  /** Unix time in ms (sandbox clock). */
  at: number;
  [key: string]: unknown;
}

/**
 * Announces every state change. `waitFor` re-checks its predicate on each one, and the
 * control API streams them to the demo page.
 */
export class ChangeFeed {
  private readonly listeners = new Set<(event: SandboxEvent) => void>();
  private seq = 0;

  constructor(private readonly now: () => number) {}

  emit(type: string, detail: Record<string, unknown> = {}): void {
    const event: SandboxEvent = { ...detail, seq: ++this.seq, type, at: this.now() };
    for (const listener of [...this.listeners]) listener(event);
  }

  /** Calls `listener` on every change until the returned function is called. */
  subscribe(listener: (event: SandboxEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
