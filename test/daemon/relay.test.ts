/**
 * The relay rules R1 first-contact to R9 staff-list (docs/rules.md), end to end: the real daemon over HTTP against the sandbox.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chatTexts, openConversation, startDesk, threadOf, threadTexts, type Desk } from "./harness.ts";

let desk: Desk;
before(async () => {
  desk = await startDesk();
});
after(async () => {
  await desk.close();
});

describe("customer → team", () => {
  test("R1 first-contact: a first message creates a topic card and is copied into its thread", async () => {
    const { sb } = desk;
    const bia = sb.addUser({ first_name: "Bia", last_name: "Lima", username: "bialima" });
    sb.sendPrivate(bia.id, { text: "Hello, my order did not arrive" });
    const root = await threadOf(desk, bia.id);
    await sb.waitFor(() => threadTexts(desk, root).length === 1, 5000, "the copy in the thread");
    assert.deepEqual(threadTexts(desk, root), ["Hello, my order did not arrive"]);
    const card = sb.messages(sb.channelId).find((m) => m.text?.includes(String(bia.id)))!;
    assert.match(card.text!, /Bia Lima/);
    assert.match(card.text!, /@bialima/);
    assert.match(card.text!, new RegExp(`ID: ${bia.id}`));
    assert.match(card.text!, /waiting for us/);
    const copy = sb.thread(root)[1]!;
    assert.equal(copy.from?.id, sb.bot.id, "copied by the bot");
    assert.equal(copy.message_thread_id, root, "inside the thread");
  });

  test("R1 first-contact: the customer gets a welcome from the bot", async () => {
    const { sb } = desk;
    const u = sb.addUser({ first_name: "Caio" });
    sb.sendPrivate(u.id, { text: "hi" });
    await sb.waitFor(() => chatTexts(desk, u.id).length === 1, 5000, "the welcome");
    assert.match(chatTexts(desk, u.id)[0]!, /Hello, Caio!/);
  });

  test("R2 customer-relay and R14 order-and-pace: ten quick messages arrive in the same thread, in order", async () => {
    const { sb } = desk;
    const u = sb.addUser({ first_name: "Dora" });
    for (let i = 1; i <= 10; i++) sb.sendPrivate(u.id, { text: `message ${i}` });
    const root = await threadOf(desk, u.id);
    await sb.waitFor(() => threadTexts(desk, root).length === 10, 8000, "ten copies");
    assert.deepEqual(threadTexts(desk, root), Array.from({ length: 10 }, (_, i) => `message ${i + 1}`));
    assert.equal(sb.messages(sb.channelId).filter((m) => m.text?.includes(String(u.id))).length, 1, "one card");
  });

  test("R2 customer-relay: a customer's reply to the bot's message becomes a reply to the matching comment", async () => {
    const { sb, ana } = desk;
    const u = sb.addUser({ first_name: "Eva" });
    sb.sendPrivate(u.id, { text: "question" });
    const root = await threadOf(desk, u.id);
    await sb.waitFor(() => threadTexts(desk, root).length === 1);
    const staffComment = sb.comment(ana.id, root, { text: "What is your order number?" });
    const copy = await sb.waitFor(() => sb.messages(u.id).find((m) => m.text === "What is your order number?"));
    sb.sendPrivate(u.id, { text: "It is 4242" }, { replyTo: copy.message_id });
    const answer = await sb.waitFor(() => sb.thread(root).find((m) => m.text === "It is 4242"));
    assert.equal(answer.reply_to_message?.message_id, staffComment.message_id);
  });

  test("R3 copyable-kinds: every copyable kind is relayed, formatting included", async () => {
    const { sb } = desk;
    const u = sb.addUser({ first_name: "Fábio" });
    sb.sendPrivate(u.id, { text: "<b>bold</b> and <i>italic</i>", parse_mode: "HTML" });
    const kinds = [
      { photo: "cat", caption: "a photo" },
      { video: "clip" },
      { animation: "gif" },
      { document: "invoice.pdf", caption: "the invoice" },
      { audio: "song" },
      { voice: "voice" },
      { video_note: "round" },
      { sticker: "smile" },
      { location: { latitude: -23.5, longitude: -46.6 } },
      { venue: { latitude: -23.5, longitude: -46.6, title: "Store", address: "Av. Paulista, 1000" } },
      { contact: { phone_number: "+5511999999999", first_name: "Gil" } },
      { poll: { question: "Which day?", options: ["Mon", "Tue"] } },
      { dice: { emoji: "🎲" } },
    ];
    for (const k of kinds) sb.sendPrivate(u.id, k as never);
    const root = await threadOf(desk, u.id);
    await sb.waitFor(() => sb.thread(root).length === 1 + 1 + kinds.length, 8000, "all kinds copied");
    const copies = sb.thread(root).slice(1);
    assert.equal(copies[0]!.text, "bold and italic");
    assert.deepEqual(copies[0]!.entities?.map((e) => e.type), ["bold", "italic"]);
    kinds.forEach((k, i) => {
      const kind = Object.keys(k)[0]!;
      assert.ok(kind in copies[i + 1]!, `${kind} relayed, in order`);
    });
    assert.equal(copies[1]!.caption, "a photo");
  });

  test("R3 copyable-kinds: an album arrives in the thread as one album", async () => {
    const { sb } = desk;
    const u = sb.addUser({ first_name: "Gabi" });
    sb.sendPrivate(u.id, { text: "photos of the damage:" });
    const root = await threadOf(desk, u.id);
    sb.sendAlbum(u.id, [{ photo: "p1", caption: "front" }, { photo: "p2" }, { photo: "p3" }]);
    await sb.waitFor(() => sb.thread(root).length === 5, 5000, "three album parts");
    const parts = sb.thread(root).slice(2);
    assert.ok(parts.every((m) => m.photo), "all photos");
    const groupIds = new Set(parts.map((m) => m.media_group_id));
    assert.equal(groupIds.size, 1, "one album");
    assert.ok([...groupIds][0], "with a media_group_id");
    assert.equal(parts[0]!.caption, "front");
  });

  test("R3 copyable-kinds: a kind that cannot be relayed gets a clear notice on both sides", async () => {
    const { sb } = desk;
    const u = sb.addUser({ first_name: "Hugo" });
    sb.sendPrivate(u.id, { text: "hi" });
    const root = await threadOf(desk, u.id);
    sb.sendPrivate(u.id, { game: true });
    await sb.waitFor(() => threadTexts(desk, root).some((t) => /cannot relay/.test(t)), 5000, "a notice in the thread");
    await sb.waitFor(() => chatTexts(desk, u.id).some((t) => /could not be delivered/.test(t)), 5000, "a notice to the customer");
  });

  test("R4 origin: /start <payload> is recorded as the origin and shown to staff", async () => {
    const { sb } = desk;
    const u = sb.addUser({ first_name: "Iara" });
    sb.sendPrivate(u.id, { text: "/start instagram-ad" });
    await threadOf(desk, u.id);
    const card = sb.messages(sb.channelId).find((m) => m.text?.includes(String(u.id)))!;
    assert.match(card.text!, /Origin: instagram-ad/);
  });

  test("R5 minimal-profile: a hostile name is shown literally and never breaks the card", async () => {
    const { sb } = desk;
    const u = sb.addUser({ first_name: "<b>Ana & Co</b>", last_name: "</i>" });
    sb.sendPrivate(u.id, { text: "hi" });
    await threadOf(desk, u.id);
    const card = sb.messages(sb.channelId).find((m) => m.text?.includes(String(u.id)))!;
    assert.match(card.text!, /<b>Ana & Co<\/b> <\/i>/);
  });

  test("R3 copyable-kinds: a customer pinning a message in their chat is not reported to either side as a message that cannot be relayed", async () => {
    const { sb, ana } = desk;
    const c = await openConversation(desk, "Pinner");
    sb.comment(ana.id, c.root, { text: "/close" });
    await sb.waitFor(() => /Status: closed/.test(c.card().text ?? ""), 5000, "closed");
    await sb.waitFor(() => chatTexts(desk, c.id).some((t) => /This conversation is closed/.test(t)), 5000, "the closing message");
    const before = chatTexts(desk, c.id).length;
    const threadBefore = threadTexts(desk, c.root).length;
    sb.pinPrivate(c.id, c.msg.message_id); // a service message, not something the customer sent to the team
    // Then a real message: once it is relayed, any reaction to the pin has happened.
    sb.sendPrivate(c.id, { text: "thanks, all good" });
    await sb.waitFor(() => threadTexts(desk, c.root).includes("thanks, all good"), 5000, "the real message");
    await sb.waitFor(() => chatTexts(desk, c.id).length > before, 5000, "the reopen text");
    const got = chatTexts(desk, c.id).slice(before);
    assert.ok(!got.some((t) => /could not be delivered to the team/.test(t)), `the customer was told their pin failed: ${JSON.stringify(got)}`);
    const staffSaw = threadTexts(desk, c.root).slice(threadBefore);
    assert.ok(!staffSaw.some((t) => /cannot relay/.test(t)), `staff were told of an unrelayable message: ${JSON.stringify(staffSaw)}`);
  });
});

describe("team → customer", () => {
  const conversation = (name: string) => openConversation(desk, name);

  test("R6 staff-reply: a staff comment reaches the customer, and a reply to their message stays a reply", async () => {
    const { sb, ana } = desk;
    const c = await conversation("João");
    sb.comment(ana.id, c.root, { text: "Hi João, <b>checking</b> now", parse_mode: "HTML" });
    const got = await sb.waitFor(() => sb.messages(c.id).find((m) => m.text === "Hi João, checking now"));
    assert.deepEqual(got.entities?.map((e) => e.type), ["bold"]);
    const customerMsg = sb.messages(c.id).find((m) => m.text === "hi from João")!;
    const copyInThread = sb.thread(c.root).find((m) => m.text === "hi from João")!;
    sb.comment(ana.id, copyInThread.message_id, { text: "About this message:" });
    const reply = await sb.waitFor(() => sb.messages(c.id).find((m) => m.text === "About this message:"));
    assert.equal(reply.reply_to_message?.message_id, customerMsg.message_id);
  });

  test("R7 internal-note: a comment that starts with # stays internal", async () => {
    const { sb, ana } = desk;
    const c = await conversation("Kátia");
    sb.comment(ana.id, c.root, { text: "# she already called twice" });
    sb.comment(ana.id, c.root, { text: "Hello Kátia" });
    await sb.waitFor(() => sb.messages(c.id).find((m) => m.text === "Hello Kátia"));
    assert.ok(!sb.messages(c.id).some((m) => m.text?.includes("called twice")));
  });

  test("R8 non-staff-comment: a comment from someone not on the staff is not relayed, and the thread says why", async () => {
    const { sb } = desk;
    const c = await conversation("Lia");
    const stranger = sb.addUser({ first_name: "Zé", last_name: "Intruso" });
    const m = sb.comment(stranger.id, c.root, { text: "let me answer" });
    const notice = await sb.waitFor(() => sb.thread(c.root).find((x) => x.reply_to_message?.message_id === m.message_id && x.from?.id === sb.bot.id));
    assert.match(notice.text!, /Zé Intruso is not on the team/);
    assert.ok(!sb.messages(c.id).some((x) => x.text === "let me answer"));
  });

  test("R9 staff-list: a comment posted as the channel counts as staff", async () => {
    const { sb } = desk;
    const c = await conversation("Mia");
    sb.comment("channel", c.root, { text: "Signed by the company" });
    await sb.waitFor(() => sb.messages(c.id).find((m) => m.text === "Signed by the company"));
  });

  test("a staff album reaches the customer as one album", async () => {
    const { sb, ana } = desk;
    const c = await conversation("Nina");
    sb.commentAlbum(ana.id, c.root, [{ photo: "a", caption: "how to" }, { photo: "b" }]);
    const parts = await sb.waitFor(() => {
      const photos = sb.messages(c.id).filter((m) => m.photo);
      return photos.length === 2 ? photos : undefined;
    });
    assert.equal(new Set(parts.map((m) => m.media_group_id)).size, 1, "one album");
    assert.ok(parts[0]!.media_group_id, "sent as an album");
    assert.equal(parts[0]!.caption, "how to");
  });

  test("R7 internal-note: an album posted as an internal note (caption starts with #) stays internal: no photo reaches the customer", async () => {
    const { sb, ana } = desk;
    const c = await openConversation(desk, "Noted");
    // Staff share evidence among themselves: the caption (on the first item, as Telegram apps put it) marks it internal.
    sb.commentAlbum(ana.id, c.root, [{ photo: "damage-1", caption: "# internal: the customer's parcel, from the carrier" }, { photo: "damage-2" }, { photo: "damage-3" }]);
    // Then an ordinary reply, which is relayed: once it arrives, anything relayed before it has arrived too.
    sb.comment(ana.id, c.root, { text: "We are checking it" });
    await sb.waitFor(() => chatTexts(desk, c.id).includes("We are checking it"), 5000, "the ordinary reply");
    const photos = sb.messages(c.id).filter((m) => m.photo);
    assert.equal(photos.length, 0, `the customer got ${photos.length} photo(s) of an internal note`);
  });
});

test("first contact with a slow automatic forward: messages wait for the thread, in order, none lost", async () => {
  const slow = await startDesk({ sandbox: { autoForwardDelayMs: 400 } });
  try {
    const { sb } = slow;
    const u = sb.addUser({ first_name: "Slow" });
    for (let i = 1; i <= 5; i++) sb.sendPrivate(u.id, { text: `early ${i}` });
    const root = await threadOf(slow, u.id);
    await sb.waitFor(() => threadTexts(slow, root).length === 5, 5000, "five copies");
    assert.deepEqual(threadTexts(slow, root), ["early 1", "early 2", "early 3", "early 4", "early 5"]);
    assert.equal(sb.messages(sb.channelId).filter((m) => m.text?.includes(String(u.id))).length, 1, "one card");
  } finally {
    await slow.close();
  }
});

test("Bot API calls per relayed message in steady state: one", async () => {
  const { sb, ana, port } = desk;
  const u = sb.addUser({ first_name: "Olga" });
  sb.sendPrivate(u.id, { text: "first" });
  const root = await threadOf(desk, u.id);
  await sb.waitFor(() => threadTexts(desk, root).length === 1);
  await sb.waitFor(() => chatTexts(desk, u.id).length === 1); // the welcome
  // The card's pin and the removal of Telegram's "pinned a message" notice come last.
  const card = sb.messages(sb.channelId).find((m) => m.text?.includes(String(u.id)))!;
  await sb.waitFor(() => sb.pinned(sb.channelId).includes(card.message_id) && !sb.messages(sb.channelId).some((m) => m.pinned_message?.message_id === card.message_id), 5000, "the card pinned, the notice gone");
  const sends = () => port.calls.filter((c) => c.method !== "getUpdates" && c.method !== "getWebhookInfo").length;
  const before = sends();
  for (let i = 0; i < 5; i++) sb.sendPrivate(u.id, { text: `n${i}` });
  // The customer's texts are in before the team answers: a webhook delivers the private chat's
  // and the group's updates in parallel, and a text the daemon sees after an answer rightly
  // turns the card back to waiting (two more edits, not a cost of the relay).
  await sb.waitFor(() => threadTexts(desk, root).length === 6, 8000, "her five texts in the thread");
  for (let i = 0; i < 5; i++) sb.comment(ana.id, root, { text: `a${i}` });
  await sb.waitFor(() => threadTexts(desk, root).length === 6 + 5 && chatTexts(desk, u.id).length === 6, 8000);
  // The first comment answers her: the card goes from waiting to answered, once.
  await sb.waitFor(() => port.calls.some((c) => c.method === "editMessageText" && (c.params as { chat_id?: number }).chat_id === sb.channelId && /Status: answered/.test(String((c.params as { text?: string }).text))), 5000, "the card answered");
  assert.equal(sends() - before, 10 + 1, "10 relayed messages, 10 calls, and one card edit for the one change");
});
