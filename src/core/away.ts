/**
 * The away text (R26 away-text): a customer who writes while the desk is closed (business hours) is told
 * when it opens again, once per closed period; the thread gets a note. Nothing else
 * changes: the message is relayed as always.
 */
import { renderText, type Locale, type Texts } from "../texts.ts";
import { customerLocale, customerTexts, type CoreContext } from "./context.ts";
import { hhmm, isOpen, localTime, nextOpening } from "./hours.ts";
import { enqueue } from "./queue.ts";
import type { Conversation, World } from "./state.ts";

const DAY_MS = 86_400_000;

/**
 * When the desk opens next, as a phrase in `locale` for the away text's `{next_open}`:
 * "today at 13:00", "tomorrow at 09:00", "on Monday at 09:00", "on January 2 at 09:00"
 * ("hoje às 13:00", "amanhã às 09:00", "segunda-feira às 09:00", "em 2 de janeiro às 09:00").
 * Times are in the desk's zone.
 */
export function nextOpenPhrase(texts: Texts, locale: Locale, timezone: string, next: number, nowMs: number): string {
  const at = localTime(timezone, next);
  const days = Math.round((Date.parse(at.date) - Date.parse(localTime(timezone, nowMs).date)) / DAY_MS);
  const time = hhmm(at.minutes);
  if (days <= 0) return renderText(texts.next_open_today, { time });
  if (days === 1) return renderText(texts.next_open_tomorrow, { time });
  if (days < 7) return renderText(texts.next_open_weekday, { time, weekday: new Intl.DateTimeFormat(locale, { weekday: "long", timeZone: timezone }).format(next) });
  return renderText(texts.next_open_date, { time, date: new Intl.DateTimeFormat(locale, { day: "numeric", month: "long", timeZone: timezone }).format(next) });
}

/**
 * Outside business hours, queues the away text for the customer and a note for the thread
 * (ahead of the message it is about), unless this closed period already had them.
 * Returns a log line when it did.
 */
export function awayIfClosed(world: World, ctx: CoreContext, conv: Conversation, nowMs: number): string | undefined {
  const hours = ctx.hours;
  if (!hours || isOpen(hours, nowMs)) return undefined;
  const next = nextOpening(hours, nowMs);
  if (next === undefined || conv.awayUntil === next) return undefined;
  conv.awayUntil = next;
  // The customer reads it in their language; the team's note stays in the team's.
  const mine = customerTexts(ctx, conv.customer);
  const theirs = nextOpenPhrase(mine, customerLocale(ctx, conv.customer), hours.timezone, next, nowMs);
  const phrase = nextOpenPhrase(ctx.texts, ctx.locale, hours.timezone, next, nowMs);
  enqueue(world.state, conv, "customer", { kind: "notice", html: renderText(mine.away, { next_open: theirs }, ["next_open"]) }, nowMs);
  enqueue(world.state, conv, "team", { kind: "notice", html: renderText(ctx.texts.away_staff, { next_open: phrase }, ["next_open"]), disableNotification: true }, nowMs);
  return `customer ${conv.customer.id} wrote outside business hours: away text sent (open again at ${new Date(next).toISOString()})`;
}
