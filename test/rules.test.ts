/**
 * The rules live in the repo: docs/rules.md names them, code and tests cite them by
 * number and name, and nothing cites a document that is not in the repository.
 */
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";

const ROOT = new URL("..", import.meta.url).pathname;

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(ROOT, dir), { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sources(path)));
    else if (/\.(ts|js|md)$/.test(e.name)) out.push(path);
  }
  return out;
}

test("every rule cited in src/ and test/ is in docs/rules.md under that number and name", async () => {
  const doc = await readFile(join(ROOT, "docs/rules.md"), "utf8");
  const rules = new Map([...doc.matchAll(/^### R(\d+) ([a-z-]+)$/gm)].map((m) => [m[1]!, m[2]!]));
  assert.ok(rules.size >= 20, "docs/rules.md numbers its rules");
  assert.equal(new Set(rules.values()).size, rules.size, "rule names are unique");
  let cited = 0;
  for (const file of [...(await sources("src")), ...(await sources("test")), "README.md"]) {
    const text = await readFile(join(ROOT, file), "utf8");
    for (const [, n, name] of text.matchAll(/\bR(\d+) ([a-z]+(?:-[a-z]+)*)/g)) {
      assert.equal(name, rules.get(n!), `${file} cites R${n} ${name}; docs/rules.md has R${n} ${rules.get(n!) ?? "(none)"}`);
      cited++;
    }
  }
  assert.ok(cited > 0);
});

test("nothing cites a document outside the repository", async () => {
  const outside = ["PRODUCT" + ".md", "TELEGRAM" + "-FACTS", "/work/" + "shared"];
  for (const file of [...(await sources("src")), ...(await sources("test")), ...(await sources("docs")), "README.md", "config.example.yaml"]) {
    const text = await readFile(join(ROOT, file), "utf8");
    for (const name of outside) assert.ok(!text.includes(name), `${file} cites ${name}`);
  }
});
