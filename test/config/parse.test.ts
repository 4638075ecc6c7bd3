import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../src/config/errors.ts";
import { parseConfig } from "../../src/config/parse.ts";
import { OPTIONAL_TEXT_KEYS, TEXT_KEYS } from "../../src/texts.ts";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const SECRET = TOKEN.split(":")[1]!;
const VALID = `bot:\n  token: "${TOKEN}"\nchannel: -1001234567890\ngroup: -1009876543210\n`;

/** The valid config with one top-level key (and its indented block) replaced by `line`. */
function withKey(line: string): string {
  const key = line.split(":")[0]!;
  const kept: string[] = [];
  let skipping = false;
  for (const l of VALID.trimEnd().split("\n")) {
    if (!l.startsWith(" ")) skipping = l.startsWith(`${key}:`);
    if (!skipping) kept.push(l);
  }
  return `${kept.join("\n")}\n${line}\n`;
}

/** The ConfigError a source produces (fails the test if it parses). */
function errorOf(source: string, env: Record<string, string | undefined> = {}, file = "config.yaml"): ConfigError {
  try {
    parseConfig(source, file, env, "/srv/app");
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err;
  }
  assert.fail("expected a ConfigError");
}

test("a minimal config gets every default, with paths next to the config file", () => {
  const config = parseConfig(VALID, "conf/config.yaml", {}, "/srv/app");
  assert.deepEqual(config, {
    path: "/srv/app/conf/config.yaml",
    bot: { token: TOKEN, apiRoot: "https://api.telegram.org" },
    channel: -1001234567890,
    group: -1009876543210,
    store: "/srv/app/conf/data/clientes.json",
    replies: "/srv/app/conf/replies.yaml",
    staff: [],
    locale: "pt-BR",
    texts: {},
    textsByLocale: {},
    localePerCustomer: true,
    notePrefix: "#",
    retentionDays: 30,
    signatures: false,
    csat: false,
    coalesce: true,
    logLevel: "info",
    logFormat: "text",
    pollTimeout: 25,
    requestTimeout: 20,
    guardGroup: true,
  });
});

test("every key is read, and absolute paths stay as written", () => {
  const config = parseConfig(
    `bot:
  token: ${TOKEN}
  api_root: "http://127.0.0.1:8081/"
channel: "@suporte_loja"
group: "-1009876543210"
store: /var/lib/clientes/store.json
replies: canned/replies.JSON
staff:
  - id: 111111111
    name: " Ana "
  - id: "222222222"
locale: en
texts:
  welcome: "Hi {first_name}!"
  closing: ""
note_prefix: "!!"
retention_days: 7
signatures: true
csat: true
coalesce: false
log_level: debug
log_format: json
poll_timeout: 0
request_timeout: 5
`,
    "/etc/clientes/config.yaml",
    {},
  );
  assert.equal(config.bot.apiRoot, "http://127.0.0.1:8081", "trailing slash removed");
  assert.equal(config.channel, "@suporte_loja");
  assert.equal(config.group, -1009876543210, "a numeric string is a number");
  assert.equal(config.store, "/var/lib/clientes/store.json");
  assert.equal(config.replies, "/etc/clientes/canned/replies.JSON");
  assert.deepEqual(config.staff, [{ id: 111111111, name: "Ana" }, { id: 222222222 }]);
  assert.equal(config.locale, "en");
  assert.deepEqual(config.texts, { welcome: "Hi {first_name}!", closing: "" });
  assert.equal(config.notePrefix, "!!");
  assert.equal(config.retentionDays, 7);
  assert.equal(config.signatures, true);
  assert.equal(config.csat, true);
  assert.equal(config.coalesce, false);
  assert.equal(config.logLevel, "debug");
  assert.equal(config.logFormat, "json");
  assert.equal(config.pollTimeout, 0);
  assert.equal(config.requestTimeout, 5);
});

test("a wrong value names the file, the key, what was expected and what was found", () => {
  const err = errorOf(VALID.replace("channel: -1001234567890", 'channel: "abc"'));
  assert.equal(err.message, 'config.yaml: channel: expected a chat id like -1001234567890 or "@name", got "abc"');
  assert.equal(err.file, "config.yaml");
  assert.equal(err.key, "channel");
  assert.match(err.hint ?? "", /config\.example\.yaml/);
});

test("the file is named as the user gave it", () => {
  const err = errorOf(VALID.replace("group: -1009876543210", "group: x"), {}, "./conf/my.yaml");
  assert.match(err.message, /^\.\/conf\/my\.yaml: group: /);
});

test("missing required keys are all reported, each on its own line", () => {
  const err = errorOf("locale: en\n");
  assert.deepEqual(err.message.split("\n"), [
    "config.yaml: bot.token: missing; expected the bot token from @BotFather (or set env CLIENTES_BOT_TOKEN)",
    `config.yaml: channel: missing; expected the support channel: a chat id like -1001234567890 or "@name"`,
    `config.yaml: group: missing; expected the channel's linked discussion group: a chat id like -1001234567890 or "@name"`,
  ]);
  assert.equal(errorOf("").problems.length, 3, "an empty file says what it needs");
});

test("wrong types and out-of-range values", () => {
  const cases: Array<[string, string]> = [
    ["bot: yes", 'bot: expected a mapping with token and api_root, got "yes"\nconfig.yaml: bot.token: missing; expected the bot token from @BotFather (or set env CLIENTES_BOT_TOKEN)'],
    ["retention_days: 0", "retention_days: expected a whole number of days, 1 or more, got 0"],
    ["retention_days: 1.5", "retention_days: expected a whole number of days, 1 or more, got 1.5"],
    ['retention_days: "30"', 'retention_days: expected a whole number of days, 1 or more, got "30"'],
    ["poll_timeout: 51", "poll_timeout: expected a whole number of seconds from 0 to 50, got 51"],
    ["poll_timeout: -1", "poll_timeout: expected a whole number of seconds from 0 to 50, got -1"],
    ["request_timeout: 0", "request_timeout: expected a whole number of seconds from 1 to 59, got 0"],
    ["request_timeout: 60", "request_timeout: expected a whole number of seconds from 1 to 59, got 60"],
    ["signatures: yes", 'signatures: expected true or false, got "yes" (write true or false)'],
    ["csat: 1", "csat: expected true or false, got 1"],
    ["log_level: verbose", 'log_level: expected "debug", "info", "warn" or "error", got "verbose"'],
    ["log_format: jsn", 'log_format: expected "text" or "json", got "jsn"; did you mean "json"?'],
    ["locale: pt-br", 'locale: expected "pt-BR" or "en", got "pt-br"; did you mean "pt-BR"?'],
    ["locale: [en]", 'locale: expected "pt-BR" or "en", got a list'],
    ["staff: 111", 'staff: expected a list of members like "- id: 111111111", got 111'],
    ["staff:\n  - 111", 'staff[0]: expected a member like {id: 111111111, name: "Ana"}, got 111'],
    ["staff:\n  - name: Ana", "staff[0].id: missing; expected a Telegram user id (a positive whole number like 111111111)"],
    ["staff:\n  - id: -5", "staff[0].id: expected a Telegram user id (a positive whole number like 111111111), got -5 (negative ids are chats; staff are people)"],
    ["staff:\n  - id: 1\n    name: 7", "staff[0].name: expected a non-empty name, got 7"],
    ["staff:\n  - id: 5\n  - id: 6\n  - id: 5", "staff[2].id: 5 is already listed as staff[0].id; each member once"],
    ["texts: hello", 'texts: expected a mapping of text name to text, like welcome: "Hi!", got "hello"'],
    ["texts:\n  welcome: [a]", "texts.welcome: expected a text (a string; quote it if it has : or #), got a list"],
    ["note_prefix: #", 'note_prefix: expected a non-empty prefix like "#", got nothing (quote it: note_prefix: "#"; an unquoted # starts a YAML comment)'],
    ['note_prefix: "/n"', 'note_prefix: expected a non-empty prefix like "#", got "/n" (a / starts a bot command)'],
    ["store: 5", "store: expected a file path like data/clientes.json, got 5"],
    ["store: ~/data/c.json", 'store: expected a file path like data/clientes.json, got "~/data/c.json" (~ is not expanded: write the full path, or one relative to the config file)'],
    ["replies: replies.txt", 'replies: expected a .yaml, .yml or .json file (the extension picks the format), got "replies.txt"'],
    ['channel: "@abc"', 'channel: expected a chat id like -1001234567890 or "@name", got "@abc"'],
    ["channel: 1.5", 'channel: expected a chat id like -1001234567890 or "@name", got 1.5'],
    ["channel: 0", 'channel: expected a chat id like -1001234567890 or "@name", got 0'],
    ["channel: suporte_loja", 'channel: expected a chat id like -1001234567890 or "@name", got "suporte_loja" (a public name starts with @: "@suporte_loja")'],
    ["channel: https://t.me/suporte_loja", 'channel: expected a chat id like -1001234567890 or "@name", got "https://t.me/suporte_loja" (write the link\'s name: "@suporte_loja")'],
    ["group: -1001234567890", "group: must be the channel's linked discussion group, not the channel itself"],
  ];
  for (const [line, expected] of cases) {
    const err = errorOf(withKey(line));
    assert.equal(err.message, `config.yaml: ${expected}`, line);
  }
});

test("long values are cut short in messages", () => {
  const err = errorOf(VALID.replace("channel: -1001234567890", `channel: "${"x".repeat(200)}"`));
  assert.ok(err.message.length < 150, err.message);
  assert.match(err.message, /got "x{40}…"$/);
});

test("unknown keys are reported with the key they most likely meant", () => {
  const err = errorOf(
    `${VALID}chanel: 1\nretentionDays: 3\ntoken: x\nfoo: 1\nbot2: {}\nstaff:\n  - id: 1\n    nmae: Ana\n`.replace(
      "bot:\n",
      "bot:\n  tokn: x\n",
    ),
  );
  const lines = err.message.split("\n");
  assert.ok(lines.includes('config.yaml: chanel: unknown key; did you mean "channel"?'), err.message);
  assert.ok(lines.includes('config.yaml: retentionDays: unknown key; did you mean "retention_days"?'), err.message);
  assert.ok(lines.includes('config.yaml: token: unknown key; did you mean "bot.token"? (indent it under bot:)'), err.message);
  assert.ok(lines.includes('config.yaml: bot.tokn: unknown key; did you mean "token"?'), err.message);
  assert.ok(lines.includes('config.yaml: staff[0].nmae: unknown key; did you mean "name"?'), err.message);
  assert.ok(
    lines.includes(
      "config.yaml: foo: unknown key; valid keys: bot, channel, group, store, replies, staff, locale, locale_per_customer, texts, note_prefix, retention_days, signatures, csat, coalesce, log_level, log_format, poll_timeout, request_timeout, hours, sla, webhook, guard_group",
    ),
    err.message,
  );
  assert.ok(lines.some((l) => l.startsWith("config.yaml: bot2: unknown key; did you mean \"bot\"?")), err.message);
});

test("an unknown text is an error that lists the valid ones", () => {
  const err = errorOf(`${VALID}texts:\n  welcom: Oi\n`);
  assert.equal(err.message, `config.yaml: texts.welcom: unknown text; did you mean "welcome"?; valid texts: ${[...TEXT_KEYS, ...OPTIONAL_TEXT_KEYS].join(", ")} (or a locale, pt-BR or en, holding texts for that locale's customers)`);
});

test("texts.<locale> holds one locale's customer texts; locale_per_customer turns per-customer languages off", () => {
  const config = parseConfig(`${VALID}locale_per_customer: false\ntexts:\n  welcome: Oi!\n  en:\n    welcome: Hi!\n    closing: Bye\n`, "config.yaml", {}, "/srv");
  assert.deepEqual(config.texts, { welcome: "Oi!" });
  assert.deepEqual(config.textsByLocale, { en: { welcome: "Hi!", closing: "Bye" } });
  assert.equal(config.localePerCustomer, false);
  const err = errorOf(`${VALID}texts:\n  en:\n    welcom: Hi\n  es:\n    welcome: Hola\n`);
  assert.match(err.message, /texts\.en\.welcom: unknown text; did you mean "welcome"\?/);
  assert.match(err.message, /texts\.es: unknown text; did you mean "en"\?/);
  assert.match(errorOf(`${VALID}locale_per_customer: yes\n`).message, /locale_per_customer: expected true or false/);
});

test("bad YAML is reported with its line and column", () => {
  const err = errorOf(`${VALID}staff:\n  - id: 1\n   name: Ana\n`);
  assert.match(err.message, /^config\.yaml: line 7, column \d+: invalid YAML: /);
  assert.equal(err.key, undefined);

  const at = errorOf(VALID.replace("channel: -1001234567890", "channel: @suporte"));
  assert.match(at.message, /^config\.yaml: line 3, column 10: invalid YAML: .*reserved character @ \(put the value in quotes, e\.g\. channel: "@name"\)$/);

  const dup = errorOf(`${VALID}channel: -100555\n`);
  assert.match(dup.message, /^config\.yaml: line 5, column 1: invalid YAML: Map keys must be unique/);

  const tabs = errorOf("bot:\n\ttoken: x\n");
  assert.match(tabs.message, /line 2, column 1: .*\(indent with spaces\)/);
  assert.match(errorOf("- a\n- b\n").message, /^config\.yaml: expected a mapping of settings \(key: value lines\), got a list$/);
});

test("an unclosed [ is reported at the line it opens (14), not where the parser noticed (18), once", () => {
  const source = [
    "bot:",
    `  token: "${TOKEN}"`,
    "channel: -1001234567890",
    "group: -1009876543210",
    "",
    "# Who answers customers.",
    "store: data/clientes.json",
    "locale: en",
    "log_level: info",
    "poll_timeout: 30",
    "retention_days: 90",
    "signatures: false",
    "# the staff, by id",
    "staff: [{ id: 111 }, { id: 222 }",
    "",
    "# Texts sent to customers.",
    "",
    "texts:",
    "  welcome: Oi",
    "",
  ].join("\n");
  const err = errorOf(source);
  assert.equal(err.problems.length, 1, err.message);
  assert.match(err.message, /^config\.yaml: line 14, column 8: invalid YAML: the "\[" here is never closed with "\]" \(the parser noticed at line 18: /);

  const quote = errorOf(`${VALID}texts:\n  welcome: "Oi\n  closed: Tchau\nstaff: []\n`);
  assert.match(quote.message, /^config\.yaml: line 6, column 12: invalid YAML: the quote '"' here is never closed with another '"'/);
});

test("a cascade of YAML errors from one typo is reported as the first one, counting the rest", () => {
  const err = errorOf(`${VALID}staff:\n  - id: 1\n\tname: Ana\n  - id: 2\n    name: Bia\n`);
  assert.equal(err.problems.length, 1);
  assert.match(err.message, /^config\.yaml: line 7, column 1: invalid YAML: .*\(the parser found \d+ more problems after it, most likely caused by this one\)$/);
});

test("an alias bomb (billion laughs) is refused with its line and the fix, not expanded", () => {
  const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (const [name, prev] of [["b", "a"], ["c", "b"], ["d", "c"], ["e", "d"]]) laughs.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(",")}]`);
  const err = errorOf(`${VALID}${laughs.join("\n")}\n`);
  assert.match(err.message, /^config\.yaml: line 6, column 8: invalid YAML: its aliases \(\*name\) expand to too much data, as in an "alias bomb"/);
  assert.match(err.hint ?? "", /write the values out instead of repeating them with &anchors and \*aliases/);
});

test("many problems come back together, one line each, in file order", () => {
  const err = errorOf(`bot:\n  token: nope\nchannel: abc\ngroup: 1.5\nchanel: 2\nretention_days: 0\n`);
  assert.deepEqual(
    err.problems.map((p) => p.key),
    ["bot.token", "channel", "group", "chanel", "retention_days"],
  );
  assert.deepEqual(
    err.problems.map((p) => p.line),
    [2, 3, 4, 5, 6],
  );
  const missing = errorOf("store: 5\n");
  assert.deepEqual(
    missing.problems.map((p) => p.key),
    ["store", "bot.token", "channel", "group"],
    "missing keys (nowhere in the file) come last",
  );
  assert.equal(err.message.split("\n").length, 5);
});

test("env CLIENTES_BOT_TOKEN and CLIENTES_API_ROOT win over the file, which may then omit the token", () => {
  const noToken = "channel: -1001\ngroup: -1002\nbot:\n  api_root: https://file.example\n";
  const config = parseConfig(noToken, "config.yaml", { CLIENTES_BOT_TOKEN: TOKEN, CLIENTES_API_ROOT: "http://localhost:9999/" }, "/x");
  assert.equal(config.bot.token, TOKEN);
  assert.equal(config.bot.apiRoot, "http://localhost:9999");

  const fileWins = parseConfig(VALID, "config.yaml", { CLIENTES_BOT_TOKEN: "", CLIENTES_API_ROOT: "" }, "/x");
  assert.equal(fileWins.bot.token, TOKEN, "an empty env var does not count");

  const other = `987654321:${"B".repeat(35)}`;
  assert.equal(parseConfig(VALID, "config.yaml", { CLIENTES_BOT_TOKEN: other }, "/x").bot.token, other);
  const bad = errorOf(VALID, { CLIENTES_BOT_TOKEN: "nope", CLIENTES_API_ROOT: "ftp://x" });
  assert.deepEqual(
    bad.problems.map((p) => p.key),
    ["env CLIENTES_BOT_TOKEN", "env CLIENTES_API_ROOT"],
  );
});

test("api_root must be an http(s) URL", () => {
  for (const root of ["api.telegram.org", "ftp://x.org", "https://x.org/?a=1", "7"]) {
    const err = errorOf(`${VALID.replace("bot:\n", `bot:\n  api_root: ${JSON.stringify(root)}\n`)}`);
    assert.match(err.message, /^config\.yaml: bot\.api_root: expected an http\(s\) URL like https:\/\/api\.telegram\.org, got /, root);
  }
});

test("a malformed token is described without being shown", () => {
  const cases: Array<[string, RegExp]> = [
    ["abcdefghijklmnopqrstuvwxyz0123456789", /has no colon/],
    [`12a:${SECRET}`, /before the colon is not all digits/],
    [`123:${SECRET.slice(0, 20)}`, /after the colon has only 20 characters/],
    [`123:${SECRET}!`, /characters other than letters, digits, _ and -/],
  ];
  for (const [token, why] of cases) {
    const err = errorOf(VALID.replace(TOKEN, token));
    assert.match(err.message, why);
    assert.match(err.message, /^config\.yaml: bot\.token: expected a bot token like 123456789:AAE… \(digits, a colon, then 30 or more letters/);
    assert.ok(!err.message.includes(token.slice(4, 20)), err.message);
  }
});

test("the token never appears in any error text, wherever it was put", () => {
  const sources = [
    VALID.replace("channel: -1001234567890", `channel: "${TOKEN}"`),
    VALID.replace("group: -1009876543210", `group: ${TOKEN}`),
    `${VALID}staff:\n  - id: "${TOKEN}"\n    name: "${TOKEN}"\n`,
    `${VALID}texts:\n  "${TOKEN}": x\n`,
    `${VALID}"${TOKEN}": 1\n`,
    `${VALID}locale: "${TOKEN}"\n`,
    `${VALID}note_prefix: "/${TOKEN}"\n`,
    `${VALID}store: "~${TOKEN}"\n`,
    `${VALID}replies: "${TOKEN}"\n`,
    VALID.replace(TOKEN, `${TOKEN} x`),
    `bot:\n  token: "${TOKEN}"\n  api_root: "${TOKEN}"\n`,
    `bot:\n  token: "${TOKEN}"\n  bad: [\n`,
  ];
  for (const source of sources) {
    const err = errorOf(source);
    const shown = `${err.message}\n${err.hint ?? ""}\n${JSON.stringify(err.problems)}`;
    assert.ok(!shown.includes(SECRET), shown);
    assert.ok(!shown.includes(SECRET.slice(0, 10)), shown);
  }
  const fromEnv = errorOf("channel: 1\n", { CLIENTES_BOT_TOKEN: `${TOKEN}?` });
  assert.ok(!fromEnv.message.includes(SECRET.slice(0, 10)), fromEnv.message);
});

test("staff notify: true turns on private notifications; anything but true/false is an error", () => {
  const ok = parseConfig(`${VALID}staff:\n  - id: 111\n    notify: true\n  - id: 222\n    notify: false\n`, "config.yaml", {});
  assert.deepEqual(ok.staff, [{ id: 111, notify: true }, { id: 222 }]);
  const err = errorOf(`${VALID}staff:\n  - id: 111\n    notify: "yes"\n`);
  assert.match(err.message, /staff\[0\]\.notify: expected true or false, got "yes" \(write true or false\)/);
});
