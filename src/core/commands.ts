import type { TelegramMessage } from "@gramio/types";
import { renderText } from "../texts.ts";
import type { CoreContext } from "./context.ts";
import { enqueue, setPin, touchCard } from "./queue.ts";
import type { Conversation, World } from "./state.ts";

/** A staff command typed in a thread: `/p 4` -> { name: "p", args: "4" }. */
export interface Command {
  name: string;
  args: string;
}

/**
 * Reads a command from a comment. `/cmd@otherbot` is addressed to another bot, so it is
 * not a command for us (and is handled like any comment).
 */
export function parseCommand(text: string, botUsername: string): Command | undefined {
  const match = /^\/([A-Za-z0-9_]+)(?:@([A-Za-z0-9_]+))?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return undefined;
  if (match[2] && match[2].toLowerCase() !== botUsername.toLowerCase()) return undefined;
  return { name: match[1]!.toLowerCase(), args: (match[3] ?? "").trim() };
}

/**
 * Applies a staff command (PRODUCT.md, "Conversation lifecycle"). Commands are never
 * relayed to the customer; a refused or malformed one is answered in the thread.
 */
export function handleCommand(world: World, ctx: CoreContext, conv: Conversation, m: TelegramMessage, cmd: Command, staff: boolean, nowMs: number): void {
  const { state } = world;
  const t = ctx.texts;
  const say = (html: string): void => {
    enqueue(state, conv, "team", { kind: "notice", html, replyTo: m.message_id, disableNotification: true }, nowMs);
  };
  if (!staff) {
    const f = m.from;
    say(renderText(t.staff_only_command, { name: f ? [f.first_name, f.last_name].filter(Boolean).join(" ") : "?" }));
    return;
  }
  switch (cmd.name) {
    case "close":
    case "fim":
    case "fs": {
      const silent = cmd.name === "fs" || /^(silent|silencioso|s)$/i.test(cmd.args);
      conv.status = "closed";
      conv.waitingSince = undefined;
      if (!silent) enqueue(state, conv, "customer", { kind: "notice", html: renderText(t.closing, conv.customer) }, nowMs);
      touchCard(world, conv, nowMs);
      setPin(world, conv, false, nowMs);
      say(renderText(t.closed_ack, { silent: silent ? t.closed_ack_silent : "" }, ["silent"]));
      return;
    }
    case "priority":
    case "p": {
      const n = /^[1-5]$/.test(cmd.args) ? Number(cmd.args) : undefined;
      if (n === undefined) {
        say(t.usage_priority);
        return;
      }
      conv.priority = n;
      touchCard(world, conv, nowMs);
      say(renderText(t.priority_ack, { priority: n }));
      return;
    }
    case "ban":
      conv.banned = true;
      conv.waitingSince = undefined;
      touchCard(world, conv, nowMs);
      setPin(world, conv, false, nowMs);
      say(t.banned_ack);
      return;
    case "unban":
      conv.banned = false;
      touchCard(world, conv, nowMs);
      setPin(world, conv, conv.status === "open", nowMs);
      say(t.unbanned_ack);
      return;
    case "help":
    case "ajuda":
    case "start":
      say(renderText(t.help, { note_prefix: ctx.notePrefix }));
      return;
    default:
      say(renderText(t.unknown_command, { command: `/${cmd.name}` }));
  }
}
