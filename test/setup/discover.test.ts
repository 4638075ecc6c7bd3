import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { TelegramUpdate } from "@gramio/types";
import { chatsFromUpdates, inspectChannel, parseChatRef, peekChats, soleChannel, waitForChat } from "../../src/setup/discover.ts";
import { NetworkError } from "../../src/telegram/errors.ts";
import { apiError, BOT, CHANNEL, fakePort, goodSetup, GROUP } from "./fake-port.ts";

const OPERATOR = { id: 42, is_bot: false, first_name: "Olga" };

function memberUpdate(id: number, chat: { id: number; type: string; title?: string; username?: string }, status: string): TelegramUpdate {
  return {
    update_id: id,
    my_chat_member: {
      chat,
      from: OPERATOR,
      date: 1_700_000_000 + id,
      old_chat_member: { status: "left", user: BOT },
      new_chat_member: { status, user: BOT },
    },
  } as unknown as TelegramUpdate;
}

const message = (id: number) => ({ update_id: id, message: { message_id: 1, date: 0, chat: { id: 5, type: "private" }, text: "hi" } }) as unknown as TelegramUpdate;

describe("finding the channel", () => {
  test("soleChannel: the one channel is taken; none or several name the choices and --channel", () => {
    const group = memberUpdate(1, { id: -1009, type: "supergroup", title: "Chat" }, "administrator");
    const one = chatsFromUpdates([group, memberUpdate(2, { id: -1001, type: "channel", title: "Desk" }, "administrator")]);
    const pick = soleChannel(one, "@acme_support_bot");
    assert.ok(pick.ok);
    assert.equal(pick.chat.id, -1001);

    const none = soleChannel(chatsFromUpdates([group]), "@acme_support_bot");
    assert.ok(!none.ok);
    assert.equal(none.ambiguous, false);
    assert.match(none.problem, /no channel found: @acme_support_bot has not been added to a channel/);
    assert.match(none.fix, /--channel/);

    const two = chatsFromUpdates([
      memberUpdate(3, { id: -1001, type: "channel", title: "Desk" }, "administrator"),
      memberUpdate(4, { id: -1002, type: "channel", title: "News", username: "acme_news" }, "administrator"),
    ]);
    const several = soleChannel(two, "@acme_support_bot");
    assert.ok(!several.ok);
    assert.equal(several.ambiguous, true);
    assert.match(several.problem, /in 2 channels: "News" @acme_news \(-1002\), "Desk" \(-1001\)/);
    assert.match(several.fix, /pass --channel with one of them, e\.g\. --channel -1002/);
  });

  test("chatsFromUpdates: the latest status per chat wins; chats the bot left are dropped; newest first", () => {
    const found = chatsFromUpdates([
      memberUpdate(1, { id: -1001, type: "channel", title: "Old" }, "administrator"),
      message(2),
      memberUpdate(3, { id: -1001, type: "channel", title: "Old" }, "left"),
      memberUpdate(4, { id: -1002, type: "supergroup", title: "Chat" }, "administrator"),
      memberUpdate(5, { id: -1003, type: "channel", title: "Support", username: "acme" }, "administrator"),
      memberUpdate(6, { id: 77, type: "private" }, "member"),
    ]);
    assert.deepEqual(
      found.map((c) => [c.id, c.type, c.title, c.status]),
      [
        [-1003, "channel", "Support", "administrator"],
        [-1002, "supergroup", "Chat", "administrator"],
      ],
    );
    assert.equal(found[0]?.username, "acme");
    assert.equal(found[0]?.by.first_name, "Olga");
  });

  test("peekChats neither confirms (no offset) nor filters (no allowed_updates) the bot's updates", async () => {
    const port = fakePort({ getUpdates: () => [message(10), memberUpdate(11, { id: -1003, type: "channel", title: "Support" }, "administrator")] });
    const found = await peekChats(port, 0);
    assert.equal(found.length, 1);
    assert.equal(port.calls.length, 1);
    const params = port.calls[0]?.params ?? {};
    assert.equal("offset" in params, false, "an offset would delete the daemon's pending updates");
    assert.equal("allowed_updates" in params, false, "allowed_updates persists and would drop customer messages");
  });

  test("waitForChat returns the first channel not seen before, ignoring known ones and other updates", async () => {
    const known = memberUpdate(1, { id: -1001, type: "channel", title: "Known" }, "administrator");
    let round = 0;
    const port = fakePort({
      getUpdates: () => {
        round += 1;
        if (round === 1) return [known, message(2)];
        return [known, message(2), memberUpdate(3, { id: -1002, type: "supergroup", title: "G" }, "administrator"), memberUpdate(4, { id: -1003, type: "channel", title: "New" }, "administrator")];
      },
    });
    const sleeps: number[] = [];
    let clock = 0;
    const found = await waitForChat(port, {
      knownUpdateIds: new Set([1]),
      accept: (c) => c.type === "channel",
      timeoutMs: 60_000,
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
    });
    assert.equal(found?.id, -1003);
    assert.equal(found?.title, "New");
    assert.deepEqual(sleeps, [1000], "a queue holding other updates is not polled in a busy loop");
  });

  test("waitForChat gives up after the timeout", async () => {
    let clock = 0;
    const port = fakePort({ getUpdates: () => [] });
    const found = await waitForChat(port, {
      knownUpdateIds: new Set(),
      accept: () => true,
      timeoutMs: 3000,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    });
    assert.equal(found, undefined);
    assert.ok(port.calls.length >= 1);
  });

  test("parseChatRef accepts ids, @names and post links, and explains the rest", () => {
    const ok = (s: string) => {
      const r = parseChatRef(s);
      assert.ok(r.ok, `${s}: ${r.ok ? "" : r.why}`);
      return r.chat;
    };
    assert.equal(ok("-1001234567890"), -1001234567890);
    assert.equal(ok(" @acme_support "), "@acme_support");
    assert.equal(ok("acme_support"), "@acme_support");
    assert.equal(ok("https://t.me/acme_support"), "@acme_support");
    assert.equal(ok("t.me/acme_support/42"), "@acme_support");
    assert.equal(ok("https://t.me/c/1234567890/42"), -1001234567890);
    const why = (s: string) => {
      const r = parseChatRef(s);
      assert.ok(!r.ok, s);
      return r.why;
    };
    assert.match(why("1234567890"), /negative, like -1001234567890/);
    assert.match(why("https://t.me/+AbCdEf"), /invite link/);
    assert.match(why(""), /@name/);
    assert.match(why("my channel!"), /not an @name/);
  });

  test("inspectChannel reads the linked group from getChat", async () => {
    const r = await inspectChannel(goodSetup(), "@acmesupport", "@bot");
    assert.ok(r.ok);
    assert.equal(r.channel.id, CHANNEL.id);
    assert.equal(r.groupId, GROUP.id);
  });

  test("inspectChannel: no linked group, a group instead of a channel, a wrong --group, an invisible channel", async () => {
    const { linked_chat_id: _, ...unlinked } = CHANNEL;
    const noGroup = await inspectChannel(goodSetup({ getChat: () => unlinked }), CHANNEL.id, "@bot");
    assert.ok(!noGroup.ok);
    assert.match(noGroup.problem, /has no discussion group/);
    assert.match(noGroup.fix, /Discussion → Add Group/);

    const isGroup = await inspectChannel(goodSetup(), GROUP.id, "@bot");
    assert.ok(!isGroup.ok);
    assert.match(isGroup.problem, /is a group, not a channel/);

    const other = { id: -1009, type: "supergroup", title: "Other" };
    const wrong = await inspectChannel(goodSetup({ getChat: (p) => (p["chat_id"] === CHANNEL.id ? CHANNEL : other) }), CHANNEL.id, "@bot", other.id);
    assert.ok(!wrong.ok);
    assert.match(wrong.problem, /"Other" is not the channel's discussion group \(that is -1002222222222\)/);

    const hidden = await inspectChannel(goodSetup({ getChat: () => { throw apiError("getChat", 400, "Bad Request: chat not found"); } }), "@secret", "@bot");
    assert.ok(!hidden.ok);
    assert.match(hidden.problem, /cannot see the channel @secret/);
    assert.match(hidden.fix, /make @bot an administrator/);
  });

  test("inspectChannel throws network failures instead of blaming the channel", async () => {
    const port = goodSetup({
      getChat: () => {
        throw new NetworkError({ method: "getChat", problem: "unreachable", origin: "http://x", detail: "ECONNRESET" });
      },
    });
    await assert.rejects(inspectChannel(port, CHANNEL.id, "@bot"), NetworkError);
  });
});
