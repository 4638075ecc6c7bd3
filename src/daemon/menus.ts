import type { CoreContext } from "../core/context.ts";
import type { Logger } from "../log.ts";
import { describeForOperator } from "../telegram/errors.ts";
import type { TelegramPort } from "../telegram/port.ts";
import type { Locale } from "../texts.ts";

const MENUS = {
  "pt-BR": {
    customer: [{ command: "start", description: "Falar com o atendimento" }],
    staff: [
      { command: "fim", description: "Encerra a conversa e avisa o cliente" },
      { command: "fs", description: "Encerra sem avisar o cliente" },
      { command: "p", description: "Prioridade de 1 a 5: /p 4" },
      { command: "ban", description: "Não repassa mais as mensagens do cliente" },
      { command: "unban", description: "Volta a repassar as mensagens do cliente" },
      { command: "ajuda", description: "Lista os comandos" },
    ],
  },
  en: {
    customer: [{ command: "start", description: "Talk to support" }],
    staff: [
      { command: "close", description: "Close the conversation and tell the customer" },
      { command: "fs", description: "Close without telling the customer" },
      { command: "priority", description: "Priority from 1 to 5: /priority 4" },
      { command: "ban", description: "Stop relaying the customer's messages" },
      { command: "unban", description: "Relay the customer's messages again" },
      { command: "help", description: "List the commands" },
    ],
  },
} as const;

/** The command menus a user sees: customer commands in private chats, staff ones in the group. */
export function commandMenus(locale: Locale): (typeof MENUS)[Locale] {
  return MENUS[locale];
}

/** Sets the bot's command menus (best effort: a failure is logged, the relay still runs). */
export async function setupCommands(port: TelegramPort, ctx: CoreContext, locale: Locale, log: Logger): Promise<void> {
  const menus = commandMenus(locale);
  const calls = [
    port.call("setMyCommands", { commands: [...menus.customer], scope: { type: "all_private_chats" } }),
    port.call("setMyCommands", { commands: [...menus.staff], scope: { type: "chat", chat_id: ctx.group } }),
  ];
  for (const r of await Promise.allSettled(calls)) {
    if (r.status === "rejected") log.warn(`could not set the command menus: ${describeForOperator(r.reason)}`);
  }
}
