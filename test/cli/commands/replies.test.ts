import assert from "node:assert/strict";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { CTRL_C } from "../../../src/cli/prompts.ts";
import { run, tempDir, type RunOptions } from "../helpers.ts";

const COMMENTED = `# Respostas da equipe

# horário comercial
- id: horario # usado nos treinamentos
  title: "Horário de atendimento"
  text: "Atendemos de segunda a sexta, das 9h às 18h."
  tags: [expediente]

# pagamento
- id: pix
  title: Pix
  text: "Nossa chave Pix é o CNPJ."
`;

const TOKEN = "123456:" + "A".repeat(35);

let dir = "";
let cleanup = async () => {};
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

const file = () => join(dir, "replies.yaml");
const read = (name = "replies.yaml") => readFile(join(dir, name), "utf8");
const exists = async (name: string) => (await readdir(dir)).includes(name);

/** `clientes replies --file replies.yaml <args>` in the temp dir (no TTY unless told). */
function replies(args: string[], opts: Partial<RunOptions> = {}) {
  return run(["replies", "--file", "replies.yaml", ...args], { cwd: dir, ...opts });
}
const seed = (content = COMMENTED, name = "replies.yaml") => writeFile(join(dir, name), content);

describe("clientes replies --help", () => {
  test("lists the subcommands, the file format and examples", async () => {
    const r = await run(["replies", "--help"], { cwd: dir });
    assert.equal(r.code, 0);
    for (const sub of ["list", "add", "edit", "remove", "import", "export"]) assert.match(r.stdout, new RegExp(`\\n  ${sub}`));
    assert.match(r.stdout, /- id: horario/);
    assert.match(r.stdout, /Examples:/);
    assert.match(r.stdout, /--config <path>/);
  });

  test("each subcommand has its own help with examples", async () => {
    const r = await run(["replies", "add", "--help"], { cwd: dir });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--title <title>/);
    assert.match(r.stdout, /--parse-mode <mode>/);
    assert.match(r.stdout, /Examples:\n  \$ clientes replies add/);
  });
});

describe("replies list", () => {
  test("a table on stdout, the count on stderr", async () => {
    await seed();
    const r = await replies(["list"]);
    assert.equal(r.code, 0);
    const lines = r.stdout.trimEnd().split("\n");
    assert.match(lines[0] ?? "", /^ID\s+TITLE\s+TAGS\s+TEXT$/);
    assert.match(lines[1] ?? "", /^horario\s+Horário de atendimento\s+expediente\s+Atendemos de segunda/);
    assert.match(lines[2] ?? "", /^pix\s+Pix\s+Nossa chave/);
    assert.equal(r.stderr, "2 replies in replies.yaml\n");
  });

  test("--json is the list as in the file, stable", async () => {
    await seed();
    const r = await replies(["list", "--json"]);
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.stdout), [
      { id: "horario", title: "Horário de atendimento", text: "Atendemos de segunda a sexta, das 9h às 18h.", tags: ["expediente"] },
      { id: "pix", title: "Pix", text: "Nossa chave Pix é o CNPJ." },
    ]);
    assert.equal(r.stdout, (await replies(["list", "--json"])).stdout);
  });

  test("terms filter like the inline search (accents ignored)", async () => {
    await seed();
    const r = await replies(["list", "HORARIO", "--json"]);
    assert.deepEqual(JSON.parse(r.stdout).map((x: { id: string }) => x.id), ["horario"]);
  });

  test("no file yet: nothing on stdout, a hint on stderr; --json gives []", async () => {
    const r = await replies(["list"]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /no replies in replies\.yaml yet; add one with: clientes replies add/);
    assert.equal((await replies(["list", "--json"])).stdout, "[]\n");
  });

  test("a broken file is reported by entry, exit 1", async () => {
    await seed("- id: a\n  title: A\n- id: a\n  title: B\n  text: t\n");
    const r = await replies(["list"]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'error: replies.yaml: entry 1 (id "a"): text is required\nerror: replies.yaml: entry 2 (id "a"): duplicate id: entry 1 already uses it\n',
    );
  });
});

describe("replies add", () => {
  test("with flags (a script): writes the file, id made from the title", async () => {
    const r = await replies(["add", "--title", "Horário de atendimento", "--text", "Das 9h às 18h, {first_name}.", "--tags", "expediente, horas", "--parse-mode", "HTML"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /✓ added "horario-de-atendimento"/);
    assert.deepEqual(JSON.parse((await replies(["list", "--json"])).stdout), [
      { id: "horario-de-atendimento", title: "Horário de atendimento", text: "Das 9h às 18h, {first_name}.", tags: ["expediente", "horas"], parse_mode: "HTML" },
    ]);
  });

  test("--text - reads a multi-line text from stdin", async () => {
    const r = await replies(["add", "--id", "termos", "--title", "Termos", "--text", "-"], { stdin: "Linha 1\nLinha 2\n" });
    assert.equal(r.code, 0, r.stderr);
    assert.match(await read(), /text: \|-\n {4}Linha 1\n {4}Linha 2\n/);
  });

  test("without a TTY and without --text: exit 2 naming the flag, nothing written", async () => {
    const r = await replies(["add", "--title", "Pix"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: missing --text/);
    assert.equal(await exists("replies.yaml"), false);
    const both = await replies(["add"]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /missing --title and --text/);
  });

  test("in a terminal: asks title, id (suggested from the title), formatting, text, tags", async () => {
    await seed();
    const r = await replies(["add"], {
      tty: true,
      answers: ["Política de trocas", undefined, "none", "Trocas em até 7 dias, {first_name}.\\nGuarde a nota.", "trocas, devolução"],
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.prompter.asked.length, 5);
    assert.match(r.prompter.asked[0] ?? "", /^Title/);
    assert.match(r.prompter.asked[1] ?? "", /^Id/);
    assert.match(r.prompter.asked[3] ?? "", /^Text/);
    assert.match(r.prompter.asked[4] ?? "", /^Tags/);
    const list = JSON.parse((await replies(["list", "--json"])).stdout);
    assert.deepEqual(list[2], {
      id: "politica-de-trocas",
      title: "Política de trocas",
      text: "Trocas em até 7 dias, {first_name}.\nGuarde a nota.",
      tags: ["trocas", "devolução"],
    });
    // The file's comments are still there.
    assert.match(await read(), /^# Respostas da equipe\n\n# horário comercial\n- id: horario # usado nos treinamentos\n/);
    assert.match(await read(), /# pagamento\n- id: pix\n/);
  });

  test("in a terminal with --title and --text given, nothing is asked", async () => {
    const r = await replies(["add", "--title", "Oi", "--text", "Olá!"], { tty: true });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.prompter.asked, []);
  });

  test("a duplicate id is refused: exit 1, file untouched", async () => {
    await seed();
    const before = await read();
    const r = await replies(["add", "--id", "pix", "--title", "Outro Pix", "--text", "x"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: a reply with id "pix" already exists in replies\.yaml: "Pix"\nhint: /);
    assert.equal(await read(), before);
  });

  test("an invalid --id is bad usage (exit 2)", async () => {
    const r = await replies(["add", "--id", "Com Espaço", "--title", "T", "--text", "x"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--id: id "Com Espaço" is not valid/);
  });

  test("an unknown --parse-mode is bad usage (exit 2)", async () => {
    const r = await replies(["add", "--title", "T", "--text", "x", "--parse-mode", "markdown"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Allowed choices are HTML, MarkdownV2, none/);
  });

  test("Ctrl+C in a prompt: exit 130 and the file is untouched", async () => {
    await seed();
    const before = await read();
    const r = await replies(["add"], { tty: true, answers: ["Nova resposta", undefined, CTRL_C] });
    assert.equal(r.code, 130);
    assert.equal(r.stdout, "");
    assert.equal(await read(), before);
    assert.deepEqual(await readdir(dir), ["replies.yaml"]);
  });

  test("a JSON replies file is kept JSON, pretty-printed", async () => {
    await seed('[{"id": "a", "title": "A", "text": "t"}]', "replies.json");
    const r = await run(["replies", "add", "--file", "replies.json", "--id", "b", "--title", "B", "--text", "u"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      await read("replies.json"),
      '[\n  {\n    "id": "a",\n    "title": "A",\n    "text": "t"\n  },\n  {\n    "id": "b",\n    "title": "B",\n    "text": "u"\n  }\n]\n',
    );
  });
});

describe("the file stays in the style people write it", () => {
  test("from the file init writes ([]) through add, edit and remove: block style, | for multi-line texts, comments kept", async () => {
    const { saveReplies } = await import("../../../src/replies/index.ts");
    await saveReplies(file(), []); // what `clientes init` leaves
    await writeFile(file(), (await read()) + "# keep this note\n");
    assert.equal((await replies(["add", "--title", "Termos", "--text", "-"], { stdin: "Linha um\nLinha dois: com dois pontos\n" })).code, 0);
    assert.equal((await replies(["add", "--title", "Horário", "--text", "Das 9h às 18h.", "--tags", "expediente,hora"])).code, 0);
    assert.equal((await replies(["add", "--title", "Pix", "--text", "A chave é 123."])).code, 0);
    assert.equal((await replies(["edit", "pix", "--text", "A chave é 123.\nObrigado!"])).code, 0);
    assert.equal((await replies(["remove", "horario", "--yes"])).code, 0);
    const text = await read();
    assert.doesNotMatch(text, /\[\s*\{|\{\s*id:/, "no flow-style entries");
    assert.match(text, /^# Canned replies for clientes/m, "the header comment stays");
    assert.match(text, /^# keep this note$/m, "the user's comment stays");
    assert.match(text, /^- id: termos\n {2}title: Termos\n {2}text: \|-?\n {4}Linha um\n {4}Linha dois: com dois pontos\n/m);
    assert.match(text, /^- id: pix\n {2}title: Pix\n {2}text: \|-?\n {4}A chave é 123\.\n {4}Obrigado!/m);
    assert.doesNotMatch(text, /horario/);
    assert.deepEqual(JSON.parse((await replies(["list", "--json"])).stdout).map((r: { id: string }) => r.id), ["termos", "pix"]);
  });

  test("a hand-written one-line flow list becomes one entry per item on the next add", async () => {
    await seed("# mine\n[{id: a, title: A, text: t}]\n");
    assert.equal((await replies(["add", "--title", "B", "--text", "u"])).code, 0);
    assert.equal(await read(), "# mine\n- id: a\n  title: A\n  text: t\n- id: b\n  title: B\n  text: u\n");
  });
});

describe("replies edit", () => {
  test("with flags: only the given fields change; comments stay", async () => {
    await seed();
    const r = await replies(["edit", "horario", "--text", "Das 8h às 20h.", "--tags", "expediente,horas"]);
    assert.equal(r.code, 0, r.stderr);
    const after = await read();
    assert.match(after, /# horário comercial\n- id: horario # usado nos treinamentos\n  title: "Horário de atendimento"\n  text: "Das 8h às 20h."\n  tags: \[expediente, horas\]\n/);
    assert.match(after, /^# Respostas da equipe\n/);
    assert.match(after, /# pagamento\n- id: pix\n/);
  });

  test("--id renames, keeping the entry's comments; --tags \"\" removes tags; --parse-mode none clears it", async () => {
    await seed();
    const r = await replies(["edit", "horario", "--id", "expediente", "--tags", ""]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /renamed from "horario"/);
    const after = await read();
    assert.match(after, /# horário comercial\n- id: expediente # usado nos treinamentos\n/);
    assert.doesNotMatch(after, /tags:/);
    assert.equal((await replies(["edit", "pix", "--parse-mode", "HTML"])).code, 0);
    assert.match(await read(), /parse_mode: HTML/);
    assert.equal((await replies(["edit", "pix", "--parse-mode", "none"])).code, 0);
    assert.doesNotMatch(await read(), /parse_mode/);
  });

  test("renaming onto an existing id is refused (exit 1)", async () => {
    await seed();
    const before = await read();
    const r = await replies(["edit", "horario", "--id", "pix"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /id "pix" already exists/);
    assert.equal(await read(), before);
  });

  test("in a terminal: asks every field with the current value as default", async () => {
    await seed();
    const r = await replies(["edit", "pix"], { tty: true, answers: [undefined, undefined, "HTML", "Chave: <b>CNPJ</b>\\nObrigado!", "pagamento"] });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.prompter.asked.map((q) => q.split(/[ ,(]/)[0]), ["Title", "Id", "Formatting", "Text", "Tags"]);
    const pix = JSON.parse((await replies(["list", "--json"])).stdout)[1];
    assert.deepEqual(pix, { id: "pix", title: "Pix", text: "Chave: <b>CNPJ</b>\nObrigado!", tags: ["pagamento"], parse_mode: "HTML" });
  });

  test("in a terminal, keeping every value changes nothing and writes nothing", async () => {
    await seed();
    const before = await read();
    const r = await replies(["edit", "horario"], { tty: true, answers: [undefined, undefined, undefined, undefined, undefined] });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /nothing changed/);
    assert.equal(await read(), before);
  });

  test("without a TTY and without flags: exit 2 naming the flags", async () => {
    await seed();
    const r = await replies(["edit", "pix"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /missing --title, --text, --tags, --parse-mode or --id/);
  });

  test("an unknown id: exit 1 with a suggestion", async () => {
    await seed();
    const r = await replies(["edit", "hora", "--title", "x"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error: no reply with id "hora" in replies\.yaml\nhint: did you mean "horario" \("Horário de atendimento"\)\?/);
    const typo = await replies(["edit", "horaro", "--title", "x"]);
    assert.match(typo.stderr, /hint: did you mean "horario" /, "a typo, not only a prefix");
    const title = await replies(["remove", "Pix", "--yes"]);
    assert.equal(title.code, 1);
    assert.match(title.stderr, /error: no reply with id "Pix".*\nhint: did you mean "pix" \("Pix"\)\?/);
    const far = await replies(["remove", "zzzz", "--yes"]);
    assert.match(far.stderr, /hint: see the ids with: clientes replies list/);
  });

  test("Ctrl+C: exit 130, file untouched", async () => {
    await seed();
    const before = await read();
    const r = await replies(["edit", "pix"], { tty: true, answers: ["Novo título", CTRL_C] });
    assert.equal(r.code, 130);
    assert.equal(await read(), before);
  });
});

describe("replies remove", () => {
  test("--yes removes without asking; the other entries keep their comments", async () => {
    await seed();
    const r = await replies(["remove", "horario", "--yes"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /✓ removed "horario"/);
    const after = await read();
    assert.equal(after, "# Respostas da equipe\n\n# pagamento\n- id: pix\n  title: Pix\n  text: \"Nossa chave Pix é o CNPJ.\"\n");
  });

  test("in a terminal it asks; yes removes, no keeps", async () => {
    await seed();
    const before = await read();
    const no = await replies(["remove", "pix"], { tty: true, answers: [false] });
    assert.equal(no.code, 0);
    assert.match(no.prompter.asked[0] ?? "", /^Remove "pix" \("Pix"\)/);
    assert.match(no.stderr, /nothing removed/);
    assert.equal(await read(), before);
    const yes = await replies(["rm", "pix"], { tty: true, answers: [true] });
    assert.equal(yes.code, 0);
    assert.doesNotMatch(await read(), /id: pix/);
  });

  test("without a TTY and without --yes: exit 2 naming --yes", async () => {
    await seed();
    const r = await replies(["remove", "pix"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /missing --yes/);
    assert.match(await read(), /id: pix/);
  });

  test("Ctrl+C at the confirmation: exit 130, file untouched", async () => {
    await seed();
    const before = await read();
    const r = await replies(["remove", "pix"], { tty: true, answers: [CTRL_C] });
    assert.equal(r.code, 130);
    assert.equal(await read(), before);
  });

  test("works on a JSON file", async () => {
    await seed('[{"id": "a", "title": "A", "text": "t"}, {"id": "b", "title": "B", "text": "u"}]', "r.json");
    const r = await run(["replies", "remove", "a", "--yes", "--file", "r.json"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await read("r.json"), '[\n  {\n    "id": "b",\n    "title": "B",\n    "text": "u"\n  }\n]\n');
  });
});

describe("replies import", () => {
  test("merges by id: new ones added, identical ones unchanged", async () => {
    await seed();
    await seed(
      '[{"id": "pix", "title": "Pix", "text": "Nossa chave Pix é o CNPJ."}, {"id": "boleto", "title": "Boleto", "text": "Vence em 3 dias."}]',
      "more.json",
    );
    const r = await replies(["import", "more.json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /1 added, 0 updated, 1 unchanged/);
    const ids = JSON.parse((await replies(["list", "--json"])).stdout).map((x: { id: string }) => x.id);
    assert.deepEqual(ids, ["horario", "pix", "boleto"]);
    assert.match(await read(), /# horário comercial\n/);
  });

  test("id conflicts are refused and listed unless --overwrite", async () => {
    await seed();
    const before = await read();
    await seed("- id: pix\n  title: Pix novo\n  text: x\n- id: horario\n  title: H\n  text: y\n- id: novo\n  title: N\n  text: z\n", "more.yaml");
    const r = await replies(["import", "more.yaml"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /2 ids already exist in replies\.yaml with different content: pix, horario/);
    assert.match(r.stderr, /hint: pass --overwrite .* or --replace/);
    assert.equal(await read(), before);

    const o = await replies(["import", "more.yaml", "--overwrite"]);
    assert.equal(o.code, 0, o.stderr);
    assert.match(o.stderr, /1 added, 2 updated, 0 unchanged/);
    const list = JSON.parse((await replies(["list", "--json"])).stdout);
    assert.deepEqual(list.map((x: { id: string; title: string }) => `${x.id}:${x.title}`), ["horario:H", "pix:Pix novo", "novo:N"]);
  });

  test("--replace replaces the whole list", async () => {
    await seed();
    await seed("- id: unica\n  title: Única\n  text: só esta\n", "more.yaml");
    const r = await replies(["import", "more.yaml", "--replace"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /1 added, 0 updated, 0 unchanged, 2 removed/);
    assert.deepEqual(JSON.parse((await replies(["list", "--json"])).stdout), [{ id: "unica", title: "Única", text: "só esta" }]);
  });

  test("every bad entry is reported by position, and nothing is written", async () => {
    await seed();
    const before = await read();
    await seed(
      "- id: ok\n  title: Ok\n  text: fine\n- id: sem-titulo\n  text: x\n- id: ok\n  title: Dup\n  text: y\n- title: Sem id\n  text: z\n",
      "bad.yaml",
    );
    const r = await replies(["import", "bad.yaml"]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      [
        'error: bad.yaml: entry 2 (id "sem-titulo"): title is required',
        'error: bad.yaml: entry 3 (id "ok"): duplicate id: entry 1 already uses it',
        "error: bad.yaml: entry 4: id is required",
        "",
      ].join("\n"),
    );
    assert.equal(await read(), before);
  });

  test("invalid YAML is reported with its line, nothing written", async () => {
    await seed();
    const before = await read();
    await seed("- id: a\n  title: A\n  text: t\n- id: b\n  title: \"unclosed\n  text: u\n", "bad.yaml");
    const r = await replies(["import", "bad.yaml"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: bad\.yaml: line \d+, column \d+: invalid YAML: /);
    assert.equal(await read(), before);
  });

  test("a missing file to import: exit 1", async () => {
    const r = await replies(["import", "nope.yaml"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /nope\.yaml: file not found/);
  });
});

describe("replies export", () => {
  test("without FILE: JSON on stdout", async () => {
    await seed();
    const r = await replies(["export"]);
    assert.equal(r.code, 0);
    assert.equal(JSON.parse(r.stdout).length, 2);
    assert.equal(r.stderr, "");
  });

  test("to a .json or .yaml file, by extension; the export reads back the same", async () => {
    await seed();
    assert.equal((await replies(["export", "out.json"])).code, 0);
    assert.deepEqual(JSON.parse(await read("out.json")), JSON.parse((await replies(["list", "--json"])).stdout));
    assert.equal((await replies(["export", "out.yml"])).code, 0);
    const back = await run(["replies", "list", "--json", "--file", "out.yml"], { cwd: dir });
    assert.equal(back.stdout, (await replies(["list", "--json"])).stdout);
  });

  test("an existing destination needs --yes without a TTY", async () => {
    await seed();
    await seed("keep me", "out.json");
    const r = await replies(["export", "out.json"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /missing --yes/);
    assert.equal(await read("out.json"), "keep me");
    assert.equal((await replies(["export", "out.json", "--yes"])).code, 0);
    assert.equal(JSON.parse(await read("out.json")).length, 2);
  });

  test("an unsupported extension is bad usage", async () => {
    await seed();
    const r = await replies(["export", "out.txt"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unsupported file type "\.txt"/);
  });
});

describe("which replies file", () => {
  const config = (replies: string) =>
    `bot:\n  token: "${TOKEN}"\nchannel: -1001234567890\ngroup: -1009876543210\nreplies: "${replies}"\n`;

  test("without --file, `replies` from --config, relative to the config's folder", async () => {
    await mkdir(join(dir, "etc"));
    await writeFile(join(dir, "etc", "config.yaml"), config("data/respostas.yaml"));
    const r = await run(["--config", "etc/config.yaml", "replies", "add", "--title", "Oi", "--text", "Olá"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(await readFile(join(dir, "etc", "data", "respostas.yaml"), "utf8"), /- id: oi\n/);
  });

  test("env CLIENTES_CONFIG works too", async () => {
    await writeFile(join(dir, "c.yaml"), config("r.json"));
    await seed('[{"id": "a", "title": "A", "text": "t"}]', "r.json");
    const r = await run(["replies", "list", "--json"], { cwd: dir, env: { CLIENTES_CONFIG: "c.yaml" } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [{ id: "a", title: "A", text: "t", uses: 0, last_used: null }], "the config's replies, with their usage (no store yet)");
  });

  test("no config and no --file: exit 2, with a hint to pass --file", async () => {
    const r = await run(["replies", "list"], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: config\.yaml: config file not found/);
    assert.match(r.stderr, /hint: or pass --file PATH/);
  });

  test("a replies file with an unsupported extension is bad usage", async () => {
    const r = await run(["replies", "list", "--file", "replies.txt"], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unsupported file type/);
  });
});
