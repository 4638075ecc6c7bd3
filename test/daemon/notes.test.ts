/**
 * Review: internal notes (R7 internal-note) and non-messages that reach the wrong side.
 * Each test fails today because of the bug it names and passes once it is fixed.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { chatTexts, openConversation, startDesk, threadTexts, type Desk } from "./harness.ts";

let desk: Desk;
before(async () => {
  desk = await startDesk();
});
after(async () => {
  await desk.close();
});

test("an album posted as an internal note (caption starts with #) stays internal: no photo reaches the customer", async () => {
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

test("a customer pinning a message in their chat is not reported to either side as a message that cannot be relayed", async () => {
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
