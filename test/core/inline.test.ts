import assert from "node:assert/strict";
import { test } from "node:test";
import { replyOfMessage, shownText } from "../../src/core/inline.ts";
import type { Reply } from "../../src/replies/types.ts";

test("the text Telegram shows for a reply, per parse mode", () => {
  assert.equal(shownText("<b>5 dias</b> &amp; <a href=\"x\">grátis</a> &#33;", "HTML"), "5 dias & grátis !");
  assert.equal(shownText("*Prazo*: 5 dias\\! Veja [o site](https://x.io/a_b)", "MarkdownV2"), "Prazo: 5 dias! Veja o site");
  assert.equal(shownText("a < b & c", undefined), "a < b & c");
});

test("a message sent through inline mode is traced back to its reply by the text shown", () => {
  const replies: Reply[] = [
    { id: "ola", title: "Oi", text: "Olá {first_name}!" },
    { id: "prazo", title: "Prazo", text: "O prazo é de <b>5 dias</b>.", parse_mode: "HTML" },
  ];
  assert.equal(replyOfMessage(replies, "O prazo é de 5 dias.")?.id, "prazo");
  assert.equal(replyOfMessage(replies, "Olá {first_name}!")?.id, "ola");
  assert.equal(replyOfMessage(replies, "something else"), undefined);
  assert.equal(replyOfMessage(replies, undefined), undefined);
});
