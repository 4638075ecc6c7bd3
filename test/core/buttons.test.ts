/**
 * R33 card-buttons in the core: the keyboard each card carries, and what a press changes,
 * answered at once (the end-to-end tests press them in the sandbox).
 */
import assert from "node:assert/strict";
import { jobsIn } from "../../src/core/state.ts";
import { test } from "node:test";
import type { TelegramUpdate } from "@gramio/types";
import { cardKeyboard } from "../../src/core/buttons.ts";
import { onFailure, planJob, type Delivery, type Plan } from "../../src/core/plan.ts";
import type { Conversation, World } from "../../src/core/state.ts";
import { handleUpdate, type UpdateEffects } from "../../src/core/updates.ts";
import { ANA, CHANNEL, context, CUSTOMER, giveThread, privateMsg, world } from "./helpers.ts";

const BRUNO = 112;
const ctx = context({ staff: new Set([ANA, BRUNO]), staffNames: new Map([[ANA, "Ana"], [BRUNO, "Bruno"]]) });
const now = 1_700_000_000_000;
let nextQuery = 1;

function established(): { w: World; conv: Conversation } {
  const w = world();
  handleUpdate(w, ctx, privateMsg(1, { text: "hello" }), now);
  giveThread(w, ctx, now);
  const conv = w.state.conversations[CUSTOMER]!;
  for (const lane of ["team", "customer", "card"] as const) conv.queues[lane] = [];
  return { w, conv };
}

function press(w: World, data: string, from = ANA, post = 10): UpdateEffects {
  const update = {
    update_id: 10_000 + nextQuery,
    callback_query: {
      id: String(nextQuery++),
      from: { id: from, is_bot: false, first_name: from === ANA ? "Ana" : from === BRUNO ? "Bruno" : "Zé" },
      chat_instance: "1",
      data,
      message: { message_id: post, date: 0, chat: { id: CHANNEL, type: "channel", title: "Support" }, text: "card" },
    },
  } as unknown as TelegramUpdate;
  return handleUpdate(w, ctx, update, now);
}

/** The one answer a press got: its text and whether it is an alert. */
function answer(fx: UpdateEffects): { text: string; alert: boolean } {
  const calls = fx.immediate.filter((c) => c.method === "answerCallbackQuery");
  assert.equal(calls.length, 1, "every press is answered once, right away");
  return { text: String(calls[0]!.params.text ?? ""), alert: calls[0]!.params.show_alert === true };
}

const labels = (conv: Conversation) => cardKeyboard(conv, ctx).inline_keyboard.map((row) => row.map((b) => b.text));

test("the keyboard: Take or Release (whose), Close or Reopen, Priority ▼ ▲", () => {
  const { conv } = established();
  assert.deepEqual(labels(conv), [["🙋 Take", "✅ Close"], ["▼ Priority", "▲ Priority"]]);
  conv.owner = ANA;
  conv.status = "closed";
  assert.deepEqual(labels(conv), [["↩️ Release (Ana)", "🔄 Reopen"], ["▼ Priority", "▲ Priority"]]);
  const data = cardKeyboard(conv, ctx).inline_keyboard.flat().map((b) => (b as { callback_data: string }).callback_data);
  assert.ok(data.every((d) => Buffer.byteLength(d) <= 64), "callback_data fits Telegram's 64 bytes");
});

test("staff presses change the conversation like the commands, with one card edit, and a short answer", () => {
  const { w, conv } = established();
  assert.equal(answer(press(w, "q:take")).text, "👤 Ana owns this conversation.");
  assert.equal(conv.owner, ANA);
  press(w, "q:up");
  press(w, "q:up");
  assert.equal(answer(press(w, "q:up")).text, "Priority: 5.");
  assert.equal(answer(press(w, "q:up")).text, "Priority: 5.", "no higher than 5");
  assert.equal(conv.priority, 5);
  const fx = press(w, "q:close");
  assert.equal(answer(fx).text, "✅ Conversation closed.");
  assert.deepEqual([...fx.wake], [CUSTOMER]);
  assert.equal(conv.status, "closed");
  assert.match(String((conv.queues.customer[0] as { html: string }).html), /This conversation is closed/, "the customer is told, as with /close");
  assert.equal(jobsIn(conv, "card").length, 1, "one card edit for the whole burst");
  assert.equal(conv.queues.team.filter((j) => j.kind === "notice").length, 0, "no reply in the thread: the answer is the reply");
  assert.equal(answer(press(w, "q:close")).text, "The conversation is already closed.");
  assert.equal(answer(press(w, "q:reopen")).text, "🔄 Conversation reopened.");
  for (let i = 0; i < 6; i++) press(w, "q:down");
  assert.equal(conv.priority, 1, "no lower than 1");
});

test("Release is the owner's: anyone else on the staff gets an alert and nothing changes", () => {
  const { w, conv } = established();
  press(w, "q:take");
  const other = answer(press(w, "q:release", BRUNO));
  assert.equal(other.alert, true);
  assert.match(other.text, /Ana owns this conversation: \/take takes it over/);
  assert.equal(conv.owner, ANA);
  assert.equal(answer(press(w, "q:release")).text, "Nobody owns this conversation now.");
  assert.equal(conv.owner, undefined);
  press(w, "q:take", BRUNO);
  assert.equal(conv.owner, BRUNO, "a Take pressed on an old keyboard takes it over, as /take does");
});

test("a press by someone not on the staff: an alert, nothing changes", () => {
  const { w, conv } = established();
  const fx = press(w, "q:close", 4242);
  assert.deepEqual(answer(fx), { text: "Only the team can use these buttons: Zé is not on the staff list.", alert: true });
  assert.equal(conv.status, "open");
  assert.equal(fx.wake.size, 0);
  assert.equal(jobsIn(conv, "card").length + conv.queues.customer.length, 0);
});

test("a press on a card the bot does not know, or not one of ours, is still answered", () => {
  const { w } = established();
  const stale = answer(press(w, "q:take", ANA, 999));
  assert.equal(stale.alert, true);
  assert.match(stale.text, /out of date: use the commands in its thread/);
  assert.deepEqual(answer(press(w, "something-else")), { text: "", alert: false });
});

test("buttons Telegram refuses: the card goes without them (the commands still work)", () => {
  const { w, conv } = established();
  press(w, "q:take");
  const d: Delivery = { world: w, ctx, now, conv, lane: "card", job: jobsIn(conv, "card")[0]! };
  const params = (p: Plan): Record<string, unknown> => {
    assert.ok(p.type === "call");
    return p.call.params as Record<string, unknown>;
  };
  const plan = planJob(d);
  assert.ok(plan.type === "call");
  assert.ok(params(plan).reply_markup, "the edit carries the keyboard");
  const res = onFailure(d, plan, { cause: "keyboard_refused", description: "Bad Request: BUTTON_DATA_INVALID" });
  assert.equal(res.type, "again");
  assert.match(res.log, /without them; the commands in its thread still work/);
  const again = planJob(d);
  assert.equal(params(again).reply_markup, undefined);
  assert.match(String(params(again).text), /👤 Ana/);
});
