import assert from "node:assert/strict";
import { test } from "node:test";
import type { Sandbox } from "../../src/sandbox/index.ts";
import { startSandbox } from "../../src/sandbox/index.ts";
import { card, fails, ok, useSandbox } from "./helpers.ts";

const ctx = useSandbox();

/** Waits for the inline_query update and returns its payload. */
async function nextInlineQuery(sb: Sandbox) {
  return sb.waitFor((s) => s.pendingUpdates().find((u) => u.inline_query)?.inline_query, 2000, "inline_query update");
}

const article = (id: string, text: string) => ({
  type: "article",
  id,
  title: `Title ${id}`,
  input_message_content: { message_text: text, parse_mode: "HTML" },
});

test("inline query round trip: the user's query reaches the bot, the bot's answer reaches the user", async () => {
  const sb = ctx.sb;
  const staff = sb.addUser({ first_name: "Staff" });
  const answer = sb.inlineQuery(staff.id, "horario", { chatType: "supergroup" });
  const q = await nextInlineQuery(sb);
  assert.deepEqual({ query: q.query, offset: q.offset, from: q.from.id, chat_type: q.chat_type }, { query: "horario", offset: "", from: staff.id, chat_type: "supergroup" });
  assert.equal(
    await ok(sb, "answerInlineQuery", { inline_query_id: q.id, results: [article("h1", "<b>9h-18h</b>")], next_offset: "2", cache_time: 0, is_personal: true }),
    true,
  );
  const got = await answer;
  assert.deepEqual(got.results.map((r) => r.id), ["h1"]);
  assert.deepEqual([got.next_offset, got.cache_time, got.is_personal], ["2", 0, true]);
  // Answering twice: the query is gone.
  assert.equal(
    (await fails(sb, "answerInlineQuery", { inline_query_id: q.id, results: [] })).description,
    "Bad Request: query is too old and response timeout expired or query ID is invalid",
  );
});

test("cache_time defaults to 300 and is_personal to false; the button opens the bot with a start parameter", async () => {
  const sb = ctx.sb;
  const stranger = sb.addUser({ first_name: "Zé" });
  const answer = sb.inlineQuery(stranger.id, "");
  const q = await nextInlineQuery(sb);
  await ok(sb, "answerInlineQuery", { inline_query_id: q.id, results: [], button: { text: "Falar com o suporte", start_parameter: "from-inline_1" } });
  const got = await answer;
  assert.deepEqual([got.cache_time, got.is_personal, got.results.length], [300, false, 0]);
  assert.deepEqual(got.button, { text: "Falar com o suporte", start_parameter: "from-inline_1" });
});

test("answerInlineQuery validation: at most 50 results, unique ids of at most 64 bytes, next_offset ≤ 64 bytes, start_parameter", async () => {
  const sb = ctx.sb;
  const staff = sb.addUser({ first_name: "Staff" });
  const answer = sb.inlineQuery(staff.id, "x");
  answer.catch(() => {});
  const q = await nextInlineQuery(sb);
  const desc = async (extra: Record<string, unknown>) => (await fails(sb, "answerInlineQuery", { inline_query_id: q.id, results: [], ...extra })).description;
  assert.equal(await desc({ results: Array.from({ length: 51 }, (_, i) => article(`r${i}`, "t")) }), "Bad Request: RESULTS_TOO_MUCH");
  assert.equal(await desc({ results: [article("same", "a"), article("same", "b")] }), "Bad Request: RESULT_ID_DUPLICATE");
  assert.equal(await desc({ results: [article("x".repeat(65), "a")] }), "Bad Request: RESULT_ID_INVALID");
  assert.equal(await desc({ next_offset: "9".repeat(65) }), "Bad Request: NEXT_OFFSET_INVALID");
  assert.equal(await desc({ button: { text: "Go", start_parameter: "has space" } }), "Bad Request: START_PARAM_INVALID");
  assert.equal(await desc({ button: { text: "Go", start_parameter: "a".repeat(65) } }), "Bad Request: START_PARAM_INVALID");
  assert.equal(await desc({ button: { text: "Go", start_parameter: "" } }), "Bad Request: START_PARAM_EMPTY");
  // 64 bytes exactly is fine, and the query is still answerable after failed attempts.
  assert.equal(await ok(sb, "answerInlineQuery", { inline_query_id: q.id, results: [article("x".repeat(64), "a")], next_offset: "9".repeat(64) }), true);
  assert.equal((await answer).results.length, 1);
});

test("the next page: the offset the bot gave comes back in inline_query.offset", async () => {
  const sb = ctx.sb;
  const staff = sb.addUser({ first_name: "Staff" });
  const page2 = sb.inlineQuery(staff.id, "a", { offset: "20" });
  const q = await nextInlineQuery(sb);
  assert.equal(q.offset, "20");
  await ok(sb, "answerInlineQuery", { inline_query_id: q.id, results: [] });
  assert.deepEqual((await page2).results, []);
});

test("picking a result posts a message with via_bot, in the thread when it replies there", async () => {
  const sb = ctx.sb;
  const staff = sb.addUser({ first_name: "Staff" });
  const { rootId } = await card(sb);
  const answer = sb.inlineQuery(staff.id, "horario");
  const q = await nextInlineQuery(sb);
  await ok(sb, "answerInlineQuery", { inline_query_id: q.id, results: [article("h1", "Atendemos <b>9h-18h</b>, {first_name}")] });
  const m = sb.sendInlineResult(staff.id, sb.groupId, await answer, "h1", { replyTo: rootId });
  assert.deepEqual(m.via_bot, sb.bot);
  assert.equal(m.from!.id, staff.id);
  assert.equal(m.text, "Atendemos 9h-18h, {first_name}");
  assert.deepEqual(m.entities, [{ offset: 10, length: 6, type: "bold" }]);
  assert.equal(m.message_thread_id, rootId);
  const update = sb.pendingUpdates().find((u) => u.message?.via_bot);
  assert.equal(update!.message!.message_id, m.message_id);
});

test("an unanswered inline query rejects after its timeout", async () => {
  const sb = ctx.sb;
  const staff = sb.addUser({ first_name: "Staff" });
  await assert.rejects(sb.inlineQuery(staff.id, "nobody answers", { timeoutMs: 50 }), /did not answer inline query "nobody answers" within 50 ms/);
});

test("a bot without inline mode gets no inline queries", async () => {
  const sb = await startSandbox({ pollGuards: false, bot: { supportsInlineQueries: false } });
  try {
    const staff = sb.addUser({ first_name: "Staff" });
    await assert.rejects(sb.inlineQuery(staff.id, "x"), /no inline mode/);
    assert.equal((await ok(sb, "getMe")).supports_inline_queries, false);
  } finally {
    await sb.close();
  }
});
