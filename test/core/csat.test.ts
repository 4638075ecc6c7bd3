/** R39 csat in the core: the survey's buttons and which presses it takes. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { onSurveyPress, surveyData, surveyKeyboard } from "../../src/core/csat.ts";
import { resolveTexts } from "../../src/texts.ts";
import { worldOf, emptyState } from "../../src/core/state.ts";
import type { CoreContext } from "../../src/core/context.ts";

test("survey buttons: 1 ⭐ to 5 ⭐, their data within Telegram's 64 bytes even for the largest ids and times", () => {
  const kb = surveyKeyboard(resolveTexts("en"), Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  assert.deepEqual(kb.inline_keyboard[0]!.map((b) => b.text), ["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐"]);
  for (const b of kb.inline_keyboard[0]!) assert.ok(Buffer.byteLength((b as { callback_data: string }).callback_data) <= 64);
});

test("a survey's data pressed in a group or a card's button is not a survey tap", () => {
  const world = worldOf(emptyState());
  const ctx = { texts: resolveTexts("en") } as CoreContext;
  const from = { id: 7, is_bot: false, first_name: "Ana" };
  const inGroup = { id: "1", from, chat_instance: "x", data: surveyData(7, 1, 4), message: { message_id: 1, date: 0, chat: { id: -100, type: "supergroup" } } };
  assert.equal(onSurveyPress(world, ctx, inGroup as never, 0), undefined);
  const card = { ...inGroup, data: "q:take", message: { ...inGroup.message, chat: { id: 7, type: "private" } } };
  assert.equal(onSurveyPress(world, ctx, card as never, 0), undefined);
});
