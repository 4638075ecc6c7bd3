/**
 * A scripted week at a São Paulo desk (Mon 2026-03-02 to Sun 2026-03-08; hours mon-fri
 * 09:00-18:00, sat 09:00-12:00; targets 30 min first answer, 60 min later answers), run
 * through the real core so the report reads the events the daemon would have stored.
 *
 * (A bare /start is no question: each customer who presses Start asks one at once.)
 *   A  Mon 10:00 /start promo, owner Ana, #billing. Answered 10:12; writes 10:20, answered
 *      10:50; closed 11:00; rates 5.
 *   B  Mon 17:50, owner Bruno, #billing #urgent. Answered Tue 09:20 (30 business min);
 *      closed Tue 10:50.
 *   C  Tue 17:45 /start promo, owner Ana. Answered Wed 09:45 (60 business min: breach);
 *      closed Wed 10:00; rates 3.
 *   D  Sat 20:00 /start instagram, outside hours: away text; not answered by Sunday.
 *   E  Wed 14:00, #shipping. Answered 14:20; closed 15:00. Reopens Thu 10:00, answered
 *      10:40 (breach); closed 11:00; rates 4.
 *   F  Fri 17:00. Never answered (breach Fri 17:30).
 */
import { recordCsat } from "../../src/core/events.ts";
import { recordBreaches, type Sla } from "../../src/core/sla.ts";
import { emptyState, setThread, worldOf, type State } from "../../src/core/state.ts";
import { handleUpdate } from "../../src/core/updates.ts";
import { ANA, comment, context, privateMsg } from "../core/helpers.ts";
import { at, SP } from "../core/service-helpers.ts";

export const BRUNO = 112;
export const WEEK_SLA: Sla = { firstResponseMinutes: 30, responseMinutes: 60 };
export const CUSTOMERS = { A: 501, B: 502, C: 503, D: 504, E: 505, F: 506 } as const;
type Who = keyof typeof CUSTOMERS;

/** The store's state after the week. */
export function scriptedWeek(): State {
  const w = worldOf(emptyState());
  const ctx = context({ hours: SP, sla: WEEK_SLA, staff: new Set([ANA, BRUNO]), staffNames: new Map([[ANA, "Ana"], [BRUNO, "Bruno"]]) });
  let nextId = 1;
  const local = (day: string, time: string): number => at(`2026-03-${day}T${time}:00-03:00`);
  const step = (day: string, time: string, act: (t: number) => void): void => {
    const t = local(day, time);
    recordBreaches(w, WEEK_SLA, SP, t); // what the daemon's timer does meanwhile
    act(t);
  };
  const root = (who: Who): number => 1000 + CUSTOMERS[who];
  const write = (who: Who, day: string, time: string, text = "hello"): void =>
    step(day, time, (t) => {
      const id = CUSTOMERS[who];
      handleUpdate(w, ctx, privateMsg(nextId++, { text }, { id, is_bot: false, first_name: who, last_name: "", username: "" }), t);
      const conv = w.state.conversations[id]!;
      if (conv.root === undefined) setThread(w, conv, 100 + id, root(who));
    });
  const staff = (who: Who, day: string, time: string, text: string, by = ANA): void =>
    step(day, time, (t) => void handleUpdate(w, ctx, comment(nextId++, root(who), by, { text }), t));
  const own = (who: Who, owner: number | undefined, tags: string[]): void => {
    Object.assign(w.state.conversations[CUSTOMERS[who]]!, { owner, tags }); // the card queue's fields (issue 14)
  };
  const rate = (who: Who, day: string, time: string, score: number): void => {
    const conv = w.state.conversations[CUSTOMERS[who]]!;
    recordCsat(w, conv, score, conv.firstMessageAt, local(day, time));
  };

  write("A", "02", "10:00", "/start promo");
  write("A", "02", "10:00", "my invoice is wrong");
  own("A", ANA, ["billing"]);
  staff("A", "02", "10:12", "Hi! Looking into it");
  write("A", "02", "10:20", "thanks, and the invoice?");
  staff("A", "02", "10:50", "Sent");
  staff("A", "02", "11:00", "/close");
  rate("A", "02", "11:05", 5);

  write("B", "02", "17:50");
  own("B", BRUNO, ["billing", "urgent"]);
  staff("B", "03", "09:20", "Good morning", BRUNO);
  staff("B", "03", "10:50", "/close", BRUNO);

  write("C", "03", "17:45", "/start promo");
  write("C", "03", "17:45", "can I pay by pix?");
  own("C", ANA, []);
  staff("C", "04", "09:45", "Hello C");
  staff("C", "04", "10:00", "/fim");
  rate("C", "04", "10:10", 3);

  write("E", "04", "14:00");
  own("E", undefined, ["shipping"]);
  staff("E", "04", "14:20", "Hello E");
  staff("E", "04", "15:00", "/close");
  write("E", "05", "10:00", "it did not arrive");
  staff("E", "05", "10:40", "Resent");
  staff("E", "05", "11:00", "/close");
  rate("E", "05", "11:30", 4);

  write("F", "06", "17:00");
  write("D", "07", "20:00", "/start instagram");
  write("D", "07", "20:00", "do you deliver on Sundays?");
  step("08", "23:59", () => undefined);
  return w.state;
}
