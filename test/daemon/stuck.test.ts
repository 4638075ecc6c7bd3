/**
 * Review: queues that stop moving although nothing is wrong with the deliveries in them.
 * Each test fails today because of the bug it names and passes once it is fixed.
 */
import { after, before, test } from "node:test";
import { chatTexts, openConversation, startDesk, threadOf, threadTexts, type Desk } from "./harness.ts";

let desk: Desk;
before(async () => {
  desk = await startDesk();
});
after(async () => {
  await desk.close();
});

test("a message Telegram refuses to copy: the customer is told too, without having to write again", async () => {
  // A quiz poll forwarded by the customer (correct option unknown to the bot) is one such
  // message; the core cannot tell it apart from a copyable one, so the refusal is the signal.
  const { sb } = desk;
  const c = await openConversation(desk, "Quiz");
  const before = chatTexts(desk, c.id).length; // the welcome
  // A 429 first, so the refusal surely comes from a lane run that the retry timer started
  // (not from a run that a fresh kick of both lanes could follow).
  sb.failNext({ method: "copyMessage", chatId: sb.groupId, code: 429, description: "Too Many Requests: retry after 1", retryAfter: 1 });
  sb.failNext({ method: "copyMessage", chatId: sb.groupId, code: 400, description: "Bad Request: message can't be copied" });
  sb.sendPrivate(c.id, { poll: { question: "Which is right?", options: ["a", "b"] } });
  await sb.waitFor(() => threadTexts(desk, c.root).some((t) => /cannot relay/.test(t)), 5000, "the notice to staff in the thread");
  // The customer's notice was queued in their lane by the team lane's failure, and nobody kicks that lane.
  await sb.waitFor(
    () => chatTexts(desk, c.id).slice(before).some((t) => /could not be delivered to the team/.test(t)),
    3000,
    "the notice to the customer (it stays queued until the customer's next message)",
  );
});

test("a bot that may post but not pin in the channel still relays customers' messages into the thread", async () => {
  // Pinning is a convenience (the list of open conversations); the copies wait behind the pin job.
  const d = await startDesk({ sandbox: { botRights: { channel: { can_edit_messages: false } } } });
  try {
    const { sb } = d;
    const u = sb.addUser({ first_name: "Pinless" });
    sb.sendPrivate(u.id, { text: "my order is late" });
    const root = await threadOf(d, u.id);
    await sb.waitFor(() => threadTexts(d, root).includes("my order is late"), 4000, "the customer's message in the thread");
  } finally {
    await d.close();
  }
});

test("/close in a channel where the bot may not unpin: the team still gets the command's answer in the thread", async () => {
  const { sb, ana } = desk;
  const c = await openConversation(desk, "Unpinless");
  await sb.waitFor(() => sb.pinned(sb.channelId).includes(c.card().message_id), 5000, "pinned while open");
  sb.setBotRights("channel", { can_edit_messages: false }); // an admin trims the bot's rights
  try {
    const cmd = sb.comment(ana.id, c.root, { text: "/close" });
    await sb.waitFor(
      () => sb.thread(c.root).find((m) => m.from?.id === sb.bot.id && m.reply_to_message?.message_id === cmd.message_id),
      4000,
      "the bot's answer to /close (it waits behind the unpin, retried once a minute)",
    );
  } finally {
    sb.setBotRights("channel", {});
  }
});
