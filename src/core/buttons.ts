/**
 * R33 card-buttons: the inline keyboard under each card, and what a press does. A press runs
 * the thread command of the same name (one implementation for both), answered with a short
 * notification instead of a reply in the thread. Every press is answered, at once (the
 * daemon makes the answer right after storing the change, before any card edit, which may
 * wait for the channel's budget).
 */
import type { TelegramCallbackQuery, TelegramInlineKeyboardMarkup, TelegramMessage } from "@gramio/types";
import { fullName, renderText, stripTags } from "../texts.ts";
import { ownerName } from "./card.ts";
import { findCommand } from "./commands.ts";
import type { ApiCall, CoreContext } from "./context.ts";
import type { Conversation, World } from "./state.ts";

/** What a button sends back (`callback_data`, at most 64 bytes): `q:` and the action. */
const ACTIONS = ["take", "release", "close", "reopen", "up", "down"] as const;
type Action = (typeof ACTIONS)[number];
const PREFIX = "q:";

/** Telegram shows at most 200 characters in a press's answer. */
const MAX_ANSWER = 200;

/** The card's buttons: Take (Release when someone owns it), Close (Reopen when closed), Priority ▲/▼. */
export function cardKeyboard(conv: Conversation, ctx: Pick<CoreContext, "texts" | "staffNames">): TelegramInlineKeyboardMarkup {
  const t = ctx.texts;
  const button = (text: string, action: Action) => ({ text: stripTags(text), callback_data: PREFIX + action });
  const owner = ownerName(conv, ctx.staffNames);
  return {
    inline_keyboard: [
      [
        owner === undefined ? button(t.button_take, "take") : button(renderText(t.button_release, { owner }), "release"),
        conv.status === "open" ? button(t.button_close, "close") : button(t.button_reopen, "reopen"),
      ],
      [button(t.button_priority_down, "down"), button(t.button_priority_up, "up")],
    ],
  };
}

/** The answer to a press: a short notification (Telegram shows 200 characters), or an alert. */
export function answerPress(q: TelegramCallbackQuery, text: string, alert = false): PressOutcome["answer"] {
  return { method: "answerCallbackQuery", params: { callback_query_id: q.id, text: stripTags(text).slice(0, MAX_ANSWER), ...(alert ? { show_alert: true } : {}) } };
}

/** What handling a press produced: the answer to make right away, and the conversation changed (if any). */
export interface PressOutcome {
  answer: ApiCall<"answerCallbackQuery">;
  changed?: number;
  log: string;
}

/**
 * Handles a press on one of the card's buttons. Staff only: anyone else gets an alert and
 * nothing changes. A press on a card the bot no longer knows (replaced after staff deleted
 * its thread) points to the commands, which always work.
 */
export function onPress(world: World, ctx: CoreContext, q: TelegramCallbackQuery, nowMs: number): PressOutcome | undefined {
  const data = q.data ?? "";
  const action = data.startsWith(PREFIX) ? (data.slice(PREFIX.length) as Action) : undefined;
  const message = q.message as TelegramMessage | undefined;
  if (!action || !ACTIONS.includes(action) || !message || message.chat.id !== ctx.channel) return undefined;
  const t = ctx.texts;
  const answer = (text: string, alert = false): PressOutcome["answer"] => answerPress(q, text, alert);
  const who = `${fullName(q.from)} (${q.from.id})`;
  if (!ctx.staff.has(q.from.id)) {
    return { answer: answer(renderText(t.button_not_staff, { name: fullName(q.from) }), true), log: `button ${action} on card ${message.message_id} pressed by non-staff ${who}: refused` };
  }
  const cid = world.index.cards.get(message.message_id);
  const conv = cid === undefined ? undefined : world.state.conversations[cid];
  if (!conv) return { answer: answer(t.button_stale, true), log: `button ${action} on unknown card ${message.message_id} pressed by ${who}` };

  let reply = "";
  const run = (id: string, args = ""): void => {
    const spec = findCommand("thread", id);
    // No button edits the replies file (/save needs a message to reply to).
    spec?.run?.({ world, ctx, nowMs, m: message, name: id, args, conv, by: { id: q.from.id, name: fullName(q.from) }, reply: (html) => (reply = html), editReplies: () => undefined });
  };
  const owner = ownerName(conv, ctx.staffNames);
  let alert = false;
  switch (action) {
    case "take":
      run("take");
      break;
    case "release":
      // The button says whose it is: only the owner lets go with it; the commands do the rest.
      if (conv.owner !== undefined && conv.owner !== q.from.id) {
        reply = renderText(t.button_not_owner, { owner });
        alert = true;
      } else run("release");
      break;
    case "close":
      if (conv.status === "closed") reply = t.already_closed;
      else run("close");
      break;
    case "reopen":
      run("reopen");
      break;
    case "up":
    case "down":
      run("priority", String(Math.min(5, Math.max(1, conv.priority + (action === "up" ? 1 : -1)))));
      break;
  }
  return { answer: answer(reply, alert), changed: conv.customer.id, log: `button ${action} on the card of customer ${conv.customer.id} pressed by ${who}` };
}
