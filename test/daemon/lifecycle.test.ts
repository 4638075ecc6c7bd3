/**
 * Conversation lifecycle (docs/rules.md R16 commands to R22 pinned-queue, R24 texts): staff commands in a thread, the card's
 * status and pin, reopen, ban, texts and locales. End to end against the sandbox.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chatTexts, openConversation, startDesk, threadTexts, type Desk } from "./harness.ts";

let desk: Desk;
before(async () => {
  desk = await startDesk();
});
after(async () => {
  await desk.close();
});

const conversation = (name: string, d = desk) => openConversation(d, name);

/** Waits for the bot's answer to a command comment in the thread. */
function answerTo(d: Desk, root: number, commentId: number) {
  return d.sb.waitFor(() => d.sb.thread(root).find((m) => m.from?.id === d.sb.bot.id && m.reply_to_message?.message_id === commentId), 5000, "the bot's answer");
}

describe("commands", () => {
  for (const [cmd, silent] of [["/close", false], ["/fim", false], ["/close silent", true], ["/fs", true]] as const) {
    test(`${cmd} closes the conversation${silent ? " without telling the customer" : " and tells the customer"}; the card shows it, unpinned`, async () => {
      const { sb, ana } = desk;
      const c = await conversation(`Close${cmd.replace(/\W/g, "")}`);
      await sb.waitFor(() => sb.pinned(sb.channelId).includes(c.card().message_id), 5000, "the open card pinned");
      const before = chatTexts(desk, c.id).length;
      const m = sb.comment(ana.id, c.root, { text: cmd });
      const ack = await answerTo(desk, c.root, m.message_id);
      assert.match(ack.text!, /Conversation closed/);
      await sb.waitFor(() => /Status: closed/.test(c.card().text ?? ""), 5000, "the card shows closed");
      await sb.waitFor(() => !sb.pinned(sb.channelId).includes(c.card().message_id), 5000, "unpinned");
      if (silent) {
        assert.equal(chatTexts(desk, c.id).length, before, "the customer got nothing");
      } else {
        await sb.waitFor(() => chatTexts(desk, c.id).some((t) => /This conversation is closed/.test(t)));
      }
      assert.ok(!chatTexts(desk, c.id).some((t) => t.startsWith("/")), "the command itself is never relayed");
    });
  }

  test("a customer writing into a closed conversation reopens it in the same thread", async () => {
    const { sb, ana } = desk;
    const c = await conversation("Reopen");
    sb.comment(ana.id, c.root, { text: "/close" });
    await sb.waitFor(() => /Status: closed/.test(c.card().text ?? ""));
    sb.sendPrivate(c.id, { text: "one more thing" });
    await sb.waitFor(() => threadTexts(desk, c.root).includes("one more thing"), 5000, "in the same thread");
    await sb.waitFor(() => chatTexts(desk, c.id).some((t) => /Welcome back/.test(t)), 5000, "the reopen text");
    await sb.waitFor(() => /Status: waiting for us since/.test(c.card().text ?? "") && sb.pinned(sb.channelId).includes(c.card().message_id), 5000, "open and pinned again");
  });

  test("/priority N and /p N set the priority shown on the card; malformed ones get the usage", async () => {
    const { sb, ana } = desk;
    const c = await conversation("Prio");
    sb.comment(ana.id, c.root, { text: "/priority 4" });
    await sb.waitFor(() => /Priority: 4/.test(c.card().text ?? ""));
    sb.comment(ana.id, c.root, { text: "/p 1" });
    await sb.waitFor(() => /Priority: 1/.test(c.card().text ?? ""));
    for (const bad of ["/p 9", "/p abc", "/priority"]) {
      const m = sb.comment(ana.id, c.root, { text: bad });
      const usage = await answerTo(desk, c.root, m.message_id);
      assert.match(usage.text!, /Usage: \/priority N/);
    }
    assert.match(c.card().text!, /Priority: 1/, "unchanged by malformed commands");
  });

  test("/ban stops relaying (no reply to the customer either); /unban restores it", async () => {
    const { sb, ana } = desk;
    const c = await conversation("Banned");
    const repliesBefore = chatTexts(desk, c.id).length;
    sb.comment(ana.id, c.root, { text: "/ban" });
    await sb.waitFor(() => /Status: banned/.test(c.card().text ?? ""));
    await sb.waitFor(() => !sb.pinned(sb.channelId).includes(c.card().message_id));
    sb.sendPrivate(c.id, { text: "spam spam" });
    sb.comment(ana.id, c.root, { text: "/unban" });
    await sb.waitFor(() => /Status: answered/.test(c.card().text ?? ""));
    sb.sendPrivate(c.id, { text: "legit question" });
    await sb.waitFor(() => threadTexts(desk, c.root).includes("legit question"));
    assert.ok(!threadTexts(desk, c.root).includes("spam spam"), "nothing relayed while banned");
    assert.equal(chatTexts(desk, c.id).length, repliesBefore, "and the customer got no reply");
  });

  test("/help and /ajuda list the commands; an unknown command says so", async () => {
    const { sb, ana } = desk;
    const c = await conversation("Help");
    for (const cmd of ["/help", "/ajuda"]) {
      const m = sb.comment(ana.id, c.root, { text: cmd });
      const answer = await answerTo(desk, c.root, m.message_id);
      assert.match(answer.text!, /\/close or \/fim/);
      assert.match(answer.text!, /\/priority N/);
    }
    const m = sb.comment(ana.id, c.root, { text: "/frobnicate" });
    assert.match((await answerTo(desk, c.root, m.message_id)).text!, /Unknown command: \/frobnicate/);
  });

  test("a command from someone not on the staff does nothing but say so", async () => {
    const { sb } = desk;
    const c = await conversation("NotStaff");
    const stranger = sb.addUser({ first_name: "Intruder" });
    const m = sb.comment(stranger.id, c.root, { text: "/close" });
    const answer = await answerTo(desk, c.root, m.message_id);
    assert.match(answer.text!, /Only the team can use commands/);
    assert.match(c.card().text!, /Status: waiting for us since/);
  });
});

test("the card is edited once per change, not once per message", async () => {
  const { sb, port } = desk;
  const c = await conversation("Quiet");
  const edits = () => port.calls.filter((x) => x.method === "editMessageText" && (x.params as { message_id?: number }).message_id === c.card().message_id).length;
  const before = edits();
  for (let i = 0; i < 5; i++) sb.sendPrivate(c.id, { text: `msg ${i}` });
  await sb.waitFor(() => threadTexts(desk, c.root).length === 6);
  assert.equal(edits(), before, "no card edit for plain messages");
});

test("the pin's service message is removed from the channel", async () => {
  const { sb } = desk;
  const c = await conversation("PinNoise");
  await sb.waitFor(() => sb.pinned(sb.channelId).includes(c.card().message_id));
  await sb.waitFor(() => !sb.messages(sb.channelId).some((m) => m.pinned_message?.message_id === c.card().message_id), 5000, "no 'pinned a message' noise");
});

test("command menus: customer commands in private chats, staff commands in the group", async () => {
  const { port, sb } = desk;
  const calls = port.calls.filter((c) => c.method === "setMyCommands").map((c) => c.params as { scope: { type: string; chat_id?: number }; commands: { command: string }[] });
  const privateMenu = calls.find((c) => c.scope.type === "all_private_chats")!;
  const groupMenu = calls.find((c) => c.scope.type === "chat" && c.scope.chat_id === sb.groupId)!;
  assert.deepEqual(privateMenu.commands.map((c) => c.command), ["start", "help"], "no /terms without texts.terms");
  assert.deepEqual(groupMenu.commands.map((c) => c.command), ["take", "release", "assign", "close", "fs", "reopen", "priority", "tag", "untag", "ban", "unban", "save", "unsave", "help"]);
});

test("pt-BR locale and overridden texts", async () => {
  const pt = await startDesk({ config: { locale: "pt-BR", texts: { closing: "Tchau, {first_name}! Volte sempre." } } });
  try {
    const { sb, ana } = pt;
    const c = await conversation("Zeca", pt);
    assert.match(c.card().text!, /Status: aguardando a equipe desde \d\d:\d\d · Prioridade: 3/);
    assert.match(chatTexts(pt, c.id)[0]!, /^Olá, Zeca!/);
    sb.comment(ana.id, c.root, { text: "/fim" });
    await sb.waitFor(() => chatTexts(pt, c.id).includes("Tchau, Zeca! Volte sempre."));
    await sb.waitFor(() => /Status: encerrada/.test(c.card().text ?? ""));
    const menus = pt.port.calls.filter((x) => x.method === "setMyCommands").map((x) => (x.params as { commands: { command: string }[] }).commands.map((m) => m.command));
    assert.ok(menus.some((m) => m.includes("fim") && m.includes("ajuda")), "Portuguese staff menu");
  } finally {
    await pt.close();
  }
});

test("a texts: override with broken HTML: the card and notices go out as plain text, messages still flow", async () => {
  const broken = await startDesk({ config: { texts: { card: "<b>{name} · {status} · {id}", closing: "Bye <i>now" } } });
  try {
    const { sb, ana, logs } = broken;
    const c = await conversation("Plain", broken);
    assert.match(c.card().text!, new RegExp(`^Plain · waiting for us since \\d\\d:\\d\\d · ${c.id}$`));
    assert.equal(threadTexts(broken, c.root)[0], "hi from Plain", "the message reached its thread");
    sb.comment(ana.id, c.root, { text: "/close" });
    await sb.waitFor(() => chatTexts(broken, c.id).includes("Bye now"), 5000, "the closing text, plain");
    assert.ok(logs.some((l) => /refused the HTML of a text \(check the texts: overrides/.test(l)), "the operator is told why");
  } finally {
    await broken.close();
  }
});
