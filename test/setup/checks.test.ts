import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { PromptCancelled } from "../../src/errors.ts";
import { evaluate, gatherTelegramFacts, hasFailures, runChecks, type Check, type CheckId } from "../../src/setup/checks.ts";
import { NetworkError } from "../../src/telegram/errors.ts";
import { apiError, BOT, CHANNEL, CHANNEL_ADMIN, goodSetup, GROUP, GROUP_ADMIN } from "./fake-port.ts";

const ANA = [{ id: 111, name: "Ana" }];
const target = { channel: CHANNEL.id, group: GROUP.id, staff: ANA };

function byId(checks: Check[], id: CheckId): Check {
  const c = checks.find((x) => x.id === id);
  assert.ok(c, `no check ${id} in ${JSON.stringify(checks)}`);
  return c;
}

function states(checks: Check[]): Record<string, string> {
  return Object.fromEntries(checks.map((c) => [c.id, c.state]));
}

describe("setup checks", () => {
  let dir = "";
  before(async () => (dir = await mkdtemp(join(tmpdir(), "clientes-checks-"))));
  after(() => rm(dir, { recursive: true, force: true }));

  test("a good setup passes every check, in checklist order", async () => {
    const checks = await runChecks(goodSetup(), { ...target, store: join(dir, "data", "clientes.json"), replies: join(dir, "replies.yaml") });
    assert.deepEqual(
      checks.map((c) => [c.id, c.state]),
      [
        ["token", "ok"],
        ["inline", "ok"],
        ["channel", "ok"],
        ["group", "ok"],
        ["channel_rights", "ok"],
        ["group_rights", "ok"],
        ["group_members", "ok"],
        ["staff", "ok"],
        ["store", "ok"],
        ["replies", "ok"],
      ],
    );
    assert.equal(hasFailures(checks), false);
    assert.match(byId(checks, "token").detail ?? "", /@acme_support_bot/);
    assert.match(byId(checks, "channel").detail ?? "", /"Acme Support" \(-1001111111111\)/);
    assert.ok(checks.every((c) => c.fix === undefined), "no fix on a passing check");
  });

  test("without a group in the target, the channel's linked group is checked", async () => {
    const port = goodSetup();
    const checks = await runChecks(port, { channel: CHANNEL.id, staff: ANA });
    assert.equal(byId(checks, "group").state, "ok");
    assert.ok(port.calls.some((c) => c.method === "getChat" && c.params?.["chat_id"] === GROUP.id));
  });

  test("a refused token fails with how to get it again; Telegram checks are skipped, local ones still run", async () => {
    const port = goodSetup({ getMe: () => { throw apiError("getMe", 401, "Unauthorized"); } });
    const checks = await runChecks(port, { ...target, store: join(dir, "s.json") });
    const token = byId(checks, "token");
    assert.equal(token.state, "fail");
    assert.match(token.detail ?? "", /does not accept this token \(401 Unauthorized\)/);
    assert.match(token.fix ?? "", /@BotFather/);
    for (const id of ["inline", "channel", "group", "channel_rights", "group_rights", "group_members"] as const) {
      assert.equal(byId(checks, id).state, "skip", id);
    }
    assert.equal(byId(checks, "store").state, "ok");
    assert.equal(port.calls.length, 1, "nothing else is asked with a bad token");
  });

  test("an unreachable api_root is reported as a network problem, naming api_root", async () => {
    const port = goodSetup({
      getMe: () => {
        throw new NetworkError({ method: "getMe", problem: "unreachable", origin: "http://127.0.0.1:9", detail: "connect ECONNREFUSED 127.0.0.1:9" });
      },
    });
    const checks = await runChecks(port, target);
    const token = byId(checks, "token");
    assert.equal(token.state, "fail");
    assert.match(token.detail ?? "", /Could not reach Telegram at http:\/\/127\.0\.0\.1:9.*ECONNREFUSED/);
    assert.match(token.fix ?? "", /api_root/);
    assert.equal(byId(checks, "channel").detail, "Telegram could not be reached");
  });

  test("an api_root that is not a Bot API server says so", async () => {
    const port = goodSetup({
      getMe: () => {
        throw new NetworkError({ method: "getMe", problem: "bad_response", origin: "http://example.test", detail: "not JSON" });
      },
    });
    const token = byId(await runChecks(port, target), "token");
    assert.match(token.fix ?? "", /not a Bot API server/);
  });

  test("inline mode off without canned replies is a warning with /setinline in @BotFather: the desk works without it", async () => {
    const noInline = () => goodSetup({ getMe: () => ({ ...BOT, supports_inline_queries: false }) });
    for (const replies of [undefined, join(dir, "none-yet.yaml")]) {
      const checks = await runChecks(noInline(), { ...target, ...(replies ? { replies } : {}) });
      const inline = byId(checks, "inline");
      assert.equal(inline.state, "warn", `replies file ${replies}`);
      assert.match(inline.detail ?? "", /there are none yet/);
      assert.match(inline.fix ?? "", /\/setinline to @BotFather/);
      assert.equal(hasFailures(checks), false);
      assert.equal(byId(checks, "channel").state, "ok", "the rest is still checked");
    }
  });

  test("inline mode off fails when the replies file holds replies staff could not reach", async () => {
    const replies = join(dir, "two.yaml");
    await writeFile(replies, "- id: a\n  title: A\n  text: one\n- id: b\n  title: B\n  text: two\n");
    const checks = await runChecks(goodSetup({ getMe: () => ({ ...BOT, supports_inline_queries: false }) }), { ...target, replies });
    const inline = byId(checks, "inline");
    assert.equal(inline.state, "fail");
    assert.match(inline.detail ?? "", /cannot insert the 2 canned replies of .*two\.yaml/);
    assert.match(inline.fix ?? "", /\/setinline to @BotFather/);
  });

  test("a channel the bot cannot see: add the bot as admin; what depends on it is skipped", async () => {
    const port = goodSetup({ getChat: () => { throw apiError("getChat", 400, "Bad Request: chat not found"); } });
    const checks = await runChecks(port, { channel: "@nochannel", staff: ANA });
    const channel = byId(checks, "channel");
    assert.equal(channel.state, "fail");
    assert.match(channel.detail ?? "", /@nochannel: Telegram says: Bad Request: chat not found/);
    assert.match(channel.fix ?? "", /administrator/);
    assert.deepEqual(
      [byId(checks, "group").state, byId(checks, "channel_rights").state, byId(checks, "group_rights").state, byId(checks, "group_members").state],
      ["skip", "skip", "skip", "skip"],
    );
  });

  test("a group given as the channel is refused", async () => {
    const checks = await runChecks(goodSetup(), { channel: GROUP.id, group: GROUP.id, staff: ANA });
    const channel = byId(checks, "channel");
    assert.equal(channel.state, "fail");
    assert.match(channel.detail ?? "", /is a group, not a channel/);
  });

  test("a channel without a discussion group fails with how to add one", async () => {
    const { linked_chat_id: _, ...unlinked } = CHANNEL;
    const port = goodSetup({ getChat: (p) => (p["chat_id"] === CHANNEL.id ? unlinked : { ...GROUP, linked_chat_id: undefined }) });
    const checks = await runChecks(port, target);
    const group = byId(checks, "group");
    assert.equal(group.state, "fail");
    assert.match(group.detail ?? "", /no discussion group/);
    assert.match(group.fix ?? "", /Discussion → Add Group/);
    assert.equal(byId(checks, "group_rights").state, "skip");
    assert.equal(byId(checks, "group_members").state, "skip");
    assert.equal(byId(checks, "channel_rights").state, "ok");
  });

  test("a configured group that is not the channel's names the right one", async () => {
    const other = { id: -1003333333333, type: "supergroup", title: "Other" };
    const port = goodSetup({ getChat: (p) => (p["chat_id"] === CHANNEL.id ? CHANNEL : other) });
    const group = byId(await runChecks(port, { channel: CHANNEL.id, group: other.id, staff: ANA }), "group");
    assert.equal(group.state, "fail");
    assert.match(group.detail ?? "", /"Other" \(-1003333333333\) is not the channel's discussion group \(that is -1002222222222\)/);
    assert.equal(group.fix, "set group: -1002222222222 in the config");
  });

  test("the link is checked both ways", async () => {
    const port = goodSetup({ getChat: (p) => (p["chat_id"] === CHANNEL.id ? CHANNEL : { ...GROUP, linked_chat_id: -1009 }) });
    const group = byId(await runChecks(port, target), "group");
    assert.equal(group.state, "fail");
    assert.match(group.detail ?? "", /not linked to the channel/);
  });

  test("the bot not admin of the channel: how to make it one", async () => {
    const port = goodSetup({ getChatMember: (p) => (p["chat_id"] === CHANNEL.id ? { status: "member", user: BOT } : GROUP_ADMIN) });
    const c = byId(await runChecks(port, target), "channel_rights");
    assert.equal(c.state, "fail");
    assert.match(c.detail ?? "", /@acme_support_bot is not an administrator of the channel/);
    assert.match(c.fix ?? "", /Add Admin → @acme_support_bot.*"Post Messages", "Edit Messages of Others", "Delete Messages"/);
  });

  test("missing post and edit rights are named, with why edit matters (pinning)", async () => {
    const weak = { ...CHANNEL_ADMIN, can_post_messages: false, can_edit_messages: false };
    const port = goodSetup({ getChatMember: (p) => (p["chat_id"] === CHANNEL.id ? weak : GROUP_ADMIN) });
    const checks = await runChecks(port, target);
    const c = byId(checks, "channel_rights");
    assert.equal(c.state, "fail");
    assert.equal(c.detail, 'missing: "Post Messages", "Edit Messages of Others"');
    assert.match(c.fix ?? "", /pin/);
    assert.equal(hasFailures(checks), true);
  });

  test("the bot without pin rights in the group fails", async () => {
    const port = goodSetup({ getChatMember: (p) => (p["chat_id"] === CHANNEL.id ? CHANNEL_ADMIN : { ...GROUP_ADMIN, can_pin_messages: false }) });
    const c = byId(await runChecks(port, target), "group_rights");
    assert.equal(c.state, "fail");
    assert.equal(c.detail, 'missing: "Pin Messages"');
    assert.match(c.fix ?? "", /discussion group/);
  });

  test("with guard_group on (the default), the bot needs Ban Users in the group: the check names can_restrict_members; off, it does not", async () => {
    const port = () => goodSetup({ getChatMember: (p) => (p["chat_id"] === CHANNEL.id ? CHANNEL_ADMIN : { ...GROUP_ADMIN, can_restrict_members: false }) });
    const c = byId(await runChecks(port(), target), "group_rights");
    assert.equal(c.state, "fail");
    assert.equal(c.detail, 'missing: "Ban Users" (can_restrict_members)');
    assert.match(c.fix ?? "", /turn on "Ban Users" \(can_restrict_members: .*removes anyone who joins.*guard_group: false\)/);
    assert.match(c.label, /remove who joins/);
    assert.equal(byId(await runChecks(port(), { ...target, guardGroup: false }), "group_rights").state, "ok");
  });

  test("a group with extra members fails with the count and how to remove them", async () => {
    const c = byId(await runChecks(goodSetup({ getChatMemberCount: () => 5 }), target), "group_members");
    assert.equal(c.state, "fail");
    assert.match(c.detail ?? "", /^5 members; only 2 expected/);
    assert.match(c.fix ?? "", /Members.*Remove from group/);
  });

  test("no staff is a warning, not a failure", async () => {
    const checks = await runChecks(goodSetup(), { ...target, staff: [] });
    const c = byId(checks, "staff");
    assert.equal(c.state, "warn");
    assert.match(c.fix ?? "", /clientes staff sync/);
    assert.equal(hasFailures(checks), false);
  });

  test("a store in a folder that cannot be made fails", async () => {
    const file = join(dir, "a-file");
    await writeFile(file, "x");
    const c = byId(await runChecks(goodSetup(), { ...target, store: join(file, "data", "clientes.json") }), "store");
    assert.equal(c.state, "fail");
    assert.match(c.detail ?? "", /a-file is a file, not a folder/);
  });

  test("an invalid replies file fails with the file's problem", async () => {
    const replies = join(dir, "bad-replies.yaml");
    await writeFile(replies, "- id: x\n  text: no title\n");
    const c = byId(await runChecks(goodSetup(), { ...target, replies }), "replies");
    assert.equal(c.state, "fail");
    assert.match(c.detail ?? "", /bad-replies\.yaml: entry 1/);
  });

  test("Ctrl+C during a call ends the checks instead of becoming a finding", async () => {
    const port = goodSetup({ getChat: () => { throw new PromptCancelled(); } });
    await assert.rejects(gatherTelegramFacts(port, target), PromptCancelled);
  });

  test("evaluate is pure: the same facts give the same checklist", () => {
    const facts = { me: { ok: true as const, value: BOT }, channelRef: CHANNEL.id, channel: { ok: true as const, value: CHANNEL as never } };
    const a = evaluate(facts, { staff: ANA });
    assert.deepEqual(a, evaluate(facts, { staff: ANA }));
    assert.deepEqual(states(a), {
      token: "ok",
      inline: "ok",
      channel: "ok",
      group: "skip",
      channel_rights: "skip",
      group_rights: "skip",
      group_members: "skip",
      staff: "ok",
    });
  });

  test("another poller: ✗ from what the daemon wrote in its health file, with the fix; ✓ when it saw none; no line before a daemon ran", () => {
    const facts = { me: { ok: true as const, value: BOT }, channelRef: CHANNEL.id };
    const health = {
      version: 1 as const,
      pid: 4321,
      started_at: "2026-01-01T00:00:00.000Z",
      state: "polling" as const,
      last_poll_at: "2026-01-01T00:10:00.000Z",
      unreachable_since: null,
      conflict: { since: "2026-01-01T00:05:00.000Z", last_at: "2026-01-01T00:09:00.000Z", count: 7 },
      last_error: null,
    };
    const seen = byId(evaluate(facts, { staff: ANA, health }), "poller");
    assert.equal(seen.state, "fail");
    assert.equal(seen.detail, "the daemon (pid 4321) sees another program polling with this bot token: 7 conflicts (409) since 2026-01-01T00:05:00.000Z, the last at 2026-01-01T00:09:00.000Z; updates it takes never reach the team");
    assert.match(seen.fix ?? "", /stop the other program that uses this token .*@BotFather \(\/revoke\)/);
    const stopped = byId(evaluate(facts, { staff: ANA, health: { ...health, state: "stopped" } }), "poller");
    assert.match(stopped.detail ?? "", /^when the daemon last ran, another program polled with this bot token/);
    const alone = byId(evaluate(facts, { staff: ANA, health: { ...health, conflict: null } }), "poller");
    assert.deepEqual([alone.state, alone.detail], ["ok", "none seen by the daemon (pid 4321)"]);
    assert.equal(evaluate(facts, { staff: ANA }).some((c) => c.id === "poller"), false);
  });

  describe("webhook: Telegram's way of handing updates against the config's", () => {
    const URL_ = "https://desk.example.com/telegram";
    const info = (over: Record<string, unknown> = {}) => goodSetup({ getWebhookInfo: () => ({ url: "", has_custom_certificate: false, pending_update_count: 0, ...over }) });
    const webhookOf = async (port: ReturnType<typeof goodSetup>, updates: { webhook?: string }) => byId(await runChecks(port, { ...target, updates }), "webhook");

    test("polling and no webhook: ✓ with the updates waiting; init (no config yet) does not ask", async () => {
      const c = await webhookOf(info({ pending_update_count: 3 }), {});
      assert.deepEqual([c.state, c.detail], ["ok", "none: the daemon polls (3 updates pending)"]);
      const port = info();
      const checks = await runChecks(port, target);
      assert.ok(!checks.some((x) => x.id === "webhook") && !port.calls.some((x) => x.method === "getWebhookInfo"));
    });

    test("a webhook set while the config polls: ✗, both ways out named", async () => {
      const c = await webhookOf(info({ url: URL_, pending_update_count: 2 }), {});
      assert.equal(c.state, "fail");
      assert.equal(c.detail, `a webhook is set (${URL_}; 2 updates pending), but the config polls: Telegram refuses getUpdates while it is set`);
      assert.match(c.fix ?? "", /add webhook: url: "https:\/\/desk\.example\.com\/telegram" to the config and run `clientes start --webhook`; to poll, just run `clientes start`: it removes the webhook/);
    });

    test("webhook.url in the config but no webhook, or another one: ✗ with the fix", async () => {
      const none = await webhookOf(info(), { webhook: URL_ });
      assert.equal(none.state, "fail");
      assert.match(none.detail ?? "", /^no webhook is set, but the config has webhook\.url https:\/\/desk\.example\.com\/telegram/);
      assert.match(none.fix ?? "", /run `clientes start --webhook`: it sets the webhook/);
      const other = await webhookOf(info({ url: "https://other.example/hook" }), { webhook: URL_ });
      assert.equal(other.state, "fail");
      assert.match(other.detail ?? "", /^the webhook is set to https:\/\/other\.example\/hook, not to webhook\.url/);
    });

    test("the configured webhook: ✓; with updates stuck behind Telegram's last delivery error: ⚠ naming it and the proxy", async () => {
      const ok = await webhookOf(info({ url: URL_ }), { webhook: URL_ });
      assert.deepEqual([ok.state, ok.detail], ["ok", `${URL_} (0 updates pending)`]);
      const stuck = await webhookOf(info({ url: URL_, pending_update_count: 5, last_error_date: 1_800_000_000, last_error_message: "SSL error {error:0A000086:SSL routines::certificate verify failed}" }), { webhook: URL_ });
      assert.equal(stuck.state, "warn");
      assert.equal(stuck.detail, `${URL_}: 5 updates pending; Telegram's last delivery error (2027-01-15T08:00:00.000Z): SSL error {error:0A000086:SSL routines::certificate verify failed}`);
      assert.match(stuck.fix ?? "", /reverse proxy/);
    });

    test("getWebhookInfo failing is ✗ with what Telegram said; a refused token skips it", async () => {
      const failing = await webhookOf(goodSetup({ getWebhookInfo: () => { throw apiError("getWebhookInfo", 500, "Internal Server Error"); } }), {});
      assert.deepEqual([failing.state, failing.detail], ["fail", "Telegram says: Internal Server Error"]);
      const noToken = goodSetup({ getMe: () => { throw apiError("getMe", 401, "Unauthorized"); } });
      assert.equal(byId(await runChecks(noToken, { ...target, updates: {} }), "webhook").state, "skip");
    });
  });
});
