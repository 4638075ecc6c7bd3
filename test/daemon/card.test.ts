/**
 * The card as the team's queue (docs/rules.md R21 card, R29 queue-commands, R30 hashtags,
 * R31 bare-start, R32 customer-language): where a conversation stands, its owner and tags, as
 * words and as hashtags Telegram's search finds; the queue commands; a bare /start; card edits
 * that coalesce and yield to new cards; customer texts in the customer's language. End to end
 * against the sandbox.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { TelegramMessage } from "@gramio/types";
import { chatTexts, eventually, openConversation, startDesk, threadOf, threadTexts, type Desk } from "./harness.ts";

let desk: Desk;
let bruno: { id: number };
let bruna: { id: number };
before(async () => {
  desk = await startDesk();
  // More staff than the harness's Ana: names to assign to, and two that start alike.
  bruno = desk.sb.addUser({ first_name: "Bruno" });
  bruna = desk.sb.addUser({ first_name: "Bruna" });
  desk.config.staff.push({ id: bruno.id, name: "Bruno Souza" }, { id: bruna.id, name: "Bruna Lima" });
  await desk.stop();
  await desk.restart();
});
after(async () => {
  await desk.close();
});

/** The hashtags Telegram found in a message (its entities, not a regex of ours). */
export function hashtags(m: TelegramMessage | undefined): string[] {
  const text = m?.text ?? "";
  return (m?.entities ?? []).filter((e) => e.type === "hashtag").map((e) => text.slice(e.offset, e.offset + e.length));
}

/** Waits for the bot's answer to a command comment in the thread. */
function answerTo(d: Desk, root: number, commentId: number) {
  return d.sb.waitFor(() => d.sb.thread(root).find((m) => m.from?.id === d.sb.bot.id && m.reply_to_message?.message_id === commentId), 5000, "the bot's answer");
}

/** Posts a command as Ana (or someone else) and resolves with the bot's answer. */
async function command(c: { root: number }, text: string, as: number | "channel" = desk.ana.id, d = desk): Promise<string> {
  const m = d.sb.comment(as, c.root, { text });
  return (await answerTo(d, c.root, m.message_id)).text ?? "";
}

function cardWith(c: { card(): TelegramMessage }, test: (tags: string[], text: string) => boolean, what: string, d = desk) {
  return d.sb.waitFor(() => (test(hashtags(c.card()), c.card().text ?? "") ? c.card() : undefined), 5000, what);
}

describe("the card shows where the conversation stands", () => {
  test("waiting since HH:MM (#waiting), answered once the team writes (#answered), waiting again after the customer writes", async () => {
    const { sb, ana } = desk;
    const c = await openConversation(desk, "Wanda");
    assert.match(c.card().text!, /🔴 Wanda/);
    assert.match(c.card().text!, /Status: waiting for us since \d\d:\d\d · Priority: 3/);
    assert.deepEqual(hashtags(c.card()), ["#waiting", "#p3"]);
    sb.comment(ana.id, c.root, { text: "Hi Wanda, how can we help?" });
    await cardWith(c, (tags) => tags[0] === "#answered", "the card answered");
    assert.match(c.card().text!, /🟢 Wanda[\s\S]*Status: answered/);
    sb.comment(ana.id, c.root, { text: "# internal: a note is no answer" });
    sb.sendPrivate(c.id, { text: "my order 123" });
    await cardWith(c, (tags) => tags[0] === "#waiting", "waiting again");
  });

  test("closed shows #closed, unpinned; the priority is a hashtag too", async () => {
    const { sb } = desk;
    const c = await openConversation(desk, "Pietra");
    await command(c, "/p 5");
    await cardWith(c, (tags) => tags.includes("#p5"), "#p5");
    await command(c, "/close");
    await cardWith(c, (tags) => tags[0] === "#closed", "#closed");
    assert.match(c.card().text!, /⚪ Pietra[\s\S]*Status: closed/);
    await sb.waitFor(() => !sb.pinned(sb.channelId).includes(c.card().message_id), 5000, "unpinned");
  });
});

describe("queue commands in the thread", () => {
  test("/take makes the sender the owner (👤 Ana, #ana); /release leaves nobody", async () => {
    const c = await openConversation(desk, "Olga");
    assert.match(await command(c, "/take"), /👤 Ana owns this conversation/);
    await cardWith(c, (tags) => tags.includes("#ana"), "#ana on the card");
    assert.match(c.card().text!, /Priority: 3 · 👤 Ana/);
    assert.match(await command(c, "/liberar"), /Nobody owns this conversation/);
    await cardWith(c, (tags, text) => !tags.includes("#ana") && !text.includes("👤"), "no owner");
  });

  test("/assign takes a name as in the staff list, a first name or an id; unknown and ambiguous names get the list", async () => {
    const c = await openConversation(desk, "Otto");
    assert.match(await command(c, "/assign bruno souza"), /👤 Bruno Souza owns/);
    await cardWith(c, (tags) => tags.includes("#bruno_souza"), "#bruno_souza");
    assert.match(await command(c, `/atribuir ${bruna.id}`), /👤 Bruna Lima owns/);
    await cardWith(c, (tags) => tags.includes("#bruna_lima") && !tags.includes("#bruno_souza"), "one owner at a time");
    assert.match(await command(c, "/assign Ana"), /👤 Ana owns/);
    const unknown = await command(c, "/assign Zelda");
    assert.match(unknown, /Nobody on the staff list is called Zelda\. The team: .*Ana \(\d+\), .*Bruno Souza/);
    assert.match(await command(c, "/assign bru"), /bru could be more than one person: .*Bruno Souza.*Bruna Lima|bru could be more than one person: .*Bruna Lima.*Bruno Souza/);
    assert.match(await command(c, "/assign"), /Usage: \/assign NAME/);
    await cardWith(c, (tags) => tags.includes("#ana"), "still Ana's");
  });

  test("/take posted as the channel says to comment as yourself", async () => {
    const c = await openConversation(desk, "Anon");
    assert.match(await command(c, "/take", "channel"), /comment as yourself/);
    assert.ok(!c.card().text!.includes("👤"));
  });

  test("/tag adds lower-case tags as hashtags; reserved words, numbers and an 11th tag are refused; /untag removes", async () => {
    const c = await openConversation(desk, "Tess");
    assert.match(await command(c, "/tag Billing, Nota-Fiscal"), /Tags: #billing #nota_fiscal/);
    await cardWith(c, (tags) => tags.includes("#billing") && tags.includes("#nota_fiscal"), "the tags on the card");
    const refused = await command(c, "/tag waiting p5 123 ana");
    assert.match(refused, /Not tags: waiting p5 123 ana/);
    const many = await command(c, "/etiqueta a1 a2 a3 a4 a5 a6 a7 a8 a9");
    assert.match(many, /At most 10 tags: a9 left out/);
    assert.match(await command(c, "/untag billing nope"), /does not have: nope/);
    const card = await cardWith(c, (tags) => !tags.includes("#billing") && tags.includes("#a8"), "billing gone");
    assert.equal(hashtags(card).length, 2 + 9, "state, priority and nine tags");
    assert.match(await command(c, "/untag"), /Usage: \/untag/);
  });

  test("/reopen reopens a closed conversation without telling the customer or making them wait", async () => {
    const { sb } = desk;
    const c = await openConversation(desk, "Rita");
    await command(c, "/fs");
    await cardWith(c, (tags) => tags[0] === "#closed", "closed");
    const seen = chatTexts(desk, c.id).length;
    assert.match(await command(c, "/reabrir"), /Conversation reopened/);
    await cardWith(c, (tags) => tags[0] === "#answered", "open again, nobody waiting");
    await sb.waitFor(() => sb.pinned(sb.channelId).includes(c.card().message_id), 5000, "pinned again");
    assert.match(await command(c, "/reopen"), /already open/);
    assert.equal(chatTexts(desk, c.id).length, seen, "the customer got nothing");
  });

  test("queue commands from someone not on the staff change nothing", async () => {
    const c = await openConversation(desk, "Nadia");
    const stranger = desk.sb.addUser({ first_name: "Mallory" });
    assert.match(await command(c, "/take", stranger.id), /Only the team can use commands/);
    assert.match(await command(c, "/tag hacked", stranger.id), /Only the team/);
    assert.deepEqual(hashtags(c.card()), ["#waiting", "#p3"]);
  });
});

describe("a bare /start", () => {
  test("opens the conversation and its card, with the origin, but nobody waits and it is not pinned until the customer asks", async () => {
    const { sb } = desk;
    const u = sb.addUser({ first_name: "Stella" });
    sb.sendPrivate(u.id, { text: "/start promo_blackfriday" });
    const root = await threadOf(desk, u.id);
    const card = () => sb.messages(sb.channelId).find((m) => m.text?.includes(String(u.id)))!;
    assert.match(card().text!, /Origin: promo_blackfriday/);
    assert.match(card().text!, /Status: open, nothing asked yet/);
    assert.deepEqual(hashtags(card()), ["#open", "#p3"]);
    await sb.waitFor(() => chatTexts(desk, u.id).length === 1, 5000, "a greeting");
    assert.match(chatTexts(desk, u.id)[0]!, /Write here what you need/);
    await sb.waitFor(() => threadTexts(desk, root).includes("/start promo_blackfriday"), 5000, "the /start in the thread");
    assert.ok(!sb.pinned(sb.channelId).includes(card().message_id), "not pinned: not in the queue");

    sb.sendPrivate(u.id, { text: "do you ship to Porto?" });
    await sb.waitFor(() => hashtags(card())[0] === "#waiting", 5000, "waiting once they ask");
    await sb.waitFor(() => sb.pinned(sb.channelId).includes(card().message_id), 5000, "pinned once they ask");
    assert.equal(chatTexts(desk, u.id).length, 1, "no second welcome");
  });
});

test("a burst of changes handled together costs one card edit", async () => {
  // No poll guards: after the restart, the three commands arrive in one batch.
  const d = await startDesk({ sandbox: { pollGuards: false } });
  try {
    const c = await openConversation(d, "Burst");
    const edits = () => d.port.calls.filter((x) => x.method === "editMessageText" && (x.params as { message_id?: number }).message_id === c.card().message_id).length;
    await d.stop();
    const before = edits();
    for (const text of ["/p 5", "/tag vip", "/take"]) d.sb.comment(d.ana.id, c.root, { text });
    await d.restart();
    await cardWith(c, (tags) => tags.includes("#p5") && tags.includes("#vip") && tags.includes("#ana"), "all three changes on the card", d);
    await d.sb.waitFor(() => threadTexts(d, c.root).filter((t) => /^(Priority|Tags|👤)/.test(t)).length === 3, 5000, "three answers");
    assert.equal(edits() - before, 1, "one edit for three changes");
  } finally {
    await d.close();
  }
});

test("a new card is not delayed by card edits waiting for the channel's budget", async () => {
  // The channel's minute made small (6; edits leave 2 of them to new cards), so the budget runs out within the test.
  const d = await startDesk({ rateLimits: true, limits: { perGroupPerMinute: 6, lowPriorityHeadroom: 2 }, sandbox: { rateLimits: true } });
  try {
    const { sb, ana } = d;
    const convs = [];
    for (const name of ["Ada", "Bea", "Cid"]) convs.push(await openConversation(d, name));
    const editCalls = () => d.port.calls.filter((x) => x.method === "editMessageText" && (x.params as { chat_id?: number }).chat_id === sb.channelId);
    // Three cards are in the channel's minute; answering all three wants three card edits, and only one fits under 6 - 2.
    for (const c of convs) sb.comment(ana.id, c.root, { text: `hello ${c.id}` });
    await sb.waitFor(() => editCalls().length === 1 || undefined, 10_000, "the one card edit that fits");
    const dora = sb.addUser({ first_name: "Dora" });
    sb.sendPrivate(dora.id, { text: "I am new here" });
    const root = await threadOf(d, dora.id);
    assert.equal(editCalls().length, 1, "the new card went out while two edits still wait");
    await sb.waitFor(() => threadTexts(d, root).includes("I am new here"), 5000, "and her message reached the thread");
    assert.ok(!d.port.calls.some((x) => String(x.error ?? "").includes("Too Many Requests")), "no 429 on the way");
  } finally {
    await d.close();
  }
});

describe("language per customer", () => {
  test("customer texts follow the customer's Telegram language; staff texts stay in the config's", async () => {
    const { sb } = desk;
    const pt = sb.addUser({ first_name: "Joana", language_code: "pt-br" });
    sb.sendPrivate(pt.id, { text: "Oi, tudo bem?" });
    await sb.waitFor(() => chatTexts(desk, pt.id).length === 1, 5000, "the welcome");
    assert.match(chatTexts(desk, pt.id)[0]!, /^Olá, Joana! Recebemos sua mensagem/);
    const de = sb.addUser({ first_name: "Jonas", language_code: "de" });
    sb.sendPrivate(de.id, { text: "Hallo" });
    await sb.waitFor(() => chatTexts(desk, de.id).length === 1, 5000, "the welcome");
    assert.match(chatTexts(desk, de.id)[0]!, /^Hello, Jonas!/, "anything else gets the config's locale");
    const root = await threadOf(desk, pt.id);
    assert.match(await command({ root }, "/close"), /Conversation closed/, "staff stay in English");
    await sb.waitFor(() => chatTexts(desk, pt.id).some((t) => /^Esta conversa foi encerrada/.test(t)), 5000, "the closing text in Portuguese");
    const card = sb.messages(sb.channelId).find((m) => m.text?.includes(String(pt.id)))!;
    assert.match(card.text!, /Status: closed/, "the card stays in the team's language");
  });

  test("locale_per_customer: false gives everyone the config's locale; texts.<locale> overrides apply to that locale's customers", async () => {
    const off = await startDesk({ config: { localePerCustomer: false } });
    const perLocale = await startDesk({ config: { textsByLocale: { "pt-BR": { welcome: "Oi {first_name}, já vamos responder." } }, texts: { welcome: "Hey {first_name}!" } } });
    try {
      const a = off.sb.addUser({ first_name: "Ana", language_code: "pt" });
      off.sb.sendPrivate(a.id, { text: "oi" });
      await off.sb.waitFor(() => chatTexts(off, a.id)[0], 5000, "the welcome");
      assert.match(chatTexts(off, a.id)[0]!, /^Hello, Ana!/);
      const b = perLocale.sb.addUser({ first_name: "Bia", language_code: "pt-PT" });
      const e = perLocale.sb.addUser({ first_name: "Eve", language_code: "en-GB" });
      perLocale.sb.sendPrivate(b.id, { text: "oi" });
      perLocale.sb.sendPrivate(e.id, { text: "hi" });
      await perLocale.sb.waitFor(() => chatTexts(perLocale, b.id)[0] && chatTexts(perLocale, e.id)[0], 5000, "both welcomes");
      assert.equal(chatTexts(perLocale, b.id)[0], "Oi Bia, já vamos responder.");
      assert.equal(chatTexts(perLocale, e.id)[0], "Hey Eve!");
    } finally {
      await off.close();
      await perLocale.close();
    }
  });
});

describe("buttons under the card", () => {
  const labels = (m: TelegramMessage) => (m.reply_markup as { inline_keyboard: Array<Array<{ text: string }>> } | undefined)?.inline_keyboard.map((row) => row.map((b) => b.text));
  /** Presses a card's button and resolves with the bot's answer, as the presser's app shows it. */
  async function pressOn(d: Desk, c: { card(): TelegramMessage }, data: string, as: number) {
    const q = d.sb.pressButton(as, d.sb.channelId, c.card().message_id, data);
    return d.sb.waitFor(() => d.sb.callbackAnswer(q.id), 5000, `the answer to ${data}`);
  }

  test("staff presses: Take, Release (the owner's alone), Priority, Close and Reopen, each answered", async () => {
    const { sb } = desk;
    const c = await openConversation(desk, "Kiko");
    assert.deepEqual(labels(c.card()), [["🙋 Take", "✅ Close"], ["▼ Priority", "▲ Priority"]]);
    const taken = await pressOn(desk, c, "q:take", desk.ana.id);
    assert.equal(taken.text, "👤 Ana owns this conversation.");
    const card = await cardWith(c, (tags) => tags.includes("#ana"), "#ana");
    assert.deepEqual(labels(card)![0], ["↩️ Release (Ana)", "✅ Close"]);
    const notMine = await pressOn(desk, c, "q:release", bruno.id);
    assert.equal(notMine.show_alert, true);
    assert.match(notMine.text!, /Ana owns this conversation: \/take takes it over/);
    assert.equal((await pressOn(desk, c, "q:up", bruno.id)).text, "Priority: 4.");
    await cardWith(c, (tags) => tags.includes("#p4") && tags.includes("#ana"), "#p4, still Ana's");
    assert.match((await pressOn(desk, c, "q:close", desk.ana.id)).text!, /Conversation closed/);
    await sb.waitFor(() => chatTexts(desk, c.id).some((t) => /This conversation is closed/.test(t)), 5000, "the customer told, as with /close");
    const closed = await cardWith(c, (tags) => tags[0] === "#closed", "#closed");
    assert.deepEqual(labels(closed)![0], ["↩️ Release (Ana)", "🔄 Reopen"]);
    assert.match((await pressOn(desk, c, "q:reopen", desk.ana.id)).text!, /Conversation reopened/);
    assert.equal((await pressOn(desk, c, "q:release", desk.ana.id)).text, "Nobody owns this conversation now.");
    const back = await cardWith(c, (tags) => tags[0] === "#answered" && !tags.includes("#ana"), "open again, nobody's");
    assert.deepEqual(labels(back)![0], ["🙋 Take", "✅ Close"]);
    assert.ok(!threadTexts(desk, c.root).some((t) => /owns this conversation/.test(t)), "a press answers the presser, not the thread");
  });

  test("a press by someone not on the staff gets an alert and changes nothing", async () => {
    const c = await openConversation(desk, "Lia");
    const admin = desk.sb.addUser({ first_name: "Carl" });
    const a = await pressOn(desk, c, "q:close", admin.id);
    assert.equal(a.show_alert, true);
    assert.equal(a.text, "Only the team can use these buttons: Carl is not on the staff list.");
    assert.deepEqual(hashtags(c.card()), ["#waiting", "#p3"]);
    assert.ok(!chatTexts(desk, c.id).some((t) => /closed/.test(t)));
  });

  test("a press on a card that was replaced points to the commands", async () => {
    const { sb } = desk;
    const c = await openConversation(desk, "Moe");
    const old = c.card();
    sb.deleteAs(sb.groupId, c.root); // staff deleted the thread: the next message gets a new card (R15 recreate-thread)
    sb.sendPrivate(c.id, { text: "hello again" });
    await sb.waitFor(() => sb.messages(sb.channelId).filter((m) => m.text?.includes(String(c.id))).length === 2, 5000, "a new card");
    const q = sb.pressButton(desk.ana.id, sb.channelId, old.message_id, "q:take");
    const a = await sb.waitFor(() => sb.callbackAnswer(q.id), 5000, "the answer");
    assert.equal(a.show_alert, true);
    assert.match(a.text!, /out of date: use the commands in its thread/);
  });

  test("a press is answered in time even while its card edit waits for the channel's budget", async () => {
    const d = await startDesk({ rateLimits: true, limits: { perGroupPerMinute: 4, lowPriorityHeadroom: 2 }, sandbox: { callbackAnswerTimeoutMs: 3000 } });
    try {
      const { sb } = d;
      const a = await openConversation(d, "Nia");
      await openConversation(d, "Oto"); // two cards: the edits' share of the minute (4 - 2) is used up
      const edits = () => d.port.calls.filter((x) => x.method === "editMessageText" && (x.params as { chat_id?: number }).chat_id === sb.channelId).length;
      const answer = await pressOn(d, a, "q:take", d.ana.id);
      assert.equal(answer.text, "👤 Ana owns this conversation.");
      assert.equal(edits(), 0, "answered while the card edit still waits");
      assert.ok(!d.logs.some((l) => /query is too old/.test(l)));
    } finally {
      await d.close();
    }
  });

  test("an answer Telegram finds too late is logged; the press still takes effect", async () => {
    const d = await startDesk({ sandbox: { callbackAnswerTimeoutMs: 5 } });
    try {
      const c = await openConversation(d, "Pia");
      d.sb.pressButton(d.ana.id, d.sb.channelId, c.card().message_id, "q:take");
      d.sb.advanceClock(10); // before the daemon even sees the press: its answer will be too late
      await cardWith(c, (tags) => tags.includes("#ana"), "taken anyway", d);
      await eventually(() => d.logs.some((l) => /answerCallbackQuery: .*query is too old/.test(l)), "the late answer logged");
    } finally {
      await d.close();
    }
  });
});
