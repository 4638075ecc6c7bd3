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
