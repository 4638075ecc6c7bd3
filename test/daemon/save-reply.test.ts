/**
 * R36 save-reply, end to end: `/save Title` in reply to a message of a thread makes it a
 * canned reply (formatting kept, the file's comments and format kept), offered at once by
 * inline mode; `/unsave id` removes one; every refusal is answered in the thread.
 */
import assert from "node:assert/strict";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { openConversation, startDesk, threadTexts, type Desk } from "./harness.ts";

const HAND_WRITTEN = `# Respostas prontas da loja (editadas à mão também)

- id: horario # o mais usado
  title: "Horário de atendimento"
  text: "Atendemos de segunda a sexta, das 9h às 18h."
  tags: [expediente]
`;

/** The bot's answer to the command `cmd` in a thread (its quiet reply to that comment). */
async function answerTo(desk: Desk, root: number, cmd: { message_id: number }): Promise<string> {
  const m = await desk.sb.waitFor(() => desk.sb.thread(root).find((x) => x.from?.id === desk.sb.bot.id && x.reply_to_message?.message_id === cmd.message_id), 5000, "the bot's answer in the thread");
  return m.text ?? "";
}

describe("in a YAML replies file", () => {
  let desk: Desk;
  let c: Awaited<ReturnType<typeof openConversation>>;
  before(async () => {
    desk = await startDesk();
    await writeFile(desk.config.replies, HAND_WRITTEN);
    await desk.stop();
    await desk.restart();
    c = await openConversation(desk, "Lia", { text: "O prazo é de <b>5 dias úteis</b>, veja <a href=\"https://loja.example/prazo\">a página</a>.", parse_mode: "HTML" });
  });
  after(() => desk.close());

  test("/save keeps the formatting as HTML and the file's comments; inline mode offers it at once", async () => {
    const { sb, ana } = desk;
    const cmd = sb.comment(ana.id, c.copy.message_id, { text: "/save Prazo de entrega" });
    assert.equal(await answerTo(desk, c.root, cmd), `✅ Saved as canned reply prazo-de-entrega (“Prazo de entrega”): type @${sb.bot.username} Prazo de entrega to use it.`);
    const file = await readFile(desk.config.replies, "utf8");
    assert.ok(file.startsWith(HAND_WRITTEN.trimEnd()), "the hand-written part, comments included, is untouched");
    assert.match(file, /- id: prazo-de-entrega\n {2}title: Prazo de entrega\n {2}text: .*<b>5 dias úteis<\/b>.*<a href=\\?"https:\/\/loja\.example\/prazo\\?">a página<\/a>.*\n {2}parse_mode: HTML\n/);

    const found = await sb.inlineQuery(ana.id, "prazo");
    assert.deepEqual(found.results.map((r) => r.id), ["prazo-de-entrega"]);
    sb.sendInlineResult(ana.id, sb.groupId, found, "prazo-de-entrega", { replyTo: c.root });
    const got = await sb.waitFor(() => sb.messages(c.id).find((m) => m.from?.id === sb.bot.id && m.text?.startsWith("O prazo")), 5000, "the reply at the customer");
    assert.equal(got.text, "O prazo é de 5 dias úteis, veja a página.");
    assert.deepEqual(got.entities?.map((e) => e.type).sort(), ["bold", "text_link"]);
  });

  test("a duplicate id, a bad title, no title, no message replied to, a message without text: a clear answer, the file unchanged", async () => {
    const { sb, ana } = desk;
    const before = await readFile(desk.config.replies, "utf8");
    const other = sb.comment(ana.id, c.root, { text: "Our deadline is 3 days." });
    await sb.waitFor(() => threadTexts(desk, c.root).includes("Our deadline is 3 days."));
    const dup = sb.comment(ana.id, other.message_id, { text: "/save PRAZO de Entrega" });
    assert.match(await answerTo(desk, c.root, dup), /^⚠️ A canned reply prazo-de-entrega already exists \(“Prazo de entrega”\): choose another title, or remove that one with \/unsave prazo-de-entrega\.$/);
    assert.equal(await answerTo(desk, c.root, sb.comment(ana.id, other.message_id, { text: "/save !!! ???" })), "⚠️ The title needs letters or digits, and at most 64 characters.");
    assert.equal(await answerTo(desk, c.root, sb.comment(ana.id, other.message_id, { text: "/save" })), "Usage: reply to the message to save with /save Title.");
    assert.equal(await answerTo(desk, c.root, sb.comment(ana.id, c.root, { text: "/save Card" })), "Usage: reply to the message to save with /save Title.");
    sb.sendPrivate(c.id, { sticker: "sticker-1" });
    const sticker = await sb.waitFor(() => sb.thread(c.root).find((m) => "sticker" in m), 5000, "the sticker copied");
    assert.equal(await answerTo(desk, c.root, sb.comment(ana.id, sticker.message_id, { text: "/save Sticker" })), "⚠️ That message has no text or caption to save.");
    assert.equal(await readFile(desk.config.replies, "utf8"), before);
  });

  test("a caption is saved too; /unsave removes a reply, an unknown id is answered with the near ones", async () => {
    const { sb, ana } = desk;
    sb.sendPrivate(c.id, { photo: "receipt.jpg", caption: "Comprovante <i>pago</i>", parse_mode: "HTML" } as never);
    const photo = await sb.waitFor(() => sb.thread(c.root).find((m) => m.caption?.startsWith("Comprovante")), 5000, "the photo copied");
    assert.match(await answerTo(desk, c.root, sb.comment(ana.id, photo.message_id, { text: "/save Comprovante" })), /^✅ Saved as canned reply comprovante/);
    assert.match(await readFile(desk.config.replies, "utf8"), /- id: comprovante\n {2}title: Comprovante\n {2}text: Comprovante <i>pago<\/i>\n {2}parse_mode: HTML\n/);

    assert.equal(await answerTo(desk, c.root, sb.comment(ana.id, c.root, { text: "/unsave prazo" })), "⚠️ There is no canned reply prazo; did you mean prazo-de-entrega?.");
    assert.equal(await answerTo(desk, c.root, sb.comment(ana.id, c.root, { text: "/unsave prazo-de-entrega" })), "🗑 Canned reply prazo-de-entrega removed.");
    assert.doesNotMatch(await readFile(desk.config.replies, "utf8"), /prazo-de-entrega/);
    assert.deepEqual((await sb.inlineQuery(ana.id, "prazo")).results, [], "no longer offered");
    assert.match(await readFile(desk.config.replies, "utf8"), /^# Respostas prontas da loja/);
  });

  test("a read-only replies file: told in the thread, the file left as it was", async () => {
    const { sb, ana } = desk;
    const before = await readFile(desk.config.replies, "utf8");
    await chmod(desk.config.replies, 0o444);
    try {
      const answer = await answerTo(desk, c.root, sb.comment(ana.id, c.copy.message_id, { text: "/save Prazo" }));
      assert.equal(answer, "⚠️ The replies file replies.yaml is read-only: nothing changed. Make it writable for the bot, or edit it with clientes replies.");
      assert.equal(await readFile(desk.config.replies, "utf8"), before);
      assert.equal((await sb.inlineQuery(ana.id, "prazo")).results.length, 0);
    } finally {
      await chmod(desk.config.replies, 0o644);
    }
  });

  test("someone not on the staff cannot save", async () => {
    const { sb } = desk;
    const before = await readFile(desk.config.replies, "utf8");
    const stranger = sb.addUser({ first_name: "Eve" });
    const answer = await answerTo(desk, c.root, sb.comment(stranger.id, c.copy.message_id, { text: "/save Mine" }));
    assert.match(answer, /^⚠️ Only the team can use commands here/);
    assert.equal(await readFile(desk.config.replies, "utf8"), before);
  });
});

test("a JSON replies file stays JSON; /resposta answers in Portuguese", async () => {
  const desk = await startDesk({ config: { locale: "pt-BR" } });
  try {
    const path = join(desk.dir, "respostas.json");
    await writeFile(path, JSON.stringify([{ id: "oi", title: "Oi", text: "Olá!" }], null, 2) + "\n");
    desk.config.replies = path;
    await desk.stop();
    await desk.restart();
    const { sb, ana } = desk;
    const c = await openConversation(desk, "Rui", { text: "Obrigado pela compra!" });
    const cmd = sb.comment(ana.id, c.copy.message_id, { text: "/resposta Agradecimento" });
    assert.equal(await answerTo(desk, c.root, cmd), `✅ Guardada como resposta pronta agradecimento (“Agradecimento”): digite @${sb.bot.username} Agradecimento para usar.`);
    assert.deepEqual(JSON.parse(await readFile(path, "utf8")), [
      { id: "oi", title: "Oi", text: "Olá!" },
      { id: "agradecimento", title: "Agradecimento", text: "Obrigado pela compra!" },
    ]);
  } finally {
    await desk.close();
  }
});
