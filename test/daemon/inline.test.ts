/**
 * Canned replies in inline mode (R23 canned-replies), end to end: the real daemon
 * answers the sandbox's inline queries from the replies file, which it reloads live.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { chatTexts, eventually, startDesk, threadOf, threadTexts, type Desk } from "./harness.ts";

let desk: Desk;

function repliesYaml(extra: { id: string; title: string; text: string; tags?: string[] }[] = []): string {
  const base = [
    { id: "horario", title: "Horário de atendimento", text: "Atendemos de segunda a sexta, das 9h às 18h.", tags: ["expediente"] },
    { id: "ola", title: "Saudação", text: "Olá {first_name}, tudo bem? Sou da equipe.", tags: [] },
    { id: "prazo", title: "Prazo de entrega", text: "O prazo é de <b>5 dias úteis</b>, {name}.", tags: ["frete", "entrega"] },
  ];
  const many = Array.from({ length: 60 }, (_, i) => ({ id: `faq-${i}`, title: `FAQ ${String(i).padStart(2, "0")}`, text: `Resposta número ${i}`, tags: ["faq"] }));
  return [...base, ...many, ...extra]
    .map((r) => `- id: ${r.id}\n  title: "${r.title}"\n  text: "${r.text}"\n  tags: [${(r.tags ?? []).join(", ")}]${r.id === "prazo" ? "\n  parse_mode: HTML" : ""}`)
    .join("\n");
}

before(async () => {
  desk = await startDesk();
  await writeFile(desk.config.replies, "# canned replies\n" + repliesYaml());
  await eventually(() => desk.logs.some((l) => /canned replies: 63 loaded/.test(l)), "the daemon loading the file");
});
after(async () => {
  await desk.close();
});

test("staff search is accent- and case-insensitive, every term must match", async () => {
  const { sb, ana } = desk;
  const a = await sb.inlineQuery(ana.id, "horario");
  assert.deepEqual(a.results.map((r) => r.id), ["horario"]);
  assert.equal((a.results[0] as { title?: string }).title, "Horário de atendimento");
  const b = await sb.inlineQuery(ana.id, "ENTREGA dias");
  assert.deepEqual(b.results.map((r) => r.id), ["prazo"]);
  const none = await sb.inlineQuery(ana.id, "entrega horario");
  assert.deepEqual(none.results, []);
  assert.equal(a.is_personal, true);
  assert.ok((a.cache_time ?? 300) <= 10, "a short cache, so file changes show quickly");
});

test("an empty query lists everything, 50 per page, with next_offset paging", async () => {
  const { sb, ana } = desk;
  const first = await sb.inlineQuery(ana.id, "");
  assert.equal(first.results.length, 50);
  assert.equal(first.next_offset, "50");
  const second = await sb.inlineQuery(ana.id, "", { offset: first.next_offset! });
  assert.equal(second.results.length, 13);
  assert.equal(second.next_offset ?? "", "");
  const ids = new Set([...first.results, ...second.results].map((r) => r.id));
  assert.equal(ids.size, 63, "no reply twice, none missing");
});

test("anyone not on the staff gets no replies, only a button to the support chat", async () => {
  const { sb } = desk;
  const stranger = sb.addUser({ first_name: "Curious" });
  const a = await sb.inlineQuery(stranger.id, "horario");
  assert.deepEqual(a.results, []);
  assert.equal(a.button?.start_parameter, "inline");
  assert.match(a.button?.text ?? "", /support/i);
});

test("that button speaks the asker's Telegram language (R32 customer-language)", async () => {
  const { sb } = desk;
  const pt = sb.addUser({ first_name: "Rui", language_code: "pt-PT" });
  assert.equal((await sb.inlineQuery(pt.id, "oi")).button?.text, "Falar com o atendimento");
  const fr = sb.addUser({ first_name: "Rémi", language_code: "fr" });
  assert.equal((await sb.inlineQuery(fr.id, "salut")).button?.text, "Talk to support", "anything else: the config's locale");
});

test("placeholders are filled with the customer's name, formatting kept", async () => {
  const { sb, ana } = desk;
  const u = sb.addUser({ first_name: "Bia", last_name: "Lima" });
  sb.sendPrivate(u.id, { text: "when will it arrive?" });
  const root = await threadOf(desk, u.id);
  await sb.waitFor(() => threadTexts(desk, root).length === 1);
  const answer = await sb.inlineQuery(ana.id, "prazo", { chatType: "supergroup" });
  sb.sendInlineResult(ana.id, sb.groupId, answer, "prazo", { replyTo: root });
  const got = await sb.waitFor(() => sb.messages(u.id).find((m) => m.text?.startsWith("O prazo")));
  assert.equal(got.text, "O prazo é de 5 dias úteis, Bia Lima.");
  const bold = got.entities?.find((e) => e.type === "bold");
  assert.ok(bold, "the bold survives");
  assert.equal(got.text!.slice(bold.offset, bold.offset + bold.length), "5 dias úteis");
  const hello = await sb.inlineQuery(ana.id, "saudacao");
  sb.sendInlineResult(ana.id, sb.groupId, hello, "ola", { replyTo: root });
  await sb.waitFor(() => chatTexts(desk, u.id).includes("Olá Bia, tudo bem? Sou da equipe."));
});

test("the running daemon picks up file changes; a broken file keeps the last good list", async () => {
  const { sb, ana } = desk;
  await writeFile(desk.config.replies, repliesYaml([{ id: "novo", title: "Resposta nova", text: "Acabou de chegar" }]));
  await eventually(async () => (await sb.inlineQuery(ana.id, "nova")).results.length === 1, "the new reply");
  await writeFile(desk.config.replies, "- id: broken\n  title: [unclosed\n");
  await eventually(() => desk.logs.some((l) => /keeping the last good list \(64\)/.test(l)), "the error logged");
  assert.equal((await sb.inlineQuery(ana.id, "nova")).results.length, 1, "still answering from the last good list");
});
