import assert from "node:assert/strict";
import { test } from "node:test";
import { call, card, customer, fails, ok, useSandbox } from "./helpers.ts";

const ctx = useSandbox();

test("copyMessage returns only {message_id}; the copy has the content without forward info", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const m = sb.sendPrivate(ana.id, { text: "<b>preciso</b> de ajuda", parse_mode: "HTML" });
  const { rootId } = await card(sb);
  const a = await call(sb, "copyMessage", { chat_id: sb.groupId, from_chat_id: ana.id, message_id: m.message_id, reply_parameters: { message_id: rootId } });
  assert.deepEqual(Object.keys(a.body.result), ["message_id"]);
  const copy = sb.message(sb.groupId, a.body.result.message_id)!;
  assert.equal(copy.text, "preciso de ajuda");
  assert.deepEqual(copy.entities, [{ offset: 0, length: 7, type: "bold" }]);
  assert.equal(copy.forward_origin, undefined);
  assert.deepEqual(copy.from, sb.bot);
  assert.equal(copy.message_thread_id, rootId, "a copy replying to the root joins the thread");
});

test("copyMessage can replace the caption; a media copy keeps the file", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const photo = sb.sendPrivate(ana.id, { photo: "receipt.jpg", caption: "old" });
  const { message_id } = await ok(sb, "copyMessage", { chat_id: sb.groupId, from_chat_id: ana.id, message_id: photo.message_id, caption: "<i>new</i>", parse_mode: "HTML" });
  const copy = sb.message(sb.groupId, message_id)!;
  assert.deepEqual(copy.photo, photo.photo);
  assert.equal(copy.caption, "new");
  const same = await ok(sb, "copyMessage", { chat_id: sb.groupId, from_chat_id: ana.id, message_id: photo.message_id });
  assert.equal(sb.message(sb.groupId, same.message_id)!.caption, "old");
});

test("copyMessage of a missing message, or one a bot may not copy", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  assert.equal((await fails(sb, "copyMessage", { chat_id: sb.groupId, from_chat_id: ana.id, message_id: 99 })).description, "Bad Request: message to copy not found");
  assert.equal((await fails(sb, "copyMessage", { chat_id: sb.groupId, from_chat_id: ana.id })).description, "Bad Request: message identifier is not specified");
  for (const content of [{ game: true }, { invoice: true }, { paid_media: true }] as const) {
    const m = sb.sendPrivate(ana.id, content);
    assert.deepEqual(await fails(sb, "copyMessage", { chat_id: sb.groupId, from_chat_id: ana.id, message_id: m.message_id }), {
      code: 400,
      description: "Bad Request: message can't be copied",
    });
  }
  // A service message (the pin notice) cannot be copied either.
  await ok(sb, "pinChatMessage", { chat_id: sb.groupId, message_id: (await ok(sb, "sendMessage", { chat_id: sb.groupId, text: "pin me" })).message_id });
  const service = sb.messages(sb.groupId).find((m) => m.pinned_message)!;
  assert.equal((await fails(sb, "copyMessage", { chat_id: ana.id, from_chat_id: sb.groupId, message_id: service.message_id })).description, "Bad Request: message can't be copied");
});

test("copyMessages: 1-100 strictly increasing ids, returns [{message_id}], albums stay albums", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const album = sb.sendAlbum(ana.id, [{ photo: "a.jpg" }, { photo: "b.jpg" }]);
  const ids = album.map((m) => m.message_id);
  const result = await ok(sb, "copyMessages", { chat_id: sb.groupId, from_chat_id: ana.id, message_ids: ids });
  assert.equal(result.length, 2);
  for (const r of result) assert.deepEqual(Object.keys(r), ["message_id"]);
  const copies = result.map((r: any) => sb.message(sb.groupId, r.message_id)!);
  assert.ok(copies[0].media_group_id);
  assert.equal(copies[0].media_group_id, copies[1].media_group_id);
  assert.notEqual(copies[0].media_group_id, album[0]!.media_group_id);

  const desc = async (message_ids: unknown) => (await fails(sb, "copyMessages", { chat_id: sb.groupId, from_chat_id: ana.id, message_ids })).description;
  assert.equal(await desc([ids[1], ids[0]]), "Bad Request: message identifiers must be in a strictly increasing order");
  assert.equal(await desc([ids[0], ids[0]]), "Bad Request: message identifiers must be in a strictly increasing order");
  assert.equal(await desc([]), "Bad Request: message identifiers are not specified");
  assert.equal(await desc(Array.from({ length: 101 }, (_, i) => i + 1)), "Bad Request: too many message identifiers specified");
  assert.equal((await fails(sb, "copyMessages", { chat_id: sb.groupId, from_chat_id: ana.id })).description, "Bad Request: message identifiers are not specified");
});

test("copyMessages has no reply_parameters: the copies do not join a thread", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const { rootId } = await card(sb);
  const [r] = await ok(sb, "copyMessages", { chat_id: sb.groupId, from_chat_id: ana.id, message_ids: [ana.firstMessageId], reply_parameters: { message_id: rootId } });
  assert.equal(sb.message(sb.groupId, r.message_id)!.message_thread_id, undefined);
});

test("copyMessages skips messages that are missing or cannot be copied", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const game = sb.sendPrivate(ana.id, { game: true });
  const text = sb.sendPrivate(ana.id, { text: "ok" });
  const result = await ok(sb, "copyMessages", { chat_id: sb.groupId, from_chat_id: ana.id, message_ids: [game.message_id, text.message_id, 500] });
  assert.equal(result.length, 1);
  assert.equal(sb.message(sb.groupId, result[0].message_id)!.text, "ok");
});

test("forwardMessage shows where the message came from", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const m = await ok(sb, "forwardMessage", { chat_id: sb.groupId, from_chat_id: ana.id, message_id: ana.firstMessageId });
  assert.equal(m.forward_origin.type, "user");
  assert.equal(m.forward_origin.sender_user.id, ana.id);
  assert.equal(m.forward_from.id, ana.id);
  assert.equal(m.text, "/start");
  assert.equal((await fails(sb, "forwardMessage", { chat_id: sb.groupId, from_chat_id: ana.id, message_id: 77 })).description, "Bad Request: message to forward not found");
});
