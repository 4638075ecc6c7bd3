import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fold, searchReplies } from "../../src/replies/search.ts";
import type { Reply } from "../../src/replies/types.ts";

const REPLIES: Reply[] = [
  { id: "entrega", title: "Prazo de entrega", text: "O horário de entrega é das 8h às 20h." },
  { id: "feriados", title: "Feriados", text: "Não abrimos em feriados nacionais.", tags: ["horario", "calendário"] },
  { id: "horario", title: "Horário de atendimento", text: "Atendemos de segunda a sexta." },
  { id: "acao", title: "Ação de Natal", text: "Descontos até o dia 24.", tags: ["promoção"] },
  { id: "agua", title: "Água e café", text: "Servimos água." },
];

const ids = (rs: Reply[]) => rs.map((r) => r.id);

describe("searchReplies", () => {
  test("case- and accent-insensitive both ways", () => {
    assert.deepEqual(ids(searchReplies(REPLIES, "horario")).slice(0, 1), ["horario"]);
    assert.deepEqual(ids(searchReplies(REPLIES, "HORÁRIO")), ids(searchReplies(REPLIES, "horario")));
    assert.deepEqual(ids(searchReplies(REPLIES, "acao")), ["acao"]);
    assert.deepEqual(ids(searchReplies(REPLIES, "promocao")), ["acao"]);
    assert.equal(fold("Ação Çedilha ÉÈ"), "acao cedilha ee");
  });

  test("title matches rank above tag matches, which rank above text matches", () => {
    assert.deepEqual(ids(searchReplies(REPLIES, "horario")), ["horario", "feriados", "entrega"]);
  });

  test("every term must match (title, text or tags)", () => {
    assert.deepEqual(ids(searchReplies(REPLIES, "horario entrega")), ["entrega"]);
    assert.deepEqual(ids(searchReplies(REPLIES, "  feriados   calendario ")), ["feriados"]);
    assert.deepEqual(ids(searchReplies(REPLIES, "horario pizza")), []);
  });

  test("an empty query returns everything by title, ignoring accents", () => {
    assert.deepEqual(ids(searchReplies(REPLIES, "")), ["acao", "agua", "feriados", "horario", "entrega"]);
    assert.deepEqual(ids(searchReplies(REPLIES, "   ")), ids(searchReplies(REPLIES, "")));
  });

  test("ties are broken by title; the input list is not changed", () => {
    const copy = structuredClone(REPLIES);
    // Three titles have the word "de": same score, so alphabetical by title.
    assert.deepEqual(ids(searchReplies(REPLIES, "de")), ["acao", "horario", "entrega"]);
    assert.deepEqual(REPLIES, copy);
  });

  test("a term at the start of a title word ranks above one inside a word", () => {
    const rs: Reply[] = [
      { id: "a", title: "Reembolso", text: "x" },
      { id: "b", title: "Bolsa térmica", text: "x" },
    ];
    assert.deepEqual(ids(searchReplies(rs, "bolso")), ["a"]);
    assert.deepEqual(ids(searchReplies(rs, "bols")), ["b", "a"]);
  });

  test("with 80 replies: numbers in titles sort naturally and only matches come back", () => {
    const many: Reply[] = Array.from({ length: 80 }, (_, i) => ({
      id: `r${i + 1}`,
      title: `Resposta ${i + 1}`,
      text: i % 2 === 0 ? "texto par" : "texto ímpar",
      tags: i % 10 === 0 ? ["dezena"] : [],
    }));
    const seven = ids(searchReplies(many, "resposta 7"));
    // "7" starting a word of the title first, then "7" inside a number (17, 27…).
    assert.deepEqual(seven, ["r7", "r70", "r71", "r72", "r73", "r74", "r75", "r76", "r77", "r78", "r79", "r17", "r27", "r37", "r47", "r57", "r67"]);
    assert.equal(searchReplies(many, "impar").length, 40);
    assert.deepEqual(ids(searchReplies(many, "dezena")), ["r1", "r11", "r21", "r31", "r41", "r51", "r61", "r71"]);
    assert.equal(searchReplies(many, "").length, 80);
    assert.equal(searchReplies(many, "")[1]?.id, "r2");
  });

  test("fast enough for inline queries over thousands of replies", () => {
    const many: Reply[] = Array.from({ length: 5000 }, (_, i) => ({
      id: `r${i}`,
      title: `Resposta número ${i} sobre ${i % 7 === 0 ? "horário" : "pagamento"}`,
      text: "Olá {first_name}, obrigado pelo contato. ".repeat(5),
      tags: ["atendimento", `grupo${i % 50}`],
    }));
    const started = performance.now();
    for (let i = 0; i < 50; i++) searchReplies(many, i % 2 ? "horario obrigado" : "grupo4 contato");
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 3000, `50 searches over 5000 replies took ${Math.round(elapsed)} ms`);
  });
});
