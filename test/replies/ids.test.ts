import assert from "node:assert/strict";
import { test } from "node:test";
import { idFromTitle, uniqueId } from "../../src/replies/ids.ts";
import { checkId } from "../../src/replies/validate.ts";

test("ids made from titles are valid, short and readable", () => {
  assert.equal(idFromTitle("Horário de atendimento"), "horario-de-atendimento");
  assert.equal(idFromTitle("  Pix!! "), "pix");
  assert.equal(idFromTitle("🎉🎉"), "reply");
  const long = idFromTitle("Política de trocas e devoluções para compras online");
  assert.equal(long, "politica-de-trocas-e-devolucoes");
  for (const t of ["Horário", "A-B", "x".repeat(80), "--a--", "Über straße"]) assert.equal(checkId(idFromTitle(t)), undefined, t);
});

test("uniqueId appends -2, -3… and stays within 32 characters", () => {
  assert.equal(uniqueId("pix", new Set()), "pix");
  assert.equal(uniqueId("pix", new Set(["pix", "pix-2"])), "pix-3");
  const base = "x".repeat(32);
  const id = uniqueId(base, new Set([base]));
  assert.equal(id.length, 32);
  assert.equal(checkId(id), undefined);
});
