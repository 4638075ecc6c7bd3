/**
 * R13 nothing-lost, R14 order-and-pace, R15 recreate-thread (docs/rules.md): nothing lost silently, order kept, Telegram's limits obeyed,
 * deleted threads recreated. End to end against the sandbox.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { chatTexts, eventually, openConversation, startDesk, threadTexts, type Desk } from "./harness.ts";

let desk: Desk;
before(async () => {
  desk = await startDesk({ config: { signatures: true } });
});
after(async () => {
  await desk.close();
});

const conversation = (name: string) => openConversation(desk, name);

test("a 429 on the group is retried, never before retry_after", async () => {
  const { sb } = desk;
  const c = await conversation("Rafa");
  sb.failNext({ method: "copyMessage", chatId: sb.groupId, count: 1, code: 429, description: "Too Many Requests: retry after 1", retryAfter: 1 });
  sb.sendPrivate(c.id, { text: "after the flood" });
  await sb.waitFor(() => threadTexts(desk, c.root).includes("after the flood"), 6000);
  const copiesOf = () => sb.requests.filter((r) => r.method === "copyMessage" && r.params.chat_id === sb.groupId && r.params.from_chat_id === c.id);
  const copies = await sb.waitFor(() => (copiesOf().at(-1)?.status === 200 ? copiesOf() : undefined), 2000, "the retry in the request log");
  const refused = copies.findIndex((r) => r.status === 429);
  assert.ok(refused >= 0, "the sandbox refused once");
  const retry = copies[refused + 1]!;
  assert.equal(retry.status, 200);
  assert.ok(retry.at - copies[refused]!.at >= 1000, `retried after ${retry.at - copies[refused]!.at} ms`);
});

test("a 5xx is retried until it goes through", async () => {
  const { sb } = desk;
  const c = await conversation("Sara");
  sb.failNext({ method: "copyMessage", chatId: sb.groupId, count: 2, code: 502, description: "Bad Gateway" });
  sb.sendPrivate(c.id, { text: "through the outage" });
  await sb.waitFor(() => threadTexts(desk, c.root).includes("through the outage"), 8000);
});

test("a customer who blocked the bot: reported in the thread and on the card", async () => {
  const { sb, ana } = desk;
  const c = await conversation("Tati");
  sb.blockBot(c.id);
  const comment = sb.comment(ana.id, c.root, { text: "are you there?" });
  const notice = await sb.waitFor(() => sb.thread(c.root).find((m) => m.from?.id === sb.bot.id && /blocked the bot/.test(m.text ?? "")));
  assert.equal(notice.reply_to_message?.message_id, comment.message_id);
  await sb.waitFor(() => sb.messages(sb.channelId).find((m) => m.text?.includes(String(c.id)) && /customer blocked the bot/.test(m.text)));
  // Writing again means they unblocked: the card says so and replies flow again.
  sb.unblockBot(c.id);
  sb.sendPrivate(c.id, { text: "sorry, I'm back" });
  await sb.waitFor(() => sb.messages(sb.channelId).find((m) => m.text?.includes(String(c.id)) && /Status: open/.test(m.text)));
});

test("blocking the bot shows on the card at once; unblocking clears it", async () => {
  const { sb } = desk;
  const c = await conversation("Uma");
  const card = () => sb.messages(sb.channelId).find((m) => m.text?.includes(String(c.id)))!;
  sb.blockBot(c.id);
  await sb.waitFor(() => /customer blocked the bot/.test(card().text ?? ""), 5000, "the card marked blocked");
  sb.unblockBot(c.id);
  await sb.waitFor(() => /Status: open/.test(card().text ?? ""), 5000, "the card open again");
});

test("a message over Telegram's limits is reported in the thread and on the card", async () => {
  const { sb, ana } = desk;
  const c = await conversation("Ulisses");
  // With signatures on, 4090 characters plus "— Ana" exceed 4096.
  const comment = sb.comment(ana.id, c.root, { text: "x".repeat(4090) });
  const notice = await sb.waitFor(() => sb.thread(c.root).find((m) => m.from?.id === sb.bot.id && /too long/.test(m.text ?? "")));
  assert.equal(notice.reply_to_message?.message_id, comment.message_id);
  await sb.waitFor(() => sb.messages(sb.channelId).find((m) => m.text?.includes(String(c.id)) && /Undelivered messages: 1/.test(m.text)));
});

test("signatures: the agent's name is added to what the customer sees", async () => {
  const { sb, ana } = desk;
  const c = await conversation("Vera");
  sb.comment(ana.id, c.root, { text: "Done!" });
  await sb.waitFor(() => chatTexts(desk, c.id).includes("Done!\n\n— Ana"));
});

test("R15 recreate-thread: a thread staff deleted is recreated on the next message, which goes there", async () => {
  const { sb } = desk;
  const c = await conversation("Wagner");
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

test("a group that is not the channel's discussion group: said at start-up, and waiting messages are reported, not silent", async () => {
  const unlinked = await startDesk({ sandbox: { group: { linked: false } }, rootWarnMs: 300 });
  try {
    const { sb, logs } = unlinked;
    await eventually(() => logs.some((l) => /error.*is not the channel's linked discussion group/.test(l)), "the start-up error");
    const u = sb.addUser({ first_name: "Lost" });
    sb.sendPrivate(u.id, { text: "hello?" });
    await eventually(() => logs.some((l) => /error.*has had no comment thread.*clientes check/.test(l)), "the waiting error");
  } finally {
    await unlinked.close();
  }
});

test("R14 order-and-pace: conversations do not wait for each other", async () => {
  const { sb } = desk;
  const slow = await conversation("Xavier");
  const fast = await conversation("Yara");
  // Xavier's thread copy keeps failing for a while; Yara's messages still go through.
  sb.failNext({ method: "copyMessage", chatId: sb.groupId, count: 1, code: 429, description: "Too Many Requests: retry after 2", retryAfter: 2 });
  sb.sendPrivate(slow.id, { text: "slow one" });
  await sb.waitFor(() => sb.requests.some((r) => r.status === 429 && r.params.from_chat_id === slow.id));
  sb.sendPrivate(fast.id, { text: "fast one" });
  await sb.waitFor(() => threadTexts(desk, fast.root).includes("fast one"), 1500, "Yara's message while Xavier's waits");
  assert.ok(!threadTexts(desk, slow.root).includes("slow one"), "Xavier's is still waiting for retry_after");
  await sb.waitFor(() => threadTexts(desk, slow.root).includes("slow one"), 6000);
});
