import assert from "node:assert/strict";
import { test } from "node:test";
import { customer, fails, ok, useSandbox } from "./helpers.ts";

const ctx = useSandbox();

/** File ids of every kind, as a customer's messages carry them. */
function files() {
  const sb = ctx.sb;
  const ana = customer(sb, "Files");
  const of = (content: Parameters<typeof sb.sendPrivate>[1]) => sb.sendPrivate(ana.id, content) as any;
  return {
    chat: ana.id,
    photo: of({ photo: "cat.jpg" }).photo.at(-1).file_id as string,
    video: of({ video: "clip.mp4" }).video.file_id as string,
    animation: of({ animation: "funny.gif" }).animation.file_id as string,
    document: of({ document: "invoice.pdf" }).document.file_id as string,
    audio: of({ audio: "song.mp3" }).audio.file_id as string,
    voice: of({ voice: "hello.ogg" }).voice.file_id as string,
    video_note: of({ video_note: "round.mp4" }).video_note.file_id as string,
    sticker: of({ sticker: "smile.webp" }).sticker.file_id as string,
  };
}

test("sendMessage returns the message as stored: text trimmed, entities parsed, automatic entities added", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const m = await ok(sb, "sendMessage", { chat_id: ana.id, text: "  <b>Olá</b> veja https://example.com  ", parse_mode: "HTML" });
  assert.equal(m.text, "Olá veja https://example.com");
  assert.deepEqual(m.entities, [
    { offset: 0, length: 3, type: "bold" },
    { offset: 9, length: 19, type: "url" },
  ]);
  assert.deepEqual(m.from, sb.bot);
  assert.deepEqual(m.chat, { id: ana.id, first_name: "Ana", last_name: "Souza", username: "ana", type: "private" });
  assert.deepEqual(sb.message(ana.id, m.message_id), m);
});

test("every file kind is sent by file_id with its own method", async () => {
  const sb = ctx.sb;
  const f = files();
  const sent = {
    photo: await ok(sb, "sendPhoto", { chat_id: f.chat, photo: f.photo, caption: "a <i>cat</i>", parse_mode: "HTML" }),
    video: await ok(sb, "sendVideo", { chat_id: f.chat, video: f.video }),
    animation: await ok(sb, "sendAnimation", { chat_id: f.chat, animation: f.animation }),
    document: await ok(sb, "sendDocument", { chat_id: f.chat, document: f.document }),
    audio: await ok(sb, "sendAudio", { chat_id: f.chat, audio: f.audio }),
    voice: await ok(sb, "sendVoice", { chat_id: f.chat, voice: f.voice }),
    video_note: await ok(sb, "sendVideoNote", { chat_id: f.chat, video_note: f.video_note }),
    sticker: await ok(sb, "sendSticker", { chat_id: f.chat, sticker: f.sticker }),
  };
  assert.equal(sent.photo.photo.at(-1).file_id, f.photo);
  assert.equal(sent.photo.caption, "a cat");
  assert.deepEqual(sent.photo.caption_entities, [{ offset: 2, length: 3, type: "italic" }]);
  assert.equal(sent.document.document.file_name, "invoice.pdf");
  for (const kind of ["video", "animation", "document", "audio", "voice", "video_note", "sticker"] as const) {
    assert.equal(sent[kind][kind].file_id, f[kind], kind);
  }
});

test("a file id of another type fails with can't use file of type X as Y; an unknown one with wrong file identifier", async () => {
  const sb = ctx.sb;
  const f = files();
  assert.deepEqual(await fails(sb, "sendDocument", { chat_id: f.chat, document: f.photo }), {
    code: 400,
    description: "Bad Request: can't use file of type Photo as Document",
  });
  assert.equal((await fails(sb, "sendPhoto", { chat_id: f.chat, photo: f.voice })).description, "Bad Request: can't use file of type VoiceNote as Photo");
  assert.equal((await fails(sb, "sendVideo", { chat_id: f.chat, video: "AgADnope" })).description, "Bad Request: wrong file identifier/HTTP URL specified");
  // An HTTP URL is downloaded: a new file of the requested type.
  const byUrl = await ok(sb, "sendDocument", { chat_id: f.chat, document: "https://example.com/files/report.pdf" });
  assert.equal(byUrl.document.file_name, "report.pdf");
});

test("location, venue, contact, poll and dice", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const loc = await ok(sb, "sendLocation", { chat_id: ana.id, latitude: -23.5, longitude: -46.6 });
  assert.deepEqual(loc.location, { latitude: -23.5, longitude: -46.6 });
  const venue = await ok(sb, "sendVenue", { chat_id: ana.id, latitude: 1, longitude: 2, title: "Loja", address: "Rua A, 1" });
  assert.deepEqual(venue.venue, { location: { latitude: 1, longitude: 2 }, title: "Loja", address: "Rua A, 1" });
  assert.deepEqual(venue.location, { latitude: 1, longitude: 2 });
  const contact = await ok(sb, "sendContact", { chat_id: ana.id, phone_number: "+5511999999999", first_name: "Bia" });
  assert.deepEqual(contact.contact, { phone_number: "+5511999999999", first_name: "Bia" });
  const poll = await ok(sb, "sendPoll", { chat_id: ana.id, question: "Nota?", options: ["1", "2", "3"] });
  assert.deepEqual(poll.poll.options.map((o: any) => o.text), ["1", "2", "3"]);
  assert.equal(typeof poll.poll.id, "string");
  assert.equal((await fails(sb, "sendPoll", { chat_id: ana.id, question: "Nota?", options: ["1"] })).description, "Bad Request: poll must have at least 2 option");
  const dice = await ok(sb, "sendDice", { chat_id: ana.id, emoji: "🎯" });
  assert.equal(dice.dice.emoji, "🎯");
  assert.ok(dice.dice.value >= 1 && dice.dice.value <= 6);
});

test("text limits: empty, whitespace only, and more than 4096 UTF-16 units after parsing", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  assert.equal((await fails(sb, "sendMessage", { chat_id: ana.id, text: "" })).description, "Bad Request: message text is empty");
  assert.equal((await fails(sb, "sendMessage", { chat_id: ana.id, text: "  \n " })).description, "Bad Request: message text is empty");
  assert.equal((await fails(sb, "sendMessage", { chat_id: ana.id, text: "<b> </b>", parse_mode: "HTML" })).description, "Bad Request: message text is empty");
  assert.equal((await fails(sb, "sendMessage", { chat_id: ana.id, text: "a".repeat(4097) })).description, "Bad Request: message is too long");
  // Markup does not count: 4096 characters of text inside tags is fine.
  const long = await ok(sb, "sendMessage", { chat_id: ana.id, text: `<b>${"a".repeat(4096)}</b>`, parse_mode: "HTML" });
  assert.equal(long.text.length, 4096);
  // Emoji count as two UTF-16 units.
  assert.equal((await fails(sb, "sendMessage", { chat_id: ana.id, text: "😀".repeat(2049) })).description, "Bad Request: message is too long");
});

test("captions longer than 1024 UTF-16 units fail", async () => {
  const sb = ctx.sb;
  const f = files();
  assert.deepEqual(await fails(sb, "sendPhoto", { chat_id: f.chat, photo: f.photo, caption: "x".repeat(1025) }), {
    code: 400,
    description: "Bad Request: message caption is too long",
  });
  assert.equal((await ok(sb, "sendPhoto", { chat_id: f.chat, photo: f.photo, caption: "x".repeat(1024) })).caption.length, 1024);
});

test("HTML parse errors are Telegram's", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  assert.deepEqual(await fails(sb, "sendMessage", { chat_id: ana.id, text: "<x>hi</x>", parse_mode: "HTML" }), {
    code: 400,
    description: 'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 0',
  });
  assert.equal((await ok(sb, "sendMessage", { chat_id: ana.id, text: "Tom & Jerry &lt;3", parse_mode: "HTML" })).text, "Tom & Jerry <3");
  assert.equal((await fails(sb, "sendMessage", { chat_id: ana.id, text: "x", parse_mode: "BBCode" })).description, "Bad Request: unsupported parse_mode");
});

test("a reply to a missing message fails unless allow_sending_without_reply", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  assert.equal(
    (await fails(sb, "sendMessage", { chat_id: ana.id, text: "x", reply_parameters: { message_id: 999 } })).description,
    "Bad Request: message to be replied not found",
  );
  assert.equal((await fails(sb, "sendMessage", { chat_id: ana.id, text: "x", reply_to_message_id: 999 })).description, "Bad Request: message to be replied not found");
  const m = await ok(sb, "sendMessage", { chat_id: ana.id, text: "x", reply_parameters: { message_id: 999, allow_sending_without_reply: true } });
  assert.equal(m.reply_to_message, undefined);
  // A deleted message is missing too.
  sb.deleteAs(ana.id, ana.firstMessageId);
  assert.equal((await fails(sb, "sendMessage", { chat_id: ana.id, text: "x", reply_parameters: { message_id: ana.firstMessageId } })).description, "Bad Request: message to be replied not found");
});

test("a reply carries reply_to_message without a nested reply", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const first = await ok(sb, "sendMessage", { chat_id: ana.id, text: "first", reply_parameters: { message_id: ana.firstMessageId } });
  const second = await ok(sb, "sendMessage", { chat_id: ana.id, text: "second", reply_parameters: { message_id: first.message_id } });
  assert.equal(second.reply_to_message.message_id, first.message_id);
  assert.equal(second.reply_to_message.text, "first");
  assert.equal(second.reply_to_message.reply_to_message, undefined);
});

test("a customer who blocked the bot: 403 bot was blocked by the user; writing again unblocks", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  sb.blockBot(ana.id);
  assert.deepEqual(await fails(sb, "sendMessage", { chat_id: ana.id, text: "hello?" }), { code: 403, description: "Forbidden: bot was blocked by the user" });
  assert.equal((await fails(sb, "copyMessage", { chat_id: ana.id, from_chat_id: ana.id, message_id: ana.firstMessageId })).code, 403);
  const kinds = sb.pendingUpdates().map((u) => (u.my_chat_member ? `${u.my_chat_member.old_chat_member.status}->${u.my_chat_member.new_chat_member.status}` : "message"));
  assert.deepEqual(kinds, ["message", "member->kicked"]);
  sb.sendPrivate(ana.id, { text: "/start" });
  assert.equal((await ok(sb, "sendMessage", { chat_id: ana.id, text: "welcome back" })).text, "welcome back");
});

test("the bot cannot write first to someone who never started it", async () => {
  const sb = ctx.sb;
  const stranger = sb.addUser({ first_name: "Zé" });
  assert.deepEqual(await fails(sb, "sendMessage", { chat_id: stranger.id, text: "hi" }), {
    code: 403,
    description: "Forbidden: bot can't initiate conversation with a user",
  });
});

test("posting in the channel needs can_post_messages", async () => {
  const sb = ctx.sb;
  sb.setBotRights("channel", { can_post_messages: false });
  assert.deepEqual(await fails(sb, "sendMessage", { chat_id: sb.channelId, text: "card" }), {
    code: 400,
    description: "Bad Request: need administrator rights in the channel chat",
  });
  sb.setBotRights("channel", null);
  assert.equal((await fails(sb, "sendMessage", { chat_id: sb.channelId, text: "card" })).description, "Bad Request: need administrator rights in the channel chat");
  sb.setBotRights("channel", {});
  const post = await ok(sb, "sendMessage", { chat_id: sb.channelId, text: "card" });
  assert.deepEqual(post.sender_chat, { id: sb.channelId, title: "Support cards", type: "channel" });
  assert.equal(post.from, undefined);
});

test("the bot never receives updates for its own messages", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  const before = sb.pendingUpdates().length;
  await ok(sb, "sendMessage", { chat_id: ana.id, text: "private" });
  await ok(sb, "sendMessage", { chat_id: sb.groupId, text: "group" });
  const post = await ok(sb, "sendMessage", { chat_id: sb.channelId, text: "channel" });
  await sb.waitFor((s) => s.rootFor(post.message_id));
  const fresh = sb.pendingUpdates().slice(before);
  // Only the automatic forward of the channel post (authored by Telegram, not the bot) arrives.
  assert.equal(fresh.length, 1);
  assert.equal(fresh[0]!.message?.is_automatic_forward, true);
});

test("sendChatAction validates the action and the chat", async () => {
  const sb = ctx.sb;
  const ana = customer(sb);
  assert.equal(await ok(sb, "sendChatAction", { chat_id: ana.id, action: "typing" }), true);
  assert.equal(sb.chatAction(ana.id), "typing");
  assert.equal((await fails(sb, "sendChatAction", { chat_id: ana.id, action: "dancing" })).description, "Bad Request: wrong parameter action in request");
});
