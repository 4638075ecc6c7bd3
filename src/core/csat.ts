/**
 * R39 csat: the satisfaction survey. With config `csat: true`, closing a conversation (not
 * silently) also asks the customer "How did we do?" with five buttons; a tap rates the open
 * period that just ended, once (a new tap within 24 hours replaces it), and the team sees it
 * in the thread, on the card and in `clientes report`.
 */
import type { TelegramCallbackQuery, TelegramInlineKeyboardMarkup, TelegramMessage } from "@gramio/types";
import { renderText, stripTags, type Texts } from "../texts.ts";
import { answerPress, type PressOutcome } from "./buttons.ts";
import { customerTexts, type ApiCall, type CoreContext } from "./context.ts";
import { recordCsat } from "./events.ts";
import { enqueue, queueCardEdit } from "./queue.ts";
import type { Conversation, World } from "./state.ts";

/** How long a survey takes taps (and a new tap replaces the rating). */
export const SURVEY_MS = 24 * 3_600_000;

/**
 * What a survey button sends back: `csat:<customer>:<period start>:<score>`, at most
 * 5 + 16 + 1 + 16 + 2 = 40 bytes of Telegram's 64. The customer and the period make an old
 * or foreign survey tell itself apart from the current one.
 */
const DATA = /^csat:(\d+):(\d+):([1-5])$/;

/** The callback data of one survey button. */
export function surveyData(customer: number, since: number, score: number): string {
  return `csat:${customer}:${since}:${score}`;
}

/** The survey's five buttons, 1 to 5 ⭐, in one row. */
export function surveyKeyboard(texts: Texts, customer: number, since: number): TelegramInlineKeyboardMarkup {
  return {
    inline_keyboard: [[1, 2, 3, 4, 5].map((score) => ({ text: stripTags(renderText(texts.csat_button, { score })), callback_data: surveyData(customer, since, score) }))],
  };
}

/**
 * Queues the survey for a conversation being closed, when `csat` is on and it had a
 * question to rate (a bare /start asked nothing). Call before the conversation's period ends.
 */
export function sendSurvey(world: World, ctx: CoreContext, conv: Conversation, nowMs: number): void {
  if (!ctx.csat || conv.nothingAsked) return;
  const since = conv.firstMessageAt;
  const t = customerTexts(ctx, conv.customer);
  conv.survey = { since, sentAt: nowMs };
  enqueue(world.state, conv, "customer", { kind: "notice", html: t.csat_question, keyboard: surveyKeyboard(t, conv.customer.id, since) }, nowMs);
}

/** Whether a press's survey is the conversation's current one: the same period, not reopened since, within 24 hours. */
function current(conv: Conversation, since: number, nowMs: number): boolean {
  const s = conv.survey;
  return s !== undefined && s.since === since && conv.firstMessageAt === since && nowMs - s.sentAt <= SURVEY_MS;
}

/**
 * Handles a tap on a survey button (callback data `csat:…`); undefined for any other press.
 * A valid tap is stored, recorded for the report, posted in the thread and shown on the card;
 * the customer's answer thanks them and the survey is edited to show the choice. A tap on an
 * old survey (an earlier period, or past 24 hours) or on a foreign one changes nothing and is answered.
 */
export function onSurveyPress(world: World, ctx: CoreContext, q: TelegramCallbackQuery, nowMs: number): (PressOutcome & { immediate: ApiCall[] }) | undefined {
  const match = DATA.exec(q.data ?? "");
  const message = q.message as TelegramMessage | undefined;
  if (!match || !message || message.chat.type !== "private") return undefined;
  const [customer, since, score] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const own = world.state.conversations[q.from.id];
  const t = own ? customerTexts(ctx, own.customer) : ctx.texts;
  const answer = (text: string, alert = false): PressOutcome["answer"] => answerPress(q, text, alert);
  if (!own || customer !== q.from.id || message.chat.id !== q.from.id) {
    return { answer: answer(t.csat_foreign, true), immediate: [], log: `survey tap by ${q.from.id} naming customer ${customer}: not theirs, ignored` };
  }
  if (!current(own, since, nowMs)) {
    return { answer: answer(t.csat_stale, true), immediate: [], log: `survey tap by customer ${customer} on an old survey (period ${since}): ignored` };
  }
  const survey = own.survey!;
  const previous = survey.score;
  survey.score = score;
  survey.ratedAt = nowMs;
  recordCsat(world, own, score, since, nowMs);
  if (previous !== score) {
    const staff = previous === undefined ? renderText(ctx.texts.csat_staff, { score }) : renderText(ctx.texts.csat_staff_changed, { score, previous });
    enqueue(world.state, own, "team", { kind: "notice", html: staff, disableNotification: true }, nowMs);
    queueCardEdit(world, own, nowMs);
  }
  // The survey shows the choice and keeps its buttons, so the customer may change it within the 24 hours.
  const edit: ApiCall = {
    method: "editMessageText",
    params: { chat_id: message.chat.id, message_id: message.message_id, text: renderText(t.csat_rated, { score }), parse_mode: "HTML", reply_markup: surveyKeyboard(t, customer, since) },
  };
  return {
    answer: answer(renderText(t.csat_thanks, { score })),
    changed: customer,
    immediate: previous === score ? [] : [edit],
    log: `customer ${customer} rated the conversation ${score}${previous === undefined ? "" : ` (was ${previous})`}`,
  };
}

/** The rating the card shows: the current period's, once the customer tapped one. */
export function cardRating(conv: Conversation): number | undefined {
  const s = conv.survey;
  return s && s.since === conv.firstMessageAt ? s.score : undefined;
}
