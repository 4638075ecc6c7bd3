/**
 * R35 staff-notify, end to end through the real daemon: on
 * open and reopen, to an owner whose customer waits, on a missed response target; the
 * `/notify` choice; a staff member who never started the bot; pacing behind customers.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { TelegramMessage } from "@gramio/types";
import { at } from "../core/service-helpers.ts";
import { chatTexts, eventually, openConversation, startDesk, threadOf, threadTexts, type Desk } from "./harness.ts";

const BRUNO = 100_000_002;
const CARLA = 100_000_003;

/** What the bot wrote to a staff member in private, newest last. */
const inbox = (desk: Desk, id: number): TelegramMessage[] => desk.sb.messages(id).filter((m) => m.from?.id === desk.sb.bot.id);
/** The link a notification carries (its text_link entity). */
const linkOf = (m: TelegramMessage): string | undefined => m.entities?.find((e) => e.type === "text_link")?.url;
/** Sends to a chat the daemon made, in order (failed ones included). */
const callsTo = (desk: Desk, chat: number) => desk.port.calls.filter((c) => c.method === "sendMessage" && (c.params as { chat_id?: number }).chat_id === chat);

/** `/assign NAME` in a conversation's thread, by Ana, answered by the bot (R29 queue-commands). */
async function assign(desk: Desk, root: number, name: string): Promise<void> {
  const cmd = desk.sb.comment(desk.ana.id, root, { text: `/assign ${name}` });
  await desk.sb.waitFor(() => desk.sb.thread(root).some((m) => m.from?.id === desk.sb.bot.id && m.reply_to_message?.message_id === cmd.message_id), 5000, "the assignment acknowledged");
}

/** A daemon clock that runs at real speed from an instant the test sets. */
function clock(start: string) {
  let offset = at(start) - Date.now();
  return {
    now: () => Date.now() + offset,
    advance(ms: number) {
      offset += ms;
    },
  };
}

describe("on open and reopen", () => {
  test("staff with notify get the customer's name (escaped), the origin and the card's link; /notify off and /avisos on change it", async () => {
    const desk = await startDesk({ staff: (ana) => [{ id: ana.id, name: "Ana", notify: true }, { id: BRUNO, name: "Bruno" }] });
    try {
      const { sb, ana } = desk;
      sb.addUser({ id: BRUNO, first_name: "Bruno" });
      sb.sendPrivate(ana.id, { text: "/notify" });
      await sb.waitFor(() => chatTexts(desk, ana.id).includes("Your notifications are on. Send /notify on or /notify off."), 5000, "Ana's status");
      sb.sendPrivate(BRUNO, { text: "/avisos on" });
      await sb.waitFor(() => chatTexts(desk, BRUNO)[0]?.startsWith("🔔 Notifications on"), 5000, "Bruno's choice acknowledged");
      assert.equal(sb.messages(sb.channelId).length, 0, "a staff command in private opens no conversation");

      const u = sb.addUser({ first_name: "<b>Zé</b>", last_name: "& Co" });
      // Pressing Start opens the card but asks nothing (R31 bare-start): staff hear of it with the first question.
      sb.sendPrivate(u.id, { text: "/start promo-natal" });
      const root = await threadOf(desk, u.id);
      const card = sb.messages(sb.channelId).find((m) => m.text?.includes(String(u.id)))!;
      sb.sendPrivate(u.id, { text: "where is my order?" });
      for (const id of [ana.id, BRUNO]) {
        const note = await sb.waitFor(() => inbox(desk, id).find((m) => m.text?.startsWith("🆕")), 5000, `the notification to ${id}`);
        assert.equal(note.text, "🆕 New conversation: <b>Zé</b> & Co · origin promo-natal\nOpen the card");
        assert.equal(inbox(desk, id).filter((m) => m.text?.startsWith("🆕")).length, 1, "one, for the question, none for Start");
        assert.equal(linkOf(note), `https://t.me/c/${String(sb.channelId).slice(4)}/${card.message_id}`);
      }

      sb.comment(ana.id, root, { text: "/close" });
      await sb.waitFor(() => threadTexts(desk, root).some((t) => t.startsWith("✅")), 5000, "closed");
      sb.sendPrivate(u.id, { text: "me again" });
      for (const id of [ana.id, BRUNO]) await sb.waitFor(() => inbox(desk, id).find((m) => m.text?.startsWith("🔄 Conversation reopened: <b>Zé</b> & Co")), 5000, "reopened");

      sb.sendPrivate(ana.id, { text: "/notify off" });
      await sb.waitFor(() => chatTexts(desk, ana.id).includes("🔕 Notifications off."), 5000, "off");
      sb.comment(ana.id, root, { text: "/close" });
      await sb.waitFor(() => threadTexts(desk, root).filter((t) => t.startsWith("✅")).length === 2, 5000, "closed again");
      sb.sendPrivate(u.id, { text: "one more thing" });
      await sb.waitFor(() => inbox(desk, BRUNO).filter((m) => m.text?.startsWith("🔄")).length === 2, 5000, "Bruno told again");
      assert.equal(inbox(desk, ana.id).filter((m) => m.text?.startsWith("🔄")).length, 1, "Ana's /notify off wins over notify: true in the config");
    } finally {
      await desk.close();
    }
  });

  test("in Portuguese, and the choice survives a restart", async () => {
    const desk = await startDesk({ config: { locale: "pt-BR" } });
    try {
      const { sb, ana } = desk;
      sb.sendPrivate(ana.id, { text: "/avisos sim" });
      await sb.waitFor(() => chatTexts(desk, ana.id)[0]?.startsWith("🔔 Avisos ligados"), 5000, "acknowledged");
      await desk.stop();
      await desk.restart();
      const c = await openConversation(desk, "João");
      const note = await sb.waitFor(() => inbox(desk, ana.id).find((m) => m.text?.startsWith("🆕")), 5000, "the notification");
      assert.equal(note.text, "🆕 Nova conversa: João\nAbrir o cartão");
      assert.match(linkOf(note) ?? "", new RegExp(`/${c.card().message_id}$`));
    } finally {
      await desk.close();
    }
  });
});

test("a notification still queued when the daemon stops is sent after the restart, once", async () => {
  const desk = await startDesk({ staff: (ana) => [{ id: ana.id, name: "Ana", notify: true }] });
  try {
    const { sb, ana } = desk;
    sb.sendPrivate(ana.id, { text: "/notify" });
    await sb.waitFor(() => chatTexts(desk, ana.id).length === 1, 5000, "Ana started the bot");
    // Telegram asks to wait a minute before the next message to Ana: the daemon stops meanwhile.
    sb.failNext({ method: "sendMessage", chatId: ana.id, code: 429, description: "Too Many Requests: retry after 60", retryAfter: 60 });
    await openConversation(desk, "Nina");
    await desk.port.waitFor((c) => c.method === "sendMessage" && (c.params as { chat_id?: number }).chat_id === ana.id && c.settled && !c.ok, { timeoutMs: 5000 });
    await desk.stop();
    await desk.restart();
    await sb.waitFor(() => inbox(desk, ana.id).some((m) => m.text?.startsWith("🆕 New conversation: Nina")), 5000, "sent after the restart");
    await desk.stop();
    await desk.restart();
    await sb.waitFor(() => sb.isPolling(), 5000, "polling again");
    assert.equal(inbox(desk, ana.id).filter((m) => m.text?.startsWith("🆕")).length, 1, "once");
  } finally {
    await desk.close();
  }
});

test("a staff member who never started the bot is skipped with one log line, never retried, until they write to it", async () => {
  const desk = await startDesk({ staff: (ana) => [{ id: ana.id, name: "Ana", notify: true }, { id: CARLA, name: "Carla", notify: true }] });
  try {
    const { sb, ana } = desk;
    sb.addUser({ id: CARLA, first_name: "Carla" });
    sb.sendPrivate(ana.id, { text: "/notify" });
    const refusals = () => desk.logs.filter((l) => l.includes("Carla (100000003) cannot get private messages"));
    await openConversation(desk, "Um");
    await sb.waitFor(() => inbox(desk, ana.id).filter((m) => m.text?.startsWith("🆕")).length === 1, 5000, "Ana told");
    const line = await eventually(() => refusals()[0], "the refusal logged");
    assert.match(line, /bot can't initiate conversation/);
    assert.match(line, /press Start/);

    await openConversation(desk, "Dois");
    await sb.waitFor(() => inbox(desk, ana.id).filter((m) => m.text?.startsWith("🆕")).length === 2, 5000, "Ana told again");
    await desk.stop();
    await desk.restart();
    await openConversation(desk, "Três");
    await sb.waitFor(() => inbox(desk, ana.id).filter((m) => m.text?.startsWith("🆕")).length === 3, 5000, "Ana told a third time");
    assert.equal(callsTo(desk, CARLA).length, 1, "one try in all, across a restart");
    assert.equal(refusals().length, 1, "one log line");

    sb.sendPrivate(CARLA, { text: "/notify" });
    await sb.waitFor(() => chatTexts(desk, CARLA).some((t) => t.startsWith("Your notifications are on")), 5000, "Carla answered");
    await openConversation(desk, "Quatro");
    await sb.waitFor(() => inbox(desk, CARLA).some((m) => m.text === "🆕 New conversation: Quatro\nOpen the card"), 5000, "Carla told once she started the bot");
    assert.equal(refusals().length, 1);
  } finally {
    await desk.close();
  }
});

test("an owner with notify on hears when their customer writes into an unanswered conversation, at most once per 10 minutes", async () => {
  const time = clock("2026-03-09T10:00:00-03:00");
  const desk = await startDesk({ staff: (ana) => [{ id: ana.id, name: "Ana", notify: true }, { id: BRUNO, name: "Bruno", notify: true }], now: time.now });
  try {
    const { sb, ana } = desk;
    for (const id of [ana.id, BRUNO]) sb.sendPrivate(id === BRUNO ? sb.addUser({ id: BRUNO, first_name: "Bruno" }).id : id, { text: "/notify" });
    const c = await openConversation(desk, "Lia");
    sb.comment(ana.id, c.root, { text: "How can I help?" });
    await sb.waitFor(() => chatTexts(desk, c.id).includes("How can I help?"), 5000, "answered");
    await assign(desk, c.root, "Bruno");
    const waiting = (id: number) => inbox(desk, id).filter((m) => m.text?.startsWith("💬"));

    sb.sendPrivate(c.id, { text: "my parcel never came" });
    const note = await sb.waitFor(() => waiting(BRUNO)[0], 5000, "the owner told");
    assert.equal(note.text, "💬 Lia wrote and waits for an answer (you own this conversation).\nOpen the card");
    sb.sendPrivate(c.id, { text: "hello?" });
    await sb.waitFor(() => threadTexts(desk, c.root).includes("hello?"), 5000, "relayed");
    time.advance(9 * 60_000);
    sb.sendPrivate(c.id, { text: "still there?" });
    await sb.waitFor(() => threadTexts(desk, c.root).includes("still there?"), 5000, "relayed");
    time.advance(2 * 60_000);
    sb.sendPrivate(c.id, { text: "anyone?" });
    await sb.waitFor(() => waiting(BRUNO).length === 2, 5000, "a second one after 10 minutes");
    assert.equal(waiting(ana.id).length, 0, "only the owner");
    assert.equal(inbox(desk, BRUNO).filter((m) => m.text?.startsWith("🆕")).length, 1, "no second 'new' for the same conversation");
  } finally {
    await desk.close();
  }
});

test("a missed response target: the owner gets one private message, or everyone with notify when nobody owns it", async () => {
  const time = clock("2026-03-09T10:00:00-03:00");
  const desk = await startDesk({
    staff: (ana) => [{ id: ana.id, name: "Ana", notify: true }, { id: BRUNO, name: "Bruno", notify: true }],
    config: { sla: { firstResponseMinutes: 30 } },
    now: time.now,
    slaCheckMs: 20,
  });
  try {
    const { sb, ana } = desk;
    sb.addUser({ id: BRUNO, first_name: "Bruno" });
    for (const id of [ana.id, BRUNO]) sb.sendPrivate(id, { text: "/notify" });
    const overdue = (id: number) => inbox(desk, id).filter((m) => m.text?.startsWith("⏰"));
    const a = await openConversation(desk, "Ada");
    const b = await openConversation(desk, "Bea");
    await assign(desk, b.root, "Bruno");
    time.advance(31 * 60_000);
    await sb.waitFor(() => overdue(ana.id).length === 1 && overdue(BRUNO).length === 2, 5000, "the breaches told");
    assert.deepEqual(overdue(ana.id).map((m) => m.text), ["⏰ Ada waits past the first-response target.\nOpen the card"]);
    assert.deepEqual(overdue(BRUNO).map((m) => m.text).sort(), ["⏰ Ada waits past the first-response target.\nOpen the card", "⏰ Bea waits past the first-response target.\nOpen the card"]);
    assert.equal(linkOf(overdue(ana.id)[0]!)?.endsWith(`/${a.card().message_id}`), true);

    await desk.stop();
    await desk.restart();
    await eventually(() => desk.logs.filter((l) => l.includes("relaying between")).length === 2, "restarted");
    sb.sendPrivate(ana.id, { text: "/notify" });
    await sb.waitFor(() => chatTexts(desk, ana.id).filter((t) => t.startsWith("Your notifications")).length === 2, 5000, "the daemon answers");
    assert.equal(overdue(ana.id).length + overdue(BRUNO).length, 3, "one message per breach, not again after a restart");
  } finally {
    await desk.close();
  }
});

test("notifications wait behind customers' messages: a customer writing during a burst of notifications is not delayed", async () => {
  const others = [100_000_011, 100_000_012, 100_000_013, 100_000_014, 100_000_015];
  const desk = await startDesk({
    staff: (ana) => [{ id: ana.id, name: "Ana", notify: true }, ...others.map((id) => ({ id, notify: true }))],
    rateLimits: true,
    limits: { overallPerSecond: 5, backgroundPerSecond: 2 },
  });
  try {
    const { sb, ana } = desk;
    const staff = [ana.id, ...others];
    for (const id of others) sb.addUser({ id, first_name: `S${id}` });
    for (const id of staff) sb.sendPrivate(id, { text: "/notify" });
    await sb.waitFor(() => staff.every((id) => chatTexts(desk, id).length === 1), 10_000, "every staff member answered");
    const notes = () => staff.flatMap((id) => inbox(desk, id).filter((m) => m.text?.startsWith("🆕")));

    const [x, y] = [sb.addUser({ first_name: "Xu" }), sb.addUser({ first_name: "Yan" })];
    sb.sendPrivate(x.id, { text: "first" });
    sb.sendPrivate(y.id, { text: "second" });
    for (const u of [x, y]) {
      const root = await threadOf(desk, u.id);
      await sb.waitFor(() => threadTexts(desk, root).length === 1, 10_000, "copied");
    }
    // The channel and the group get one message a second: let that gap pass, so Zoe waits for nothing but the notifications.
    const teamChats = [sb.channelId, sb.groupId];
    await eventually(() => {
      const last = desk.port.calls.filter((c) => teamChats.includes((c.params as { chat_id?: number } | undefined)?.chat_id ?? 0)).at(-1);
      return last && last.settled && Date.now() - last.at > 1100;
    }, "the channel and group idle for a second");
    const pending = 12 - notes().length;
    assert.ok(pending >= 4, `many of the 12 notifications still queued (${pending})`);

    const z = sb.addUser({ first_name: "Zoe" });
    const wrote = Date.now();
    sb.sendPrivate(z.id, { text: "urgent" });
    const zRoot = await threadOf(desk, z.id);
    await sb.waitFor(() => threadTexts(desk, zRoot).includes("urgent"), 5000, "Zoe's message in the thread");
    const latency = Date.now() - wrote;
    const stillQueued = 12 - notes().length;
    assert.ok(stillQueued >= 2, `notifications were still queued when Zoe's message landed (${stillQueued})`);
    assert.ok(latency < 900, `Zoe's message took ${latency} ms: not held up by the notifications`);

    await sb.waitFor(() => notes().length === 12, 15_000, "every notification delivered in the end");
    const starts = desk.port.calls.filter((c) => c.method === "sendMessage" && staff.includes((c.params as { chat_id: number }).chat_id) && String((c.params as { text: string }).text).startsWith("🆕")).map((c) => c.at);
    assert.ok(starts.at(-1)! - starts[0]! >= 4000, `12 notifications at 2/s spread over ${starts.at(-1)! - starts[0]!} ms`);
  } finally {
    await desk.close();
  }
});
