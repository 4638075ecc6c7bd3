import assert from "node:assert/strict";
import { chmod, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { RepliesError } from "../../src/replies/errors.ts";
import { loadReplies, repliesFormat, saveReplies } from "../../src/replies/file.ts";
import type { Reply } from "../../src/replies/types.ts";

const COMMENTED = `# Respostas prontas da equipe
# (mantidas à mão e pelo CLI)

# horário comercial
- id: horario   # não mudar: usado nos treinamentos
  title: "Horário de atendimento"  # o que a equipe vê
  text: "Atendemos de segunda a sexta, das 9h às 18h."
  tags: [expediente]

# pagamento
- id: pix
  title: Pix
  text: |
    Nossa chave Pix é a do CNPJ.
    Qualquer dúvida, é só perguntar.
  parse_mode: HTML
`;

describe("replies file", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "clientes-replies-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test("a missing file is an empty list", async () => {
    assert.deepEqual(await loadReplies(join(dir, "none.yaml")), []);
  });

  test("the format comes from the extension", () => {
    assert.equal(repliesFormat("a/replies.yaml"), "yaml");
    assert.equal(repliesFormat("a/replies.YML"), "yaml");
    assert.equal(repliesFormat("a/replies.json"), "json");
    assert.throws(() => repliesFormat("a/replies.txt"), (err: unknown) => err instanceof RepliesError && /unsupported file type ".txt"/.test(err.message));
  });

  test("errors name the file as the caller labels it", async () => {
    const path = join(dir, "bad.yaml");
    await writeFile(path, "- id: x\n  title: T\n");
    await assert.rejects(loadReplies(path, { label: "bad.yaml" }), { message: 'bad.yaml: entry 1 (id "x"): text is required' });
  });

  test("editing a YAML file keeps its comments, order and quoting", async () => {
    const path = join(dir, "commented.yaml");
    await writeFile(path, COMMENTED);
    const replies = await loadReplies(path);
    const [horario, pix] = replies as [Reply, Reply];
    await saveReplies(path, [
      { ...horario, text: "Atendemos de segunda a sábado, das 9h às 18h." },
      { ...pix, tags: ["pagamento"] },
      { id: "novo", title: "Novo", text: "linha 1\nlinha 2" },
    ]);
    const after = await readFile(path, "utf8");
    assert.equal(
      after,
      `# Respostas prontas da equipe
# (mantidas à mão e pelo CLI)

# horário comercial
- id: horario # não mudar: usado nos treinamentos
  title: "Horário de atendimento" # o que a equipe vê
  text: "Atendemos de segunda a sábado, das 9h às 18h."
  tags: [expediente]

# pagamento
- id: pix
  title: Pix
  text: |
    Nossa chave Pix é a do CNPJ.
    Qualquer dúvida, é só perguntar.
  tags: [pagamento]
  parse_mode: HTML

- id: novo
  title: Novo
  text: |-
    linha 1
    linha 2
`,
    );
    assert.equal((await loadReplies(path))[2]?.text, "linha 1\nlinha 2");
  });

  test("removing the first entry keeps the file's header comment", async () => {
    const path = join(dir, "header.yaml");
    await writeFile(path, COMMENTED);
    const [, pix] = (await loadReplies(path)) as [Reply, Reply];
    await saveReplies(path, [pix]);
    const after = await readFile(path, "utf8");
    assert.match(after, /^# Respostas prontas da equipe\n# \(mantidas à mão e pelo CLI\)\n\n# pagamento\n- id: pix\n/);
    assert.doesNotMatch(after, /horário comercial/);
  });

  test("a renamed entry keeps its comments", async () => {
    const path = join(dir, "rename.yaml");
    await writeFile(path, COMMENTED);
    const [horario, pix] = (await loadReplies(path)) as [Reply, Reply];
    await saveReplies(path, [{ ...horario, id: "expediente" }, pix], { renamed: { expediente: "horario" } });
    const after = await readFile(path, "utf8");
    assert.match(after, /# horário comercial\n- id: expediente # não mudar: usado nos treinamentos\n/);
  });

  test("a new YAML file starts with a short explanation and uses flow tags", async () => {
    const path = join(dir, "sub", "fresh.yml");
    await saveReplies(path, [{ id: "a", title: "A", text: "t", tags: ["x", "y"] }]);
    const text = await readFile(path, "utf8");
    assert.match(text, /^# Canned replies for clientes/);
    assert.match(text, /- id: a\n  title: A\n  text: t\n  tags: \[x, y\]\n$/);
  });

  test("JSON is written pretty with 2 spaces, keys in file order", async () => {
    const path = join(dir, "replies.json");
    await saveReplies(path, [{ parse_mode: "HTML", text: "<b>t</b>", title: "T", id: "t" } as Reply]);
    assert.equal(
      await readFile(path, "utf8"),
      '[\n  {\n    "id": "t",\n    "title": "T",\n    "text": "<b>t</b>",\n    "parse_mode": "HTML"\n  }\n]\n',
    );
    assert.deepEqual(await loadReplies(path), [{ id: "t", title: "T", text: "<b>t</b>", parse_mode: "HTML" }]);
  });

  test("writes are atomic: no temp file is left and the mode is kept", async () => {
    const sub = await mkdtemp(join(dir, "atomic-"));
    const path = join(sub, "replies.yaml");
    await writeFile(path, "[]\n");
    await chmod(path, 0o600);
    await saveReplies(path, [{ id: "a", title: "A", text: "t" }]);
    assert.deepEqual(await readdir(sub), ["replies.yaml"]);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
  });

  test("a symlinked replies file stays a symlink; its target is updated", async () => {
    const sub = await mkdtemp(join(dir, "link-"));
    const real = join(sub, "real.yaml");
    const link = join(sub, "replies.yaml");
    await writeFile(real, "[]\n");
    await symlink(real, link);
    await saveReplies(link, [{ id: "a", title: "A", text: "t" }]);
    assert.ok((await stat(link)).isFile());
    assert.equal((await loadReplies(real)).length, 1);
    const { lstat } = await import("node:fs/promises");
    assert.ok((await lstat(link)).isSymbolicLink());
  });

  test("a YAML file that became invalid is never overwritten", async () => {
    const path = join(dir, "broken.yaml");
    await writeFile(path, "- id: a\n  title: [oops\n");
    await assert.rejects(saveReplies(path, [{ id: "b", title: "B", text: "t" }]), RepliesError);
    assert.equal(await readFile(path, "utf8"), "- id: a\n  title: [oops\n");
  });
});
