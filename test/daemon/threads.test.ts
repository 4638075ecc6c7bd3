/**
 * Cards and threads that staff deleted (R15 recreate-thread): posted again on the next
 * delivery, which goes there; pins and the old thread stay consistent. End to end.
 */
import { after, before, test } from "node:test";
import { chatTexts, openConversation, startDesk, threadTexts, type Desk } from "./harness.ts";

let desk: Desk;
before(async () => {
  desk = await startDesk();
});
after(async () => {
  await desk.close();
});

/** The cards of a customer in the channel (the card text holds the id). */
function cardsOf(d: Desk, customerId: number) {
  return d.sb.messages(d.sb.channelId).filter((m) => m.text?.includes(`ID: ${customerId}`));
}

test("R15 recreate-thread: a thread staff deleted is recreated on the next message, which goes there", async () => {
  const { sb } = desk;
  const c = await openConversation(desk, "Wagner");
  const oldCard = sb.messages(sb.channelId).find((m) => m.text?.includes(String(c.id)))!;
  sb.deleteAs(sb.groupId, c.root);
  sb.deleteAs(sb.channelId, oldCard.message_id);
  sb.sendPrivate(c.id, { text: "anyone?" });
  const newRoot = await sb.waitFor(() => {
    const card = sb.messages(sb.channelId).find((m) => m.text?.includes(String(c.id)) && m.message_id !== oldCard.message_id);
    return card ? sb.rootFor(card.message_id) : undefined;
  }, 6000, "a new card and thread");
  await sb.waitFor(() => threadTexts(desk, newRoot).includes("anyone?"), 6000);
});

test("R15 recreate-thread: thread root deleted, card kept: once the thread is recreated and the conversation closed, no card of it stays pinned as open", async () => {
  const { sb, ana } = desk;
  const c = await openConversation(desk, "Repinned");
  const oldCard = c.card();
  await sb.waitFor(() => sb.pinned(sb.channelId).includes(oldCard.message_id), 5000, "the open card pinned");
  sb.deleteAs(sb.groupId, c.root); // staff clear the thread's root from the group; the card stays
  sb.sendPrivate(c.id, { text: "hello again" });
  const newRoot = await sb.waitFor(() => {
    const card = cardsOf(desk, c.id).find((m) => m.message_id !== oldCard.message_id);
    return card ? sb.rootFor(card.message_id) : undefined;
  }, 6000, "the new card and thread");
  await sb.waitFor(() => threadTexts(desk, newRoot).includes("hello again"), 5000, "the message in the new thread");
  sb.comment(ana.id, newRoot, { text: "/close" });
  await sb.waitFor(() => chatTexts(desk, c.id).some((t) => /This conversation is closed/.test(t)), 5000, "closed");
  await sb.waitFor(
    () => !cardsOf(desk, c.id).some((m) => sb.pinned(sb.channelId).includes(m.message_id)),
    4000,
    `no pinned card for the closed conversation (the old card ${oldCard.message_id} stays pinned and says "${/Status: \w+/.exec(oldCard.text ?? "")?.[0]}")`,
  );
});

test("R15 recreate-thread: card deleted, thread kept: after the card is recreated, a staff reply in the thread the team was using still reaches the customer", async () => {
  const { sb, ana } = desk;
  const c = await openConversation(desk, "Orphan");
  sb.deleteAs(sb.channelId, c.card().message_id); // staff tidy the channel; the thread with the history stays
  // Any card change finds the card gone and recreates card and thread (here: a priority change).
  sb.comment(ana.id, c.root, { text: "/p 4" });
  await sb.waitFor(() => cardsOf(desk, c.id).some((m) => sb.rootFor(m.message_id) !== undefined && /Priority: 4/.test(m.text ?? "")), 6000, "the recreated card");
  // Staff keep answering where the whole conversation is: under the customer's message.
  const reply = sb.comment(ana.id, c.copy.message_id, { text: "Your parcel left today" });
  await sb.waitFor(
    () => chatTexts(desk, c.id).includes("Your parcel left today") || sb.thread(c.root).some((m) => m.from?.id === sb.bot.id && m.reply_to_message?.message_id === reply.message_id),
    4000,
    "the reply delivered, or at least staff told where to write",
  );
});
