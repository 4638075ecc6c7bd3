/**
 * R10 edits-both-ways, R11 edit-fallback, R12 no-deletions (docs/rules.md): edits travel both ways; past 48 h they are reposted or
 * reported; deletions are never propagated. End to end against the sandbox.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { openConversation, startDesk, threadOf, threadTexts, type Desk } from "./harness.ts";

let desk: Desk;
before(async () => {
  desk = await startDesk();
});
after(async () => {
  await desk.close();
});

const conversation = (name: string, first?: Record<string, unknown>) => openConversation(desk, name, first);

test("R10 edits-both-ways: a customer's text edit changes the copy in the thread", async () => {
  const { sb } = desk;
  const c = await conversation("Ana Paula");
  sb.editPrivate(c.id, c.msg.message_id, { text: "hi, corrected <i>text</i>", parse_mode: "HTML" });
  const edited = await sb.waitFor(() => {
    const m = sb.message(sb.groupId, c.copy.message_id);
    return m?.text === "hi, corrected text" ? m : undefined;
  });
  assert.deepEqual(edited.entities?.map((e) => e.type), ["italic"]);
});

test("R10 edits-both-ways: a customer's caption and media edits change the copy", async () => {
  const { sb } = desk;
  const c = await conversation("Beto", { photo: "before", caption: "old caption" });
  sb.editPrivate(c.id, c.msg.message_id, { photo: "before", caption: "new caption" });
  await sb.waitFor(() => sb.message(sb.groupId, c.copy.message_id)?.caption === "new caption");
  const oldFile = sb.message(sb.groupId, c.copy.message_id)!.photo!.at(-1)!.file_unique_id;
  sb.editPrivate(c.id, c.msg.message_id, { photo: "after", caption: "new photo" });
  const m = await sb.waitFor(() => {
    const x = sb.message(sb.groupId, c.copy.message_id);
    return x?.caption === "new photo" ? x : undefined;
  });
  assert.notEqual(m.photo!.at(-1)!.file_unique_id, oldFile, "the photo itself changed");
});

test("R10 edits-both-ways: a staff edit changes the copy in the customer's chat", async () => {
  const { sb, ana } = desk;
  const c = await conversation("Carla");
  const comment = sb.comment(ana.id, c.root, { text: "Your refund is R$ 10" });
  const copy = await sb.waitFor(() => sb.messages(c.id).find((m) => m.text === "Your refund is R$ 10"));
  sb.editInChat(sb.groupId, ana.id, comment.message_id, { text: "Your refund is R$ 100" });
  await sb.waitFor(() => sb.message(c.id, copy.message_id)?.text === "Your refund is R$ 100");
});

test("R11 edit-fallback: past 48 h a customer's edit is posted as a new comment marked as an edit", async () => {
  const { sb } = desk;
  const c = await conversation("Duda");
  sb.advanceClock(49 * 3600 * 1000); // the sandbox's clock only moves forward: later messages are new again
  sb.editPrivate(c.id, c.msg.message_id, { text: "edited two days later" });
  const repost = await sb.waitFor(() => sb.thread(c.root).find((m) => m.text?.includes("edited two days later")));
  assert.match(repost.text!, /^✏️ Edited message:\nedited two days later$/);
  assert.equal(repost.reply_to_message?.message_id, c.copy.message_id, "as a reply to the old copy");
  assert.equal(sb.message(sb.groupId, c.copy.message_id)!.text, "hi from Duda", "the old copy is untouched");
});

test("R11 edit-fallback: past 48 h a staff edit that cannot reach the customer is reported in the thread", async () => {
  const { sb, ana } = desk;
  const c = await conversation("Edu");
  const comment = sb.comment(ana.id, c.root, { text: "Price: 10" });
  await sb.waitFor(() => sb.messages(c.id).find((m) => m.text === "Price: 10"));
  sb.advanceClock(49 * 3600 * 1000);
  sb.editInChat(sb.groupId, ana.id, comment.message_id, { text: "Price: 12" });
  const notice = await sb.waitFor(() => sb.thread(c.root).find((m) => m.from?.id === sb.bot.id && /previous version/.test(m.text ?? "")));
  assert.equal(notice.reply_to_message?.message_id, comment.message_id);
  assert.ok(sb.messages(c.id).some((m) => m.text === "Price: 10"), "the customer keeps the old version");
});

test("R12 no-deletions: deletions are never propagated, and a customer who blocks the bot leaves the history intact", async () => {
  const { sb, ana } = desk;
  const c = await conversation("Fê");
  const comment = sb.comment(ana.id, c.root, { text: "see you" });
  const copy = await sb.waitFor(() => sb.messages(c.id).find((m) => m.text === "see you"));
  sb.deleteAs(sb.groupId, comment.message_id); // staff clear their screen
  sb.deleteAs(c.id, c.msg.message_id); // the customer clears theirs
  sb.blockBot(c.id);
  // Later traffic is handled (so any reaction to the deletions would have happened by now).
  const other = sb.addUser({ first_name: "Other" });
  sb.sendPrivate(other.id, { text: "unrelated" });
  await threadOf(desk, other.id);
  assert.ok(sb.message(c.id, copy.message_id), "the customer still has the staff message");
  assert.ok(sb.message(sb.groupId, c.copy.message_id), "the thread still has the customer's message");
});

test("past 48 h, a customer's edit at the text limit is reposted whole, its edit marker just before", async () => {
  const { sb } = desk;
  const c = await conversation("Ulrike");
  sb.advanceClock(49 * 3600 * 1000);
  const edited = "z".repeat(4096);
  sb.editPrivate(c.id, c.msg.message_id, { text: edited });
  await sb.waitFor(() => threadTexts(desk, c.root).includes(edited), 5000, "the edited version");
  const texts = threadTexts(desk, c.root);
  assert.deepEqual(texts.slice(texts.indexOf(edited) - 1), ["✏️ Edited message:", edited]);
  const [marker, repost] = sb.thread(c.root).slice(-2);
  assert.equal(marker!.reply_to_message?.message_id, c.copy.message_id, "the marker replies to the old copy");
  assert.equal(repost!.reply_to_message?.message_id, c.copy.message_id, "so does the edited version");
});
