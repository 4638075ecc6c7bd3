import { test } from "node:test";
import assert from "node:assert/strict";
import type { TelegramPort } from "../../src/telegram/port.ts";
import { recordingPort } from "../../src/telegram/recording.ts";
import { TelegramApiError } from "../../src/telegram/errors.ts";

function scriptedTelegram() {
  const pending: Array<() => void> = [];
  const port: TelegramPort = {
    async call(method, params) {
      if (method === "getUpdates") await new Promise<void>((resolve) => pending.push(resolve));
      if ((params as { chat_id?: number } | undefined)?.chat_id === 404) {
        throw new TelegramApiError({ method, code: 400, description: "Bad Request: chat not found" });
      }
      return (method === "getUpdates" ? [] : { message_id: 1 }) as never;
    },
  };
  return { port, releasePolls: () => pending.splice(0).forEach((resolve) => resolve()) };
}

test("records each call's method, params, time and outcome, in call order", async () => {
  let t = 100;
  const telegram = scriptedTelegram();
  const port = recordingPort(telegram.port, { now: () => t++ });
  await port.call("sendMessage", { chat_id: 7, text: "Olá" });
  const failed = await port.call("sendMessage", { chat_id: 404, text: "x" }).catch((e: unknown) => e);
  assert.ok(failed instanceof TelegramApiError, "the failure still reaches the caller");
  assert.deepEqual(
    port.calls.map((c) => ({ method: c.method, params: c.params, at: c.at, ok: c.ok, result: c.result })),
    [
      { method: "sendMessage", params: { chat_id: 7, text: "Olá" }, at: 100, ok: true, result: { message_id: 1 } },
      { method: "sendMessage", params: { chat_id: 404, text: "x" }, at: 101, ok: false, result: undefined },
    ],
  );
  assert.equal(port.calls[1]?.error, failed);
  port.clear();
  assert.equal(port.calls.length, 0);
});

test("an in-flight call is visible, and waitFor resolves on a call made later", async () => {
  const telegram = scriptedTelegram();
  const port = recordingPort(telegram.port);
  const poll = port.call("getUpdates", { timeout: 25 });
  assert.deepEqual([port.calls[0]?.method, port.calls[0]?.settled], ["getUpdates", false]);

  const sent = port.waitFor((c) => c.method === "sendMessage" && c.settled);
  void port.call("sendMessage", { chat_id: 7, text: "later" });
  assert.deepEqual((await sent).params, { chat_id: 7, text: "later" });

  telegram.releasePolls();
  await poll;
  assert.equal(port.calls[0]?.settled, true);
  assert.equal(port.calls[0]?.ok, true);
});

test("waitFor gives up with a list of the calls it saw", async () => {
  const port = recordingPort(scriptedTelegram().port);
  await port.call("getMe", undefined);
  await assert.rejects(port.waitFor((c) => c.method === "sendMessage", { timeoutMs: 30 }), /calls seen: getMe ok/);
});
