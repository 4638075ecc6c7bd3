import { commandMenu, type MenuEntry } from "../core/commands.ts";
import type { CoreContext } from "../core/context.ts";
import type { Logger } from "../log.ts";
import { describeForOperator } from "../telegram/errors.ts";
import type { TelegramPort } from "../telegram/port.ts";
import type { Locale } from "../texts.ts";

/**
 * The command menus a user sees: customer commands in private chats, staff ones in the
 * group (from the command table); with `ctx`, only those the deployment offers.
 */
export function commandMenus(locale: Locale, ctx?: CoreContext): { customer: MenuEntry[]; staff: MenuEntry[] } {
  return { customer: commandMenu(locale, "private", ctx), staff: commandMenu(locale, "thread", ctx) };
}

/** Sets the bot's command menus (best effort: a failure is logged, the relay still runs). */
export async function setupCommands(port: TelegramPort, ctx: CoreContext, locale: Locale, log: Logger): Promise<void> {
  const menus = commandMenus(locale, ctx);
  const calls = [
    port.call("setMyCommands", { commands: menus.customer, scope: { type: "all_private_chats" } }),
    port.call("setMyCommands", { commands: menus.staff, scope: { type: "chat", chat_id: ctx.group } }),
  ];
  for (const r of await Promise.allSettled(calls)) {
    if (r.status === "rejected") log.warn(`could not set the command menus: ${describeForOperator(r.reason)}`);
  }
}
