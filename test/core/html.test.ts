import assert from "node:assert/strict";
import { test } from "node:test";
import type { TelegramMessageEntity } from "@gramio/types";
import { entitiesToHtml, hasFormatting } from "../../src/core/html.ts";
import { formatText } from "../../src/sandbox/text.ts";

const e = (type: string, offset: number, length: number, extra: object = {}) => ({ type, offset, length, ...extra }) as TelegramMessageEntity;

test("formatting becomes HTML tags; the text is escaped; automatic entities are left to Telegram", () => {
  const text = "Pay <now> & see https://x.io #tag";
  const html = entitiesToHtml(text, [e("bold", 0, 3), e("url", 16, 14), e("hashtag", 31, 4), e("italic", 4, 5)]);
  assert.equal(html, "<b>Pay</b> <i>&lt;now&gt;</i> &amp; see https://x.io #tag");
  assert.equal(hasFormatting([e("url", 0, 3)]), false);
  assert.equal(hasFormatting([e("bold", 0, 3)]), true);
});

test("nested, overlapping and UTF-16 offsets; links, code and quotes", () => {
  assert.equal(entitiesToHtml("bold italic", [e("bold", 0, 11), e("italic", 5, 6)]), "<b>bold <i>italic</i></b>");
  assert.equal(entitiesToHtml("abcdef", [e("bold", 0, 4), e("italic", 2, 4)]), "<b>ab<i>cd</i></b><i>ef</i>");
  assert.equal(entitiesToHtml("🎉 oi", [e("bold", 3, 2)]), "🎉 <b>oi</b>");
  assert.equal(entitiesToHtml("site", [e("text_link", 0, 4, { url: "https://a.b/?q=1&r=2" })]), '<a href="https://a.b/?q=1&amp;r=2">site</a>');
  assert.equal(entitiesToHtml("x = 1", [e("pre", 0, 5, { language: "ts" })]), '<pre><code class="language-ts">x = 1</code></pre>');
  assert.equal(entitiesToHtml("quote", [e("expandable_blockquote", 0, 5)]), "<blockquote expandable>quote</blockquote>");
});

test("what Telegram parses back from the HTML is the same text with the same formatting", () => {
  const text = "Olá {first_name}! Prazo: 5 dias úteis 🚚\nVeja o site";
  const entities = [e("bold", 18, 20), e("italic", 25, 12), e("underline", 0, 3), e("text_link", 47, 4, { url: "https://loja.example/prazo" }), e("spoiler", 41, 5)];
  const back = formatText(entitiesToHtml(text, entities), "HTML", undefined, {} as never);
  assert.equal(back.text, text);
  // Telegram may cut a bold around a nested italic into touching pieces: the same formatting.
  const norm = (list: readonly { type: string; offset: number; length: number; url?: string }[]) => {
    const merged: { type: string; offset: number; length: number; url?: string }[] = [];
    for (const x of [...list].sort((a, b) => a.type.localeCompare(b.type) || a.offset - b.offset)) {
      const last = merged.at(-1);
      if (last && last.type === x.type && last.url === x.url && last.offset + last.length === x.offset) last.length += x.length;
      else merged.push({ ...x });
    }
    return merged.map((x) => `${x.type}@${x.offset}+${x.length}${x.url ? ` ${x.url}` : ""}`);
  };
  assert.deepEqual(norm(back.entities), norm(entities));
});
