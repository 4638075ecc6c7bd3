import assert from "node:assert/strict";
import { test } from "node:test";
import { card, customer, fails, ok, useSandbox } from "./helpers.ts";

const ctx = useSandbox();

function customerPhotos(n: number) {
  const sb = ctx.sb;
  const ana = customer(sb);
  const album = sb.sendAlbum(ana.id, Array.from({ length: Math.max(2, n) }, (_, i) => ({ photo: `p${i}.jpg`, caption: i === 0 ? "first" : "" })));
  return { chat: ana.id, ids: album.map((m) => m.photo!.at(-1)!.file_id).slice(0, n) };
}

test("sendMediaGroup replying into a thread: every item shares a media_group_id and joins the thread", async () => {
  const sb = ctx.sb;
  const { ids } = customerPhotos(3);
  const { rootId } = await card(sb);
  const sent = await ok(sb, "sendMediaGroup", {
    chat_id: sb.groupId,
    media: ids.map((id, i) => ({ type: "photo", media: id, ...(i === 0 ? { caption: "<b>album</b>", parse_mode: "HTML" } : {}) })),
    reply_parameters: { message_id: rootId },
  });
  assert.equal(sent.length, 3);
  assert.ok(sent[0].media_group_id);
  for (const m of sent) {
    assert.equal(m.media_group_id, sent[0].media_group_id);
    assert.equal(m.message_thread_id, rootId);
    assert.equal(m.reply_to_message.message_id, rootId);
  }
  assert.equal(sent[0].caption, "album");
  assert.deepEqual(sent[0].caption_entities, [{ offset: 0, length: 5, type: "bold" }]);
  assert.deepEqual(sb.thread(rootId).map((m) => m.message_id), [rootId, ...sent.map((m: any) => m.message_id)]);
});

test("sendMediaGroup checks the number and mix of items", async () => {
  const sb = ctx.sb;
  const { chat, ids } = customerPhotos(2);
  const doc = sb.sendPrivate(chat, { document: "a.pdf" }).document!.file_id;
  const desc = async (media: unknown) => (await fails(sb, "sendMediaGroup", { chat_id: chat, media })).description;
  assert.equal(await desc([]), "Bad Request: there are no messages to send");
  assert.equal(await desc(Array.from({ length: 11 }, () => ({ type: "photo", media: ids[0] }))), "Bad Request: too many messages to send as an album");
  assert.equal(await desc([{ type: "photo", media: ids[0] }, { type: "document", media: doc }]), "Bad Request: document can't be mixed with other media types");
  assert.equal(await desc([{ type: "animation", media: ids[0] }]), 'Bad Request: can\'t parse InputMedia: type "animation" can\'t be used in sendMediaGroup');
  assert.equal(await desc([{ type: "photo" }]), "Bad Request: can't parse InputMedia: media not found");
  assert.equal(await desc([{ type: "document", media: ids[0] }, { type: "document", media: doc }]), "Bad Request: can't use file of type Photo as Document");
});

test("a one-item media group is sent as an ordinary message", async () => {
  const sb = ctx.sb;
  const { chat, ids } = customerPhotos(1);
  const [m] = await ok(sb, "sendMediaGroup", { chat_id: chat, media: [{ type: "photo", media: ids[0] }] });
  assert.equal(m.media_group_id, undefined);
  assert.ok(m.photo);
});

test("a reply to a missing message fails the whole album", async () => {
  const sb = ctx.sb;
  const { chat, ids } = customerPhotos(2);
  const before = sb.messages(chat).length;
  const r = await fails(sb, "sendMediaGroup", { chat_id: chat, media: ids.map((id) => ({ type: "photo", media: id })), reply_parameters: { message_id: 999 } });
  assert.equal(r.description, "Bad Request: message to be replied not found");
  assert.equal(sb.messages(chat).length, before);
});
