/**
 * Signatures (`signatures: true`, R6 staff-reply): what the customer gets from staff carries
 * the agent's name, and keeps it through edits, even an edit made while the comment waits.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { chatTexts, openConversation, startDesk, type Desk } from "./harness.ts";

let desk: Desk;
before(async () => {
  desk = await startDesk({ config: { signatures: true } });
});
after(async () => {
  await desk.close();
});

test("the agent's name is added to what the customer sees", async () => {
  const { sb, ana } = desk;
  const c = await openConversation(desk, "Vera");
  sb.comment(ana.id, c.root, { text: "Done!" });
  await sb.waitFor(() => chatTexts(desk, c.id).includes("Done!\n\n— Ana"));
});

test("a staff edit made while the comment is still queued reaches the customer", async () => {
  const { sb, ana } = desk;
  const c = await openConversation(desk, "Queued");
  // The customer's chat is flooded for a second: the comment waits in the customer lane.
  sb.failNext({ method: "sendMessage", chatId: c.id, code: 429, description: "Too Many Requests: retry after 1", retryAfter: 1 });
  const comment = sb.comment(ana.id, c.root, { text: "Your refund is R$ 10" });
  await sb.waitFor(() => sb.requests.some((r) => r.status === 429 && r.params.chat_id === c.id), 3000, "the 429");
  sb.editInChat(sb.groupId, ana.id, comment.message_id, { text: "Your refund is R$ 100" });
  // What the customer ends up with: the edited text (signed), not the first draft.
  await sb.waitFor(
    () => chatTexts(desk, c.id).some((t) => t.startsWith("Your refund is R$ 100")),
    4000,
    "the edited version in the customer's chat, not the queued first draft",
  );
});

test("after a staff edit the customer's copy is still signed", async () => {
  const { sb, ana } = desk;
  const c = await openConversation(desk, "Signed");
  const comment = sb.comment(ana.id, c.root, { text: "Price: 10" });
  const copy = await sb.waitFor(() => sb.messages(c.id).find((m) => m.text === "Price: 10\n\n— Ana"), 5000, "the signed copy");
  sb.editInChat(sb.groupId, ana.id, comment.message_id, { text: "Price: 12" });
  await sb.waitFor(() => sb.message(c.id, copy.message_id)?.text?.startsWith("Price: 12"), 5000, "the edit applied");
  assert.equal(sb.message(c.id, copy.message_id)!.text, "Price: 12\n\n— Ana", "the signature survives the edit");
});

test("a text at Telegram's limit arrives whole, its signature right after as a message of its own", async () => {
  const { sb, ana } = desk;
  const c = await openConversation(desk, "Ulla");
  // With "\n\n— Ana" added it would exceed 4096; what staff typed is within the limit.
  const long = "x".repeat(4096);
  sb.comment(ana.id, c.root, { text: long });
  sb.comment(ana.id, c.root, { text: "short one" });
  await sb.waitFor(() => chatTexts(desk, c.id).includes("short one\n\n— Ana"), 5000, "the next reply");
  assert.deepEqual(chatTexts(desk, c.id).slice(1), [long, "— Ana", "short one\n\n— Ana"]);
  assert.equal(sb.thread(c.root).some((m) => m.from?.id === sb.bot.id && /too long|⚠️/.test(m.text ?? "")), false, "nothing reported");
});

test("a staff edit up to Telegram's limit changes the customer's copy, without the signature that no longer fits", async () => {
  const { sb, ana } = desk;
  const c = await openConversation(desk, "Ursula");
  const comment = sb.comment(ana.id, c.root, { text: "draft" });
  await sb.waitFor(() => chatTexts(desk, c.id).includes("draft\n\n— Ana"), 5000, "the signed reply");
  const long = "w".repeat(4096);
  sb.editInChat(sb.groupId, ana.id, comment.message_id, { text: long });
  await sb.waitFor(() => chatTexts(desk, c.id).includes(long), 5000, "the copy edited");
  assert.equal(sb.thread(c.root).some((m) => m.from?.id === sb.bot.id && /⚠️/.test(m.text ?? "")), false, "nothing reported");
});

test("a caption at Telegram's limit arrives whole, its signature right after", async () => {
  const { sb, ana } = desk;
  const c = await openConversation(desk, "Ugo");
  const caption = "y".repeat(1020);
  sb.comment(ana.id, c.root, { photo: "receipt.jpg", caption });
  await sb.waitFor(() => chatTexts(desk, c.id).includes("— Ana"), 5000, "the signature");
  assert.deepEqual(chatTexts(desk, c.id).slice(1), [caption, "— Ana"]);
  assert.ok(sb.messages(c.id).some((m) => m.photo && m.caption === caption), "the photo with its whole caption");
});
