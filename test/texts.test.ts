import { test } from "node:test";
import assert from "node:assert/strict";
import { renderText, resolveTexts, DEFAULT_TEXTS, OPTIONAL_TEXT_KEYS, TEXT_KEYS } from "../src/texts.ts";

test("a hostile customer name is escaped, so the card's markup never breaks", () => {
  const out = renderText("<b>{name}</b>", { name: "<b>Ana & Co</b>" });
  assert.equal(out, "<b>&lt;b&gt;Ana &amp; Co&lt;/b&gt;</b>");
});

test("an unknown placeholder is left as typed", () => {
  assert.equal(renderText("Hi {nickname}", { name: "Ana" }), "Hi {nickname}");
});

test("both locales define every text, and config overrides win", () => {
  for (const locale of ["pt-BR", "en"] as const) {
    for (const key of TEXT_KEYS) assert.ok(DEFAULT_TEXTS[locale][key], `${locale}.${key}`);
  }
  assert.equal(resolveTexts("en", { closing: "Bye!" }).closing, "Bye!");
  assert.equal(resolveTexts("pt-BR").status_closed, "encerrada");
});

test("config.example.yaml lists every text an operator can override", async () => {
  const { readFile } = await import("node:fs/promises");
  const example = await readFile(new URL("../config.example.yaml", import.meta.url), "utf8");
  for (const key of [...TEXT_KEYS, ...OPTIONAL_TEXT_KEYS]) assert.match(example, new RegExp(`^#   ${key}: `, "m"), `${key} is listed`);
});

test("an optional text is unset by default and when left empty", () => {
  assert.equal(resolveTexts("en").terms, undefined);
  assert.equal(resolveTexts("en", { terms: "  " }).terms, undefined);
  assert.equal(resolveTexts("pt-BR", { terms: "Nossos termos" }).terms, "Nossos termos");
});
