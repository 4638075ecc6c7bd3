import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../../src/config/errors.ts";
import { givenConfigPath, loadConfig, resolveConfigPath } from "../../src/config/load.ts";
import { parseConfig } from "../../src/config/parse.ts";
import { OPTIONAL_TEXT_KEYS, TEXT_KEYS } from "../../src/texts.ts";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const VALID = `bot:\n  token: "${TOKEN}"\nchannel: -1001234567890\ngroup: -1009876543210\n`;
const EXAMPLE = fileURLToPath(new URL("../../config.example.yaml", import.meta.url));

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "clientes-config-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test("the config path comes from --config, then CLIENTES_CONFIG, then ./config.yaml", () => {
  const env = { CLIENTES_CONFIG: "/etc/clientes.yaml" };
  assert.equal(resolveConfigPath({ configPath: "my.yaml", env, cwd: "/srv" }), "/srv/my.yaml");
  assert.equal(resolveConfigPath({ env, cwd: "/srv" }), "/etc/clientes.yaml");
  assert.equal(resolveConfigPath({ env: {}, cwd: "/srv" }), "/srv/config.yaml");
  assert.equal(resolveConfigPath({ configPath: "", env: { CLIENTES_CONFIG: "" }, cwd: "/srv" }), "/srv/config.yaml");
  assert.equal(givenConfigPath({ configPath: "../c.yaml", env, cwd: "/srv" }), "../c.yaml");
});

test("store and replies resolve against the config file's folder, not the working folder", async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, "conf"));
  await writeFile(join(dir, "conf", "bot.yaml"), `${VALID}store: state/s.json\nreplies: ../shared/r.yml\n`);
  const config = await loadConfig({ configPath: "conf/bot.yaml", env: {}, cwd: dir });
  assert.equal(config.path, join(dir, "conf", "bot.yaml"));
  assert.equal(config.store, join(dir, "conf", "state", "s.json"));
  assert.equal(config.replies, join(dir, "shared", "r.yml"));
});

test("a missing config says how to create one, naming the path as given", async (t) => {
  const dir = await tempDir(t);
  await assert.rejects(loadConfig({ env: {}, cwd: dir }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.message, `config.yaml: config file not found (${join(dir, "config.yaml")})`);
    assert.match(err.hint ?? "", /clientes init/);
    assert.match(err.hint ?? "", /--config/);
    return true;
  });
  await assert.rejects(loadConfig({ env: { CLIENTES_CONFIG: "x/y.yaml" }, cwd: dir }), /x\/y\.yaml: config file not found .*given by env CLIENTES_CONFIG/);
  await assert.rejects(loadConfig({ configPath: dir, env: {}, cwd: "/" }), /is a folder, not a config file/);
});

test("a loaded config reports problems with the file named as given", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "config.yaml"), VALID.replace("channel: -1001234567890", "chanel: -1001234567890"));
  await assert.rejects(loadConfig({ env: {}, cwd: dir }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.deepEqual(err.message.split("\n"), [
      'config.yaml: chanel: unknown key; did you mean "channel"?',
      `config.yaml: channel: missing; expected the support channel: a chat id like -1001234567890 or "@name"`,
    ]);
    return true;
  });
});

test("config.example.yaml parses (token from env) and documents every key", async () => {
  const source = await readFile(EXAMPLE, "utf8");
  const config = parseConfig(source, "config.example.yaml", { CLIENTES_BOT_TOKEN: TOKEN }, "/srv");
  assert.equal(config.bot.token, TOKEN);
  assert.equal(config.store, "/srv/data/clientes.json");
  assert.deepEqual(config.staff, [{ id: 111111111, name: "Ana", notify: true }]);

  for (const key of ["token", "api_root", "channel", "group", "store", "replies", "staff", "locale", "locale_per_customer", "note_prefix", "retention_days", "signatures", "coalesce", "log_level", "log_format", "poll_timeout", "request_timeout", "guard_group"]) {
    const line = new RegExp(`^\\s*${key}:`, "m");
    assert.match(source, line, `${key} is in the example`);
    const at = source.split("\n").findIndex((l) => line.test(l));
    assert.match(source.split("\n")[at - 1] ?? "", /^\s*#/, `${key} has a comment above it`);
  }
  // The commented texts: example holds real text names and is valid once uncommented.
  const lines = source.split("\n");
  const texts: string[] = [];
  for (let i = lines.indexOf("# texts:"); i >= 0 && i < lines.length && /^# {0,3}(texts:|  \w+:)/.test(lines[i]!); i++) texts.push(lines[i]!.slice(2));
  assert.ok(texts.length >= 3, "a texts: example with a couple of keys");
  const uncommented = parseConfig(`${source}\n${texts.join("\n")}\n`, "config.example.yaml", { CLIENTES_BOT_TOKEN: TOKEN }, "/srv");
  assert.ok(Object.keys(uncommented.texts).length >= 2);
  for (const key of Object.keys(uncommented.texts)) assert.ok(([...TEXT_KEYS, ...OPTIONAL_TEXT_KEYS] as string[]).includes(key));
  assert.ok(uncommented.textsByLocale.en?.welcome, "and the other locale's own overrides");
});

test("without a token anywhere, the example says where to put one", async () => {
  const source = await readFile(EXAMPLE, "utf8");
  assert.throws(() => parseConfig(source, "config.yaml", {}, "/srv"), /bot\.token: missing; .*CLIENTES_BOT_TOKEN/);
});
