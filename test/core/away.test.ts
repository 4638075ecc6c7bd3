import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { nextOpenPhrase } from "../../src/core/away.ts";
import { nextOpening } from "../../src/core/hours.ts";
import type { Job } from "../../src/core/jobs.ts";
import { handleUpdate } from "../../src/core/updates.ts";
import { resolveTexts } from "../../src/texts.ts";
import { context, CUSTOMER, privateMsg, world } from "./helpers.ts";
import { at, SP } from "./service-helpers.ts";

const ctx = context({ hours: SP });
const notices = (jobs: Job[]): string[] => jobs.flatMap((j) => (j.kind === "notice" ? [j.html] : []));

describe("away text", () => {
  test("the next opening, as the customer reads it, in both locales", () => {
    const en = resolveTexts("en");
    const pt = resolveTexts("pt-BR");
    const fri = at("2026-03-06T19:00:00-03:00");
    const sat = at("2026-03-07T12:30:00-03:00");
    const mon = nextOpening(SP, sat)!;
    assert.equal(nextOpenPhrase(en, "en", SP.timezone, mon, sat), "on Monday at 09:00");
    assert.equal(nextOpenPhrase(pt, "pt-BR", SP.timezone, mon, sat), "segunda-feira às 09:00");
    assert.equal(nextOpenPhrase(en, "en", SP.timezone, nextOpening(SP, fri)!, fri), "tomorrow at 09:00");
    assert.equal(nextOpenPhrase(pt, "pt-BR", SP.timezone, nextOpening(SP, fri)!, fri), "amanhã às 09:00");
    const early = at("2026-03-09T07:00:00-03:00");
    assert.equal(nextOpenPhrase(pt, "pt-BR", SP.timezone, nextOpening(SP, early)!, early), "hoje às 09:00");
    const longBreak = { ...SP, holidays: ["2026-12-24", "2026-12-25", "2026-12-26", "2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31"] };
    const xmas = at("2026-12-23T19:00:00-03:00");
    assert.equal(nextOpenPhrase(en, "en", SP.timezone, nextOpening(longBreak, xmas)!, xmas), "on January 1 at 09:00");
    assert.equal(nextOpenPhrase(pt, "pt-BR", SP.timezone, nextOpening(longBreak, xmas)!, xmas), "em 1 de janeiro às 09:00");
  });

  test("once per closed period, with a note in the thread ahead of the message; inside hours nothing", () => {
    const w = world();
    handleUpdate(w, ctx, privateMsg(1, { text: "hello?" }), at("2026-03-07T12:30:00-03:00")); // Saturday after closing
    const conv = w.state.conversations[CUSTOMER]!;
    assert.deepEqual(notices(conv.queues.customer), [
      "Hello, Bia! We got your message; someone from the team will answer here shortly.",
      "We are outside business hours right now: we are back on Monday at 09:00. Your message has reached the team, and we will answer as soon as we are back.",
    ]);
    assert.deepEqual(conv.queues.team.map((j) => j.kind), ["card", "pin", "notice", "in"], "the note comes before the copy");
    assert.deepEqual(notices(conv.queues.team), ["🌙 Arrived outside business hours; the customer was told we are back on Monday at 09:00."]);
    assert.equal(conv.awayUntil, at("2026-03-09T09:00:00-03:00"));

    conv.queues.customer = [];
    conv.queues.team = [];
    handleUpdate(w, ctx, privateMsg(2, { text: "anyone?" }), at("2026-03-08T20:00:00-03:00")); // Sunday: same closed period
    assert.deepEqual(notices(conv.queues.customer), [], "not twice in one closed period");
    assert.deepEqual(conv.queues.team.map((j) => j.kind), ["in"], "relayed as always");

    conv.queues.team = [];
    handleUpdate(w, ctx, privateMsg(3, { text: "good morning" }), at("2026-03-09T09:15:00-03:00")); // Monday, open
    assert.deepEqual(notices(conv.queues.customer), []);
    assert.deepEqual(conv.queues.team.map((j) => j.kind), ["in"]);

    handleUpdate(w, ctx, privateMsg(4, { text: "still there?" }), at("2026-03-09T18:30:00-03:00")); // Monday evening: a new period
    assert.equal(notices(conv.queues.customer).length, 1);
    assert.match(notices(conv.queues.customer)[0]!, /we are back tomorrow at 09:00/);
  });

  test("a reopened conversation gets it too; a banned customer does not; staff locale pt-BR", () => {
    const pt = context({ hours: SP, locale: "pt-BR", texts: resolveTexts("pt-BR") });
    const w = world();
    handleUpdate(w, pt, privateMsg(1), at("2026-03-09T10:00:00-03:00"));
    const conv = w.state.conversations[CUSTOMER]!;
    conv.status = "closed";
    conv.queues.customer = [];
    handleUpdate(w, pt, privateMsg(2), at("2026-03-09T20:00:00-03:00"));
    assert.deepEqual(notices(conv.queues.customer), [
      "Olá de novo, Bia! Sua conversa foi reaberta; a equipe vai responder em breve.",
      "Estamos fora do horário de atendimento agora: voltamos amanhã às 09:00. Sua mensagem já chegou à equipe e será respondida assim que voltarmos.",
    ]);
    conv.banned = true;
    conv.queues.customer = [];
    handleUpdate(w, pt, privateMsg(3), at("2026-03-10T20:00:00-03:00"));
    assert.deepEqual(notices(conv.queues.customer), []);
  });

  test("the customer reads it in their Telegram language; the team's note stays in the team's", () => {
    const w = world();
    const from = { id: CUSTOMER, is_bot: false, first_name: "Bia", last_name: "", username: "", language_code: "pt-BR" };
    handleUpdate(w, ctx, privateMsg(1, { text: "oi?" }, from), at("2026-03-07T12:30:00-03:00"));
    const conv = w.state.conversations[CUSTOMER]!;
    assert.match(notices(conv.queues.customer)[1]!, /^Estamos fora do horário de atendimento agora: voltamos segunda-feira às 09:00/);
    assert.match(notices(conv.queues.team)[0]!, /we are back on Monday at 09:00/);
  });

  test("without hours: never away", () => {
    const w = world();
    handleUpdate(w, context(), privateMsg(1), at("2026-03-08T03:00:00-03:00"));
    assert.equal(notices(w.state.conversations[CUSTOMER]!.queues.customer).length, 1, "the welcome only");
  });
});
