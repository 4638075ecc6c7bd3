/**
 * R38 closed-group at the edge: removing who joined the group (ban, then unban with
 * only_if_banned, so they may be let in again by hand) and saying so in the group; and, at
 * start-up, telling the operator when the bot lacks the right to do it.
 */
import type { TelegramUser } from "@gramio/types";
import type { CoreContext } from "../core/context.ts";
import { intruderNotice } from "../core/guard.ts";
import type { Logger } from "../log.ts";
import { classify, describeForOperator, isAbortError } from "../telegram/errors.ts";
import { realSleep } from "../telegram/limited.ts";
import type { TelegramPort } from "../telegram/port.ts";

/** The fix, in the words of Telegram's app. */
const FIX = "in the discussion group: Administrators → the bot → turn on “Ban Users” (can_restrict_members); `clientes check` verifies it. Or set guard_group: false to keep the group open";

/** Tries a call up to three times while Telegram fails for a moment (5xx, 429, network). */
async function withRetries<T>(run: () => Promise<T>, signal: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const f = classify(err, attempt);
      if (f.kind !== "retry" || attempt >= 3 || signal.aborted) throw err;
      await realSleep(Math.min(f.afterMs, 5000), signal);
    }
  }
}

/**
 * Removes `user` from the group and posts a line there (outside any thread), through the
 * daemon's port (the line is paced like any message; the member calls post nothing). Never throws.
 */
export async function removeIntruder(d: { port: TelegramPort; ctx: CoreContext; log: Logger; signal: AbortSignal }, user: TelegramUser): Promise<void> {
  const { ctx, log } = d;
  const say = (removed: boolean): void => {
    const text = intruderNotice(ctx, user, removed);
    d.port.call("sendMessage", { chat_id: ctx.group, text, parse_mode: "HTML", link_preview_options: { is_disabled: true } }).catch((err: unknown) => log.warn(`group notice about user ${user.id}: ${describeForOperator(err)}`));
  };
  try {
    await withRetries(() => d.port.call("banChatMember", { chat_id: ctx.group, user_id: user.id }), d.signal);
    await withRetries(() => d.port.call("unbanChatMember", { chat_id: ctx.group, user_id: user.id, only_if_banned: true }), d.signal);
  } catch (err) {
    if (d.signal.aborted) return;
    const f = classify(err, 3);
    if (f.kind === "fatal" && f.cause === "rights") {
      log.error(`user ${user.id} joined the group and stays: the bot may not remove members (${f.description}) (hint: ${FIX})`, { method: "banChatMember", cause: "rights" });
      say(false);
    } else {
      log.warn(`user ${user.id} joined the group and could not be removed: ${describeForOperator(err)}`, { method: "banChatMember" });
    }
    return;
  }
  log.info(`removed user ${user.id} from the group (not staff); they may be added again by hand`, { method: "banChatMember" });
  say(true);
}

/**
 * At start-up: with guard_group on, one clear error when the bot may not remove members from
 * the group. `call` runs the lookup (the daemon's start-up waiter); an abort is rethrown.
 */
export async function warnIfCannotGuard(call: () => Promise<unknown>, log: Logger): Promise<void> {
  try {
    const member = (await call()) as { status: string; can_restrict_members?: boolean };
    if (member.status === "creator" || member.can_restrict_members === true) return;
    const why = member.status === "administrator" ? "it lacks the “Ban Users” right" : `it is not an administrator there (${member.status})`;
    log.error(`guard_group is on, but the bot may not remove members from the group: ${why}, so anyone who joins stays (hint: ${FIX})`, { cause: "rights" });
  } catch (err) {
    if (isAbortError(err)) throw err;
    log.warn(`could not check the bot's rights in the group: ${describeForOperator(err)}`);
  }
}
