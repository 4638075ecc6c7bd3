/**
 * R37 reply-uses, end to end: each canned reply that reaches a customer counts one use in
 * the store (not in the replies file); inline mode with no terms lists the most used first;
 * `clientes replies list` shows the counts. Counts survive a restart.
 */
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { test } from "node:test";
import { run } from "../cli/helpers.ts";
import { chatTexts, eventually, openConversation, startDesk, writeConfig } from "./harness.ts";

const REPLIES = `# canned replies
- id: ola
  title: "Saudação"
  text: "Olá {first_name}!"
- id: prazo
  title: "Prazo de entrega"
  text: "O prazo é de <b>5 dias úteis</b> &amp; grátis."
  parse_mode: HTML
- id: pix
  title: "Pix"
  text: "Nossa chave Pix é o CNPJ."
`;

test("canned replies that reach a customer are counted: the most used first, counts in `replies list`, kept across a restart", async () => {
  const desk = await startDesk();
  try {
    const { sb, ana } = desk;
    await writeFile(desk.config.replies, REPLIES);
    await eventually(() => desk.logs.some((l) => /canned replies: 3 loaded/.test(l)), "the replies loaded");
    const c = await openConversation(desk, "Rita");
    const send = async (id: string, expected: string, n: number) => {
      const answer = await sb.inlineQuery(ana.id, "", { chatType: "supergroup" });
      sb.sendInlineResult(ana.id, sb.groupId, answer, id, { replyTo: c.root });
      await sb.waitFor(() => chatTexts(desk, c.id).filter((t) => t === expected).length === n, 5000, `${id} at the customer`);
    };
    const order = async () => (await sb.inlineQuery(ana.id, "")).results.map((r) => r.id);
    assert.deepEqual(await order(), ["pix", "prazo", "ola"], "nothing used yet: by title");

    await send("prazo", "O prazo é de 5 dias úteis & grátis.", 1);
    await send("prazo", "O prazo é de 5 dias úteis & grátis.", 2);
    await send("ola", "Olá Rita!", 1);
    await eventually(async () => JSON.stringify(await order()) === JSON.stringify(["prazo", "ola", "pix"]), "the most used first");
    assert.deepEqual((await sb.inlineQuery(ana.id, "p")).results.map((r) => r.id), ["pix", "prazo"], "a search still ranks by match, not by use");
    assert.equal(await readFile(desk.config.replies, "utf8"), REPLIES, "the replies file holds no counts");

    // The reply is told by its text in the live list: an edited text is still recognized.
    await writeFile(desk.config.replies, REPLIES.replace("Nossa chave Pix é o CNPJ.", "Chave Pix: CNPJ."));
    await eventually(async () => (await sb.inlineQuery(ana.id, "pix")).results.some((r) => (r as { description?: string }).description === "Chave Pix: CNPJ."), "the new text");

    await desk.stop();
    await desk.restart();
    assert.deepEqual(await order(), ["prazo", "ola", "pix"], "counts survive a restart");
    await send("pix", "Chave Pix: CNPJ.", 1);

    await desk.stop();
    await writeConfig(desk.dir, sb, [ana.id]);
    const table = await run(["replies", "list"], { cwd: desk.dir, env: { CLIENTES_BOT_TOKEN: sb.token } });
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split("\n");
    assert.match(lines[0]!, /^ID\s+TITLE\s+TAGS\s+USES\s+LAST USED\s+TEXT$/);
    assert.match(lines.find((l) => l.startsWith("prazo"))!, /^prazo\s+Prazo de entrega\s+2\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+O prazo/);
    const json = JSON.parse((await run(["replies", "list", "--json"], { cwd: desk.dir, env: { CLIENTES_BOT_TOKEN: sb.token } })).stdout) as Array<{ id: string; uses: number; last_used: string | null }>;
    assert.deepEqual(json.map((r) => [r.id, r.uses]), [["ola", 1], ["prazo", 2], ["pix", 1]]);
    assert.ok(json.every((r) => r.last_used !== null && !Number.isNaN(Date.parse(r.last_used))));
    await desk.restart();
  } finally {
    await desk.close();
  }
});
