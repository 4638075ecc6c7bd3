/**
 * R39 csat end to end: the survey after /close (and the card's Close button), taps that rate,
 * replace, come too late or name someone else's survey, what the thread, the card and the
 * report show. Through the real daemon against the sandbox, on an injected clock.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { TelegramMessage } from "@gramio/types";
import { openStateStore } from "../../src/daemon/daemon.ts";
import { buildReport } from "../../src/setup/report.ts";
import { clock } from "../core/service-helpers.ts";
import { chatTexts, openConversation, startDesk, threadTexts, type Desk } from "./harness.ts";

type Buttons = Array<Array<{ text: string; callback_data?: string }>>;
const buttons = (m: TelegramMessage): Buttons => (m.reply_markup as { inline_keyboard: Buttons } | undefined)?.inline_keyboard ?? [];

const time = clock("2026-03-09T10:00:00-03:00");
let desk: Desk;
before(async () => {
  desk = await startDesk({ config: { csat: true }, now: time.now });
});
after(() => desk.close());

/** The survey in a customer's chat, once the bot sent it. */
function surveyOf(d: Desk, id: number): Promise<TelegramMessage> {
  return d.sb.waitFor(() => d.sb.messages(id).find((m) => m.from?.id === d.sb.bot.id && buttons(m).length > 0), 5000, "the survey");
}

/** The customer taps a survey button; resolves with the answer their app shows. */
async function tap(d: Desk, customer: number, survey: TelegramMessage, data: string) {
  const q = d.sb.pressButton(customer, customer, survey.message_id, data);
  return d.sb.waitFor(() => d.sb.callbackAnswer(q.id), 5000, `the answer to ${data}`);
}

async function closeAs(d: Desk, root: number): Promise<void> {
  const m = d.sb.comment(d.ana.id, root, { text: "/close" });
  await d.sb.waitFor(() => d.sb.thread(root).find((x) => x.reply_to_message?.message_id === m.message_id), 5000, "the close acknowledged");
}

describe("the survey after /close", () => {
  test("five buttons; a tap is thanked, shown in the survey, the thread and the card, and counted in the report; a new tap replaces it", async () => {
    const { sb } = desk;
    const c = await openConversation(desk, "Rosa");
    sb.comment(desk.ana.id, c.root, { text: "Here is your tracking code." });
    await closeAs(desk, c.root);
    const survey = await surveyOf(desk, c.id);
    assert.equal(survey.text, "How did we do? Tap a score from 1 to 5.");
    assert.deepEqual(buttons(survey).map((row) => row.map((b) => b.text)), [["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐"]]);
    const data = buttons(survey)[0]!.map((b) => b.callback_data!);
    assert.ok(data.every((x) => Buffer.byteLength(x) <= 64), "callback data fits Telegram's 64 bytes");
    assert.match(data[3]!, new RegExp(`^csat:${c.id}:\\d+:4$`), "names the conversation and its period");
    assert.ok(chatTexts(desk, c.id).some((t) => /This conversation is closed/.test(t)), "the closing text as always");

    const thanks = await tap(desk, c.id, survey, data[3]!);
    assert.equal(thanks.text, "Thank you! You gave 4 ⭐.");
    assert.notEqual(thanks.show_alert, true);
    await sb.waitFor(() => threadTexts(desk, c.root).includes("⭐ 4 from the customer"), 5000, "the rating in the thread");
    await sb.waitFor(() => sb.messages(c.id).find((m) => m.message_id === survey.message_id)?.text?.startsWith("How did we do? You gave 4 ⭐"), 5000, "the survey shows the choice");
    await sb.waitFor(() => /Status: closed · Priority: 3 · ⭐ 4/.test(c.card().text ?? ""), 5000, "the rating on the card");

    time.set("2026-03-10T09:00:00-03:00"); // 23 hours later: still in time, and it replaces the 4
    assert.equal((await tap(desk, c.id, survey, data[4]!)).text, "Thank you! You gave 5 ⭐.");
    await sb.waitFor(() => threadTexts(desk, c.root).includes("⭐ 5 from the customer (was 4)"), 5000, "the new rating in the thread");
    await sb.waitFor(() => /⭐ 5/.test(c.card().text ?? ""), 5000, "the card shows the new rating");

    // A second customer rates 3: the report counts each period once.
    const d = await openConversation(desk, "Davi");
    await closeAs(desk, d.root);
    const other = await surveyOf(desk, d.id);
    await tap(desk, d.id, other, buttons(other)[0]![2]!.callback_data!);
    await sb.waitFor(() => threadTexts(desk, d.root).includes("⭐ 3 from the customer"), 5000, "Davi's rating");

    await desk.stop();
    const store = await openStateStore(desk.config.store);
    const events = store.data.events;
    await store.close();
    assert.deepEqual(events[c.id]!.filter((e) => e.type === "csat").map((e) => e.score), [5], "one rating per period: the latest");
    const report = buildReport({ [c.id]: events[c.id]!, [d.id]: events[d.id]! }, { since: time.now() - 2 * 86_400_000, until: time.now() + 60_000 });
    assert.deepEqual(report.total.csat, { count: 2, average: 4, distribution: [0, 0, 1, 0, 1] });
    await desk.restart();
  });

  test("a tap on an old survey (more than 24 h, or an earlier period) changes nothing and is answered", async () => {
    const { sb } = desk;
    const c = await openConversation(desk, "Tito");
    await closeAs(desk, c.root);
    const survey = await surveyOf(desk, c.id);
    const data = buttons(survey)[0]!.map((b) => b.callback_data!);
    const later = time.now() + 25 * 3_600_000;
    time.set(new Date(later).toISOString());
    const late = await tap(desk, c.id, survey, data[0]!);
    assert.equal(late.show_alert, true);
    assert.equal(late.text, "This survey has expired: it is about an earlier conversation, or more than 24 hours old.");

    // A new period: the customer wrote again (reopened), then it was closed and surveyed again.
    sb.sendPrivate(c.id, { text: "one more thing" });
    await sb.waitFor(() => threadTexts(desk, c.root).includes("one more thing"), 5000, "relayed");
    const old = await tap(desk, c.id, survey, data[1]!);
    assert.equal(old.show_alert, true, "the earlier period's survey is stale while the new one is open");
    await closeAs(desk, c.root);
    const fresh = await sb.waitFor(() => sb.messages(c.id).filter((m) => buttons(m).length > 0)[1], 5000, "the new survey");
    assert.equal((await tap(desk, c.id, survey, data[1]!)).show_alert, true, "the old survey stays stale");
    assert.equal((await tap(desk, c.id, fresh, buttons(fresh)[0]![1]!.callback_data!)).text, "Thank you! You gave 2 ⭐.");
    await sb.waitFor(() => threadTexts(desk, c.root).includes("⭐ 2 from the customer"), 5000, "the new period's rating");
    assert.equal(threadTexts(desk, c.root).filter((t) => t.startsWith("⭐")).length, 1, "no rating from the stale taps");
  });

  test("a tap naming someone else's survey changes nothing and is answered", async () => {
    const { sb } = desk;
    const a = await openConversation(desk, "Ugo");
    await closeAs(desk, a.root);
    const theirs = buttons(await surveyOf(desk, a.id))[0]![4]!.callback_data!;
    const b = await openConversation(desk, "Vera");
    const mine = sb.messages(b.id).find((m) => m.from?.id === sb.bot.id)!; // the welcome: a bot message in Vera's chat
    const foreign = await tap(desk, b.id, mine, theirs);
    assert.equal(foreign.show_alert, true);
    assert.equal(foreign.text, "This survey is not yours.");
    assert.ok(!threadTexts(desk, a.root).some((t) => t.startsWith("⭐")), "Ugo's thread has no rating");
    assert.ok(!/⭐/.test(a.card().text ?? ""), "nor his card");
  });

  test("the card's Close button sends the survey too; /close silent does not", async () => {
    const { sb } = desk;
    const c = await openConversation(desk, "Wim");
    const q = sb.pressButton(desk.ana.id, sb.channelId, c.card().message_id, "q:close");
    await sb.waitFor(() => sb.callbackAnswer(q.id), 5000, "the press answered");
    await surveyOf(desk, c.id);
    const s = await openConversation(desk, "Xena");
    const m = sb.comment(desk.ana.id, s.root, { text: "/close silent" });
    await sb.waitFor(() => sb.thread(s.root).find((x) => x.reply_to_message?.message_id === m.message_id), 5000, "closed");
    await sb.waitFor(() => /#closed/.test(s.card().text ?? ""), 5000, "the card closed");
    assert.ok(!sb.messages(s.id).some((x) => buttons(x).length > 0), "no survey after a silent close");
  });
});
