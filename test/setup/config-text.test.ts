import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseConfig } from "../../src/config/index.ts";
import { renderConfig } from "../../src/setup/config-text.ts";

const TOKEN = "123456:TEST-sandbox-token-0123456789abcdef";

describe("the config init writes", () => {
  test("is accepted by the config loader, with every answer in it", () => {
    const text = renderConfig({
      token: TOKEN,
      apiRoot: "http://127.0.0.1:8081",
      channel: -1001111111111,
      group: -1002222222222,
      staff: [{ id: 111, name: 'Ana "the boss" #1' }, { id: 222 }],
      locale: "en",
      channelTitle: "Acme\nSupport # desk",
    });
    const config = parseConfig(text, "/srv/desk/config.yaml", {});
    assert.equal(config.bot.token, TOKEN);
    assert.equal(config.bot.apiRoot, "http://127.0.0.1:8081");
    assert.equal(config.channel, -1001111111111);
    assert.equal(config.group, -1002222222222);
    assert.deepEqual(config.staff, [{ id: 111, name: 'Ana "the boss" #1' }, { id: 222 }]);
    assert.equal(config.locale, "en");
    assert.equal(config.store, "/srv/desk/data/clientes.json");
    assert.equal(config.replies, "/srv/desk/replies.yaml");
    assert.match(text, /channel: -1001111111111  # Acme Support # desk\n/);
  });

  test("explains itself with comments, like config.example.yaml", () => {
    const text = renderConfig({ token: TOKEN, channel: "@acme_support", group: -1002, staff: [], locale: "pt-BR" });
    assert.match(text, /# Keep this file private \(mode 600\): it holds the bot token/);
    assert.match(text, /clientes staff add\|remove\|sync/);
    assert.match(text, /api_root: "https:\/\/api\.telegram\.org"/);
    const config = parseConfig(text, "config.yaml", {}, "/tmp");
    assert.equal(config.channel, "@acme_support");
    assert.deepEqual(config.staff, []);
  });

  test("an empty token is fine when env CLIENTES_BOT_TOKEN gives it", () => {
    const text = renderConfig({ token: "", channel: -1001, group: -1002, staff: [], locale: "en" });
    assert.match(text, /token: ""  # empty: env CLIENTES_BOT_TOKEN gives it/);
    assert.equal(parseConfig(text, "config.yaml", { CLIENTES_BOT_TOKEN: TOKEN }, "/tmp").bot.token, TOKEN);
  });
});
