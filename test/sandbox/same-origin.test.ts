/**
 * The sandbox answers only requests meant for it: a page elsewhere cannot reach it by DNS
 * rebinding (a foreign Host) nor change it with a cross-origin POST, and no answer carries
 * CORS headers. The daemon's own calls (Host 127.0.0.1:port, no Origin) still work.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { foreignRequest, hostAllowed } from "../../src/sandbox/same-origin.ts";
import { rawRequest, useSandbox } from "./helpers.ts";

describe("same-origin rules", () => {
  test("Host: localhost, IP addresses and the bound name are this server; other names are not", () => {
    for (const host of ["127.0.0.1:8080", "localhost:8080", "LOCALHOST", "[::1]:80", "192.168.1.20:3000", "127.0.0.1"]) {
      assert.equal(hostAllowed(host, "127.0.0.1"), true, host);
    }
    for (const host of ["evil.example", "evil.example:8080", "localhost.evil.example", "", undefined, "bad host"]) {
      assert.equal(hostAllowed(host, "127.0.0.1"), false, String(host));
    }
    assert.equal(hostAllowed("desk.lan:8080", "desk.lan"), true, "the name given with --host");
  });

  test("writes from another origin are refused; reads, same-origin writes and clients without Origin are not", () => {
    const host = "127.0.0.1:8080";
    assert.equal(foreignRequest({ method: "POST", headers: { host } }, "127.0.0.1"), undefined, "no Origin: the daemon, curl");
    assert.equal(foreignRequest({ method: "POST", headers: { host, origin: "http://127.0.0.1:8080" } }, "127.0.0.1"), undefined);
    assert.equal(foreignRequest({ method: "GET", headers: { host, origin: "https://evil.example" } }, "127.0.0.1"), undefined);
    assert.match(foreignRequest({ method: "POST", headers: { host, origin: "https://evil.example" } }, "127.0.0.1") ?? "", /from the page at https:\/\/evil\.example is refused/);
    assert.match(foreignRequest({ method: "POST", headers: { host, origin: "http://127.0.0.1:9999" } }, "127.0.0.1") ?? "", /refused/, "another port is another origin");
    assert.match(foreignRequest({ method: "POST", headers: { host, origin: "null" } }, "127.0.0.1") ?? "", /refused/);
    assert.match(foreignRequest({ method: "GET", headers: { host: "evil.example" } }, "127.0.0.1") ?? "", /Host "evil\.example" is not this server/);
  });
});

describe("the sandbox's HTTP server", () => {
  const ctx = useSandbox();

  test("a foreign Host gets 403 on the control API and the Bot API alike", async () => {
    const sb = ctx.sb;
    for (const path of ["/sandbox/state", `/bot${sb.token}/getMe`]) {
      const r = await rawRequest(`${sb.apiRoot}${path}`, { headers: { host: "rebound.evil.example" } });
      assert.equal(r.status, 403, path);
      assert.match(JSON.parse(r.text).description, /^Forbidden: Host "rebound\.evil\.example" is not this server/);
    }
    const local = await rawRequest(`${sb.apiRoot}/bot${sb.token}/getMe`, { headers: { host: `localhost:${new URL(sb.apiRoot).port}` } });
    assert.equal(local.status, 200, "localhost works");
  });

  test("a cross-origin POST changes nothing; the daemon's way (no Origin) and same-origin POSTs work; no CORS headers", async () => {
    const sb = ctx.sb;
    const ana = sb.addUser({ first_name: "Ana" });
    const body = JSON.stringify({ userId: ana.id, content: { text: "sent by another site" } });
    const json = { "content-type": "application/json" };
    const foreign = await rawRequest(`${sb.apiRoot}/sandbox/sendPrivate`, { method: "POST", headers: { ...json, origin: "https://evil.example" }, body });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers["access-control-allow-origin"], undefined);
    assert.equal(sb.pendingUpdates().length, 0, "nothing was sent");
    const same = await rawRequest(`${sb.apiRoot}/sandbox/sendPrivate`, { method: "POST", headers: { ...json, origin: sb.apiRoot }, body });
    assert.equal(same.status, 200, same.text);
    assert.equal(same.headers["access-control-allow-origin"], undefined);
    const bot = await rawRequest(`${sb.apiRoot}/bot${sb.token}/getUpdates`, { method: "POST", headers: json, body: "{}" });
    assert.equal(bot.status, 200);
    assert.equal(JSON.parse(bot.text).result.length, 1, "the one same-origin message reached the bot");
  });
});
