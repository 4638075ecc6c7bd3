/**
 * A card Telegram posted while the daemon was killed before the answer came (R40 orphan-card),
 * the real daemon against the sandbox: after the restart the channel holds one card for the
 * customer, and their message is in its thread. Judged by what the team sees.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cardsOf, failureLines, startRig, threadTexts } from "./helpers.ts";

const CASES = [
  // The forward reached the daemon before the kill: the orphan is adopted as the card.
  { forwardMs: 5, when: "before the kill", outcome: /adopted/ },
  // The forward comes after the restarted daemon posted the card again: the orphan is deleted.
  { forwardMs: 6000, when: "after the card was posted again", outcome: /is a second card .*deleted/ },
];

for (const { forwardMs, when, outcome } of CASES) {
  test(`SIGKILL while a new card's post hangs (Telegram carried it out), its forward ${when}: one card, the message in its thread`, { timeout: 60_000 }, async (t) => {
    const rig = await startRig({ sandbox: { autoForwardDelayMs: forwardMs } });
    try {
      const { sb } = rig;
      const d = await rig.start();
      sb.failNext({ method: "sendMessage", chatId: sb.channelId, hang: "after" });
      const u = sb.addUser({ first_name: "Orphan" });
      sb.sendPrivate(u.id, { text: "is anyone there?" });
      const orphan = await sb.waitFor(() => cardsOf(sb, u.id)[0], 10_000, "the card Telegram posted");
      const postedAt = Date.now();
      if (forwardMs < 1000) await sb.waitFor(() => sb.rootFor(orphan.message_id), 5000, "its automatic forward");
      d.child.kill("SIGKILL");
      await d.exited;
      const t0 = Date.now();
      const again = await rig.start();
      // A restart slower than the forward's delay (a loaded machine) meets the first case instead.
      const expected = Date.now() - postedAt < forwardMs - 1000 ? outcome : /adopted|is a second card .*deleted/;
      await sb.waitFor(() => threadTexts(sb, u.id).includes("is anyone there?") && cardsOf(sb, u.id).length === 1, 15_000, "one card, the message in its thread");
      const recover = (Date.now() - t0) / 1000;
      await again.waitForLog(expected, 10_000);
      assert.equal(cardsOf(sb, u.id).length, 1, "one card for the customer");
      assert.deepEqual(threadTexts(sb, u.id).filter((x) => x === "is anyone there?"), ["is anyone there?"], "the message once");
      const card = cardsOf(sb, u.id)[0]!;
      const root = sb.rootFor(orphan.message_id);
      if (card.message_id !== orphan.message_id && root !== undefined) {
        await sb.waitFor(() => !sb.messages(sb.groupId).some((m) => m.message_id === root), 5000, "the orphan's discussion copy deleted too");
      }
      assert.deepEqual(failureLines(again.log), []);
      t.diagnostic(`orphan ${orphan.message_id}, card ${card.message_id}; one card and the message in its thread ${recover.toFixed(2)} s after the restart`);
      again.child.kill("SIGTERM");
      assert.equal(await again.exited, 0);
    } finally {
      await rig.close();
    }
  });
}
