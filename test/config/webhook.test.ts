import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError } from "../../src/config/errors.ts";
import { parseConfig } from "../../src/config/parse.ts";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const VALID = `bot:\n  token: "${TOKEN}"\nchannel: -1001234567890\ngroup: -1009876543210\n`;

const parse = (extra: string, env: Record<string, string> = {}) => parseConfig(`${VALID}${extra}\n`, "config.yaml", env, "/srv");

function problems(extra: string, env: Record<string, string> = {}): string[] {
  try {
    parse(extra, env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.message.split("\n");
  }
  assert.fail("expected a ConfigError");
}

test("webhook: absent means polling; a url alone takes the defaults", () => {
  assert.equal(parse("").webhook, undefined);
  assert.deepEqual(parse('webhook:\n  url: "https://desk.example.com/telegram"').webhook, {
    url: "https://desk.example.com/telegram",
    listen: { host: "127.0.0.1", port: 8443 },
    maxConnections: 40,
  });
});

test("webhook: every key, listen as host:port, [v6]:port or a bare port", () => {
  const w = parse('webhook:\n  url: "https://desk.example.com:8443/hook"\n  listen: "0.0.0.0:9000"\n  secret_token: "s3cret_-X"\n  max_connections: 10').webhook;
  assert.deepEqual(w, { url: "https://desk.example.com:8443/hook", listen: { host: "0.0.0.0", port: 9000 }, secretToken: "s3cret_-X", maxConnections: 10 });
  assert.deepEqual(parse('webhook:\n  url: "https://d.example/"\n  listen: "[::1]:8443"').webhook?.listen, { host: "::1", port: 8443 });
  assert.deepEqual(parse('webhook:\n  url: "https://d.example/"\n  listen: 8444').webhook?.listen, { host: "127.0.0.1", port: 8444 });
});

test("webhook: env CLIENTES_WEBHOOK_SECRET wins over the file's secret_token", () => {
  const w = parse('webhook:\n  url: "https://d.example/"\n  secret_token: "from_file"', { CLIENTES_WEBHOOK_SECRET: "from_env" }).webhook;
  assert.equal(w?.secretToken, "from_env");
});

test("webhook: Telegram's own server posts only to public HTTPS on its four ports", () => {
  assert.deepEqual(problems('webhook:\n  url: "http://desk.example.com/hook"'), [
    "config.yaml: webhook.url: Telegram posts only to HTTPS: write https://desk.example.com/hook and put a TLS reverse proxy in front of webhook.listen",
  ]);
  assert.deepEqual(problems('webhook:\n  url: "https://desk.example.com:3000/hook"'), [
    "config.yaml: webhook.url: Telegram posts only to ports 443, 80, 88, 8443, not 3000: let the reverse proxy listen on one of them",
  ]);
  assert.match(problems('webhook:\n  url: "https://127.0.0.1/hook"')[0]!, /Telegram cannot reach 127\.0\.0\.1/);
  // A local Bot API server (or a test server) decides for itself.
  const local = parseConfig(`${VALID}bot:\n  token: "${TOKEN}"\n  api_root: "http://127.0.0.1:8081"\n`.replace(`bot:\n  token: "${TOKEN}"\n`, "") + 'webhook:\n  url: "http://127.0.0.1:3000/hook"\n', "config.yaml", {}, "/srv");
  assert.equal(local.webhook?.url, "http://127.0.0.1:3000/hook");
});

test("webhook: each mistake names its key and what is expected, never echoing the secret", () => {
  const lines = problems('webhook:\n  url: "desk.example.com"\n  listen: "localhost"\n  secret_token: "has spaces in it"\n  max_connections: 500\n  secert_token: x');
  assert.deepEqual(lines, [
    'config.yaml: webhook.url: expected the public HTTPS address Telegram posts to, like "https://desk.example.com/telegram", got "desk.example.com"',
    'config.yaml: webhook.listen: expected a local address and port like "127.0.0.1:8443", "[::1]:8443" or 8443, got "localhost"',
    "config.yaml: webhook.secret_token: expected 1 to 256 letters, digits, _ or - (Telegram's rule for a secret token), got other characters too",
    "config.yaml: webhook.max_connections: expected a whole number from 1 to 100 (Telegram's range), got 500",
    'config.yaml: webhook.secert_token: unknown key; did you mean "secret_token"?',
  ]);
  assert.ok(!lines.join("\n").includes("has spaces"), "the secret is not echoed");
  assert.deepEqual(problems("webhook:\n  listen: 8443"), ['config.yaml: webhook.url: missing; expected the public HTTPS address Telegram posts to, like "https://desk.example.com/telegram"']);
  assert.deepEqual(problems('webhook: "https://d.example/"'), ['config.yaml: webhook: expected a mapping like {url: "https://desk.example.com/telegram"}, got "https://d.example/"']);
});

test("config.example.yaml documents every webhook key, and its example is valid once uncommented", async () => {
  const { readFile } = await import("node:fs/promises");
  const source = await readFile(new URL("../../config.example.yaml", import.meta.url), "utf8");
  const lines = source.split("\n");
  const block: string[] = [];
  for (let i = lines.indexOf("# webhook:"); i >= 0 && i < lines.length && /^# (webhook:|  \w+:)/.test(lines[i]!); i++) block.push(lines[i]!.slice(2));
  assert.deepEqual(block.slice(1).map((l) => l.trim().split(":")[0]), ["url", "listen", "secret_token", "max_connections"]);
  for (const key of ["url", "listen", "secret_token", "max_connections"]) assert.match(source, new RegExp(`^#   ${key}: `, "m"), `${key} is explained`);
  const w = parseConfig(`${source}\n${block.join("\n")}\n`, "config.example.yaml", { CLIENTES_BOT_TOKEN: TOKEN }, "/srv").webhook;
  assert.deepEqual(w, { url: "https://desk.example.com/telegram", listen: { host: "127.0.0.1", port: 8443 }, secretToken: "change-me-to-a-long-random-string", maxConnections: 40 });
});
