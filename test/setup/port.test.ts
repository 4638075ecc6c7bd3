import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PromptCancelled } from "../../src/errors.ts";
import { setupPort } from "../../src/setup/port.ts";
import { NetworkError } from "../../src/telegram/errors.ts";
import type { TelegramPort } from "../../src/telegram/port.ts";

/** A port whose calls never answer until their signal fires. */
const silent: TelegramPort = {
  call: (_method, _params, opts) =>
    new Promise((_, reject) => {
      opts?.signal?.addEventListener("abort", () => reject(opts.signal?.reason), { once: true });
    }),
};

describe("setupPort", () => {
  test("a call that gets no answer in time is a NetworkError naming api_root", async () => {
    const port = setupPort({ token: "1:x", apiRoot: "http://10.255.255.1:81", signal: new AbortController().signal, timeoutMs: 50, inner: silent });
    await assert.rejects(port.call("getMe", undefined as never), (err: unknown) => {
      assert.ok(err instanceof NetworkError);
      assert.match(err.message, /Could not reach Telegram at http:\/\/10\.255\.255\.1:81 for getMe: no answer within 0 s/);
      return true;
    });
  });

  test("Ctrl+C (the shutdown signal) ends a call in flight with PromptCancelled", async () => {
    const stop = new AbortController();
    const port = setupPort({ token: "1:x", apiRoot: "http://127.0.0.1:1", signal: stop.signal, timeoutMs: 60_000, inner: silent });
    const pending = port.call("getMe", undefined as never);
    stop.abort("SIGINT");
    await assert.rejects(pending, PromptCancelled);
    await assert.rejects(port.call("getMe", undefined as never), PromptCancelled, "and no new call starts");
  });

  test("answers and Telegram's refusals pass through", async () => {
    const inner: TelegramPort = { call: async (method) => ({ method }) as never };
    const port = setupPort({ token: "1:x", apiRoot: "http://127.0.0.1:1", signal: new AbortController().signal, inner });
    assert.deepEqual(await port.call("getMe", undefined as never), { method: "getMe" });
  });
});
