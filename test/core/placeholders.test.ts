import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { TelegramMessageEntity } from "@gramio/types";
import { fillPlaceholders, hasPlaceholders } from "../../src/core/placeholders.ts";

const ana = { first_name: "Ana", last_name: "Souza" };

/** The text each entity covers, so the assertions read like what the customer sees. */
function covered(text: string, entities: TelegramMessageEntity[] | undefined): string[] {
  return (entities ?? []).map((e) => `${e.type}:${text.slice(e.offset, e.offset + e.length)}`);
}

describe("fillPlaceholders", () => {
  test("fills {first_name}, {last_name} and {name}", () => {
    assert.deepEqual(fillPlaceholders("Oi {first_name}! {name} / {last_name}", undefined, ana), { text: "Oi Ana! Ana Souza / Souza" });
  });

  test("without a last name, {name} is the first name and {last_name} is empty", () => {
    assert.equal(fillPlaceholders("{name}|{last_name}|", undefined, { first_name: "Zé" }).text, "Zé||");
  });

  test("unknown placeholders stay as typed", () => {
    assert.equal(fillPlaceholders("Oi {first_name}, seu {pedido} e {FIRST_NAME}", undefined, ana).text, "Oi Ana, seu {pedido} e {FIRST_NAME}");
  });

  test("entities after a placeholder move; one around it grows; one before stays", () => {
    const text = "Olá {first_name}, veja o link";
    const entities: TelegramMessageEntity[] = [
      { type: "italic", offset: 0, length: 3 }, // Olá
      { type: "bold", offset: 4, length: 12 }, // {first_name}
      { type: "text_link", offset: 25, length: 4, url: "https://example.com" }, // link
      { type: "underline", offset: 0, length: 29 }, // everything
    ];
    const out = fillPlaceholders(text, entities, { first_name: "Maximiliano" });
    assert.equal(out.text, "Olá Maximiliano, veja o link");
    assert.deepEqual(covered(out.text, out.entities), ["italic:Olá", "bold:Maximiliano", "text_link:link", "underline:Olá Maximiliano, veja o link"]);
    assert.equal(out.entities?.[2]?.url, "https://example.com");
  });

  test("offsets are UTF-16 units: emoji in the text and in the name", () => {
    const text = "👋 {name} 🎉 obrigado!";
    const entities: TelegramMessageEntity[] = [
      { type: "bold", offset: 3, length: 6 }, // {name}
      { type: "italic", offset: 13, length: 8 }, // obrigado
    ];
    const out = fillPlaceholders(text, entities, { first_name: "Lu 🌸", last_name: "Lima" });
    assert.equal(out.text, "👋 Lu 🌸 Lima 🎉 obrigado!");
    assert.deepEqual(covered(out.text, out.entities), ["bold:Lu 🌸 Lima", "italic:obrigado"]);
  });

  test("several placeholders shift cumulatively", () => {
    const text = "{first_name} {last_name}: pedido pronto";
    const entities: TelegramMessageEntity[] = [
      { type: "code", offset: 26, length: 6 }, // pedido
      { type: "bold", offset: 0, length: 24 }, // both placeholders
    ];
    const out = fillPlaceholders(text, entities, ana);
    assert.equal(out.text, "Ana Souza: pedido pronto");
    assert.deepEqual(covered(out.text, out.entities), ["code:pedido", "bold:Ana Souza"]);
  });

  test("an entity that only covered an empty placeholder is dropped; a partial one is stretched", () => {
    const text = "Oi {first_name}{last_name}!";
    const entities: TelegramMessageEntity[] = [
      { type: "bold", offset: 15, length: 11 }, // {last_name}
      { type: "italic", offset: 6, length: 4 }, // inside {first_name}
    ];
    const out = fillPlaceholders(text, entities, { first_name: "Bia" });
    assert.equal(out.text, "Oi Bia!");
    assert.deepEqual(covered(out.text, out.entities), ["italic:Bia"]);
  });

  test("text without placeholders comes back unchanged (same entities)", () => {
    const entities: TelegramMessageEntity[] = [{ type: "bold", offset: 0, length: 2 }];
    const out = fillPlaceholders("Oi!", entities, ana);
    assert.equal(out.text, "Oi!");
    assert.deepEqual(out.entities, entities);
    assert.equal(hasPlaceholders("Oi!"), false);
    assert.equal(hasPlaceholders("Oi {name}"), true);
  });
});
