/**
 * R34 customer-commands, end to end: `/help` and `/terms` are answered by the
 * bot and never reach the team; the private-chat menu shows exactly what customers can use.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createTelegram } from "../../src/telegram/client.ts";
import { chatTexts, eventually, startDesk, threadOf, threadTexts, type Desk } from "./harness.ts";

async function menus(desk: Desk): Promise<{ customer: string[]; group: string[] }> {
  const api = createTelegram({ token: desk.sb.token, apiRoot: desk.sb.apiRoot });
  const names = async (scope: Record<string, unknown>) => (await api.call("getMyCommands", { scope } as never)).map((c) => c.command);
  return { customer: await names({ type: "all_private_chats" }), group: await names({ type: "chat", chat_id: desk.sb.groupId }) };
}

const cardCount = (desk: Desk) => desk.sb.messages(desk.sb.channelId).length;

test("/help is answered in the customer's chat and never copied to the team; /terms without texts.terms is an ordinary message", async () => {
  const desk = await startDesk();
  try {
    const { sb } = desk;
    const u = sb.addUser({ first_name: "Caio" });
    sb.sendPrivate(u.id, { text: "/help" });
    const help = await sb.waitFor(() => chatTexts(desk, u.id)[0], 5000, "the help text");
    assert.match(help, /^Write here whatever you need/);
    assert.match(help, /\/help or \/ajuda: How this support chat works/);
    assert.doesNotMatch(help, /\/terms/, "no /terms without texts.terms");
    assert.doesNotMatch(help, /For the team/, "a customer is not shown the team's commands");
    assert.equal(cardCount(desk), 0, "asking for help opens no conversation");

    sb.sendPrivate(u.id, { text: "my order is late" });
    const root = await threadOf(desk, u.id);
    sb.sendPrivate(u.id, { text: "/ajuda" });
    sb.sendPrivate(u.id, { text: "/terms" });
    await sb.waitFor(() => threadTexts(desk, root).includes("/terms"), 5000, "/terms relayed like any message");
    await sb.waitFor(() => chatTexts(desk, u.id).filter((t) => t.startsWith("Write here")).length === 2, 5000, "the second help");
    assert.deepEqual(threadTexts(desk, root), ["my order is late", "/terms"], "/ajuda stayed out of the thread");

    assert.deepEqual(await menus(desk), { customer: ["start", "help"], group: ["take", "release", "assign", "close", "fs", "reopen", "priority", "tag", "untag", "ban", "unban", "save", "unsave", "help"] });

    // A staff member in private also gets their own commands listed.
    sb.sendPrivate(desk.ana.id, { text: "/help" });
    const staffHelp = await sb.waitFor(() => chatTexts(desk, desk.ana.id).find((t) => t.includes("For the team")), 5000, "the staff help");
    assert.match(staffHelp, /^Write here/);
  } finally {
    await desk.close();
  }
});

test("with texts.terms set, /termos gets the terms, in the menu too (pt-BR); a banned customer gets no answer", async () => {
  const terms = "Ao escrever, você aceita nossos <b>termos</b>: https://example.com/termos";
  const desk = await startDesk({ config: { locale: "pt-BR", texts: { terms } } });
  try {
    const { sb, ana } = desk;
    const u = sb.addUser({ first_name: "Bia" });
    sb.sendPrivate(u.id, { text: "/termos" });
    const got = await sb.waitFor(() => sb.messages(u.id).find((m) => m.from?.id === sb.bot.id), 5000, "the terms");
    assert.equal(got.text, "Ao escrever, você aceita nossos termos: https://example.com/termos");
    assert.ok(got.entities?.some((e) => e.type === "bold"), "the HTML of texts.terms is kept");
    sb.sendPrivate(u.id, { text: "/ajuda" });
    const help = await sb.waitFor(() => chatTexts(desk, u.id).find((t) => t.startsWith("Escreva aqui")), 5000, "the help in Portuguese");
    assert.match(help, /\/termos ou \/terms: Nossos termos de atendimento/);
    assert.equal(cardCount(desk), 0);
    assert.deepEqual((await menus(desk)).customer, ["start", "ajuda", "termos"]);

    // Banned: nothing comes back, not even for a command.
    sb.sendPrivate(u.id, { text: "oi" });
    const root = await threadOf(desk, u.id);
    sb.comment(ana.id, root, { text: "/ban" });
    await sb.waitFor(() => threadTexts(desk, root).some((t) => t.startsWith("⛔")), 5000, "banned");
    const before = chatTexts(desk, u.id).length;
    sb.sendPrivate(u.id, { text: "/ajuda" });
    await eventually(() => desk.logs.some((l) => l.includes(`customer ${u.id} is banned`)), "the banned message handled");
    assert.equal(chatTexts(desk, u.id).length, before);
  } finally {
    await desk.close();
  }
});
