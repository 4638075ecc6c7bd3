import { test } from "node:test";
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import type { TelegramPort } from "../../src/telegram/port.ts";
import { limitedPort, type Sleep } from "../../src/telegram/limited.ts";
import { RateLimiter } from "../../src/telegram/limiter.ts";
import { TelegramApiError } from "../../src/telegram/errors.ts";

/** Fake time: sleeps resolve in deadline order once everything else has run; nothing really waits. */
function fakeTime() {
  let t = 0;
  const timers: Array<{ at: number; resolve: () => void }> = [];
  let scheduled = false;
  const tick = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      timers.sort((a, b) => a.at - b.at);
      const next = timers.shift();
      if (!next) return;
      t = Math.max(t, next.at);
      next.resolve();
      if (timers.length) tick();
    });
  };
  const sleep: Sleep = (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = { at: t + ms, resolve };
      timers.push(timer);
      signal?.addEventListener("abort", () => {
        timers.splice(timers.indexOf(timer), 1);
        reject(signal.reason);
      });
      tick();
    });
  return { now: () => t, sleep };
}

/** A Telegram that notes when each message arrived; `fail` decides a refusal per call. */
function fakeTelegram(now: () => number, fail?: (n: number) => Error | undefined) {
  const arrivals: Array<{ method: string; chat: unknown; at: number }> = [];
  const port: TelegramPort = {
    async call(method, params) {
      const n = arrivals.length;
      arrivals.push({ method: String(method), chat: (params as { chat_id?: unknown }).chat_id, at: now() });
      const err = fail?.(n);
      if (err) throw err;
      return { message_id: n + 1 } as never;
    },
  };
  return { port, arrivals };
}

test("messages to one customer are spaced a second apart; other customers are not held up", async () => {
  const time = fakeTime();
  const telegram = fakeTelegram(time.now);
  const port = limitedPort(telegram.port, { limiter: new RateLimiter({ now: time.now }), sleep: time.sleep });
  await Promise.all([
    port.call("sendMessage", { chat_id: 7, text: "1" }).then(() => port.call("sendMessage", { chat_id: 7, text: "2" })),
    port.call("sendMessage", { chat_id: 8, text: "a" }),
  ]);
  const at = (chat: number) => telegram.arrivals.filter((a) => a.chat === chat).map((a) => a.at);
  assert.deepEqual(at(7), [0, 1000]);
  assert.deepEqual(at(8), [0]);
});

test("a burst from many conversations into the group never exceeds 20 per minute", async () => {
  const time = fakeTime();
  const telegram = fakeTelegram(time.now);
  const port = limitedPort(telegram.port, { limiter: new RateLimiter({ now: time.now }), sleep: time.sleep });
  await Promise.all(Array.from({ length: 25 }, (_, i) => port.call("sendMessage", { chat_id: -1001, text: `m${i}` })));
  const times = telegram.arrivals.map((a) => a.at).sort((a, b) => a - b);
  assert.equal(times.length, 25);
  for (let i = 20; i < times.length; i++) {
    assert.ok((times[i] as number) - (times[i - 20] as number) >= 60_000, `message ${i + 1} at ${times[i]}`);
  }
  for (let i = 1; i < times.length; i++) assert.ok((times[i] as number) - (times[i - 1] as number) >= 1000);
});

test("a 429 is passed on and holds that chat back for retry_after", async () => {
  const time = fakeTime();
  const flood = new TelegramApiError({ method: "sendMessage", code: 429, description: "Too Many Requests: retry after 5", retryAfter: 5 });
  const telegram = fakeTelegram(time.now, (n) => (n === 0 ? flood : undefined));
  const port = limitedPort(telegram.port, { limiter: new RateLimiter({ now: time.now }), sleep: time.sleep });
  await assert.rejects(port.call("sendMessage", { chat_id: 7, text: "1" }), flood);
  await port.call("sendMessage", { chat_id: 7, text: "1 again" });
  assert.deepEqual(telegram.arrivals.map((a) => a.at), [0, 5000]);
});

test("calls that are not message sends go straight through", async () => {
  const time = fakeTime();
  const telegram = fakeTelegram(time.now);
  const limiter = new RateLimiter({ now: time.now });
  limiter.penalizeAll(60_000);
  const port = limitedPort(telegram.port, { limiter, sleep: time.sleep });
  await port.call("getUpdates", { timeout: 0 });
  await port.call("sendChatAction", { chat_id: 7, action: "typing" });
  assert.deepEqual(telegram.arrivals.map((a) => a.at), [0, 0]);
});

test("an abort while waiting for the limiter sends nothing", async () => {
  const time = fakeTime();
  const telegram = fakeTelegram(time.now);
  const limiter = new RateLimiter({ now: time.now });
  limiter.penalize(7, 10_000);
  const port = limitedPort(telegram.port, { limiter, sleep: time.sleep });
  const controller = new AbortController();
  const sending = port.call("sendMessage", { chat_id: 7, text: "x" }, { signal: controller.signal });
  controller.abort();
  await assert.rejects(sending, { name: "AbortError" });
  assert.equal(telegram.arrivals.length, 0);
});

test("card edits yield to new cards in the channel and leave them headroom in its minute", async () => {
  const time = fakeTime();
  const telegram = fakeTelegram(time.now);
  const channel = -1001;
  const port = limitedPort(telegram.port, {
    limiter: new RateLimiter({ now: time.now }),
    sleep: time.sleep,
    priorityOf: (method) => (method.startsWith("editMessage") ? "low" : "normal"),
  });
  // 20 edits queued first, then 5 new cards: every card goes out before any edit that waited.
  const edits = Array.from({ length: 20 }, (_, i) => port.call("editMessageText", { chat_id: channel, message_id: i + 1, text: `e${i}` }));
  const cards = Array.from({ length: 5 }, (_, i) => port.call("sendMessage", { chat_id: channel, text: `card ${i}` }));
  await Promise.all([...edits, ...cards]);
  const order = telegram.arrivals.map((a) => a.method);
  const lastCard = order.lastIndexOf("sendMessage");
  assert.ok(lastCard <= 5, `all cards went within the first six sends: ${order.slice(0, 8).join(", ")}`);
  // Edits alone never fill the channel's minute: 15 of 20, the 5 left are for new cards.
  const editTimes = telegram.arrivals.filter((a) => a.method === "editMessageText").map((a) => a.at);
  const firstMinute = telegram.arrivals.filter((a) => a.at < 60_000);
  assert.ok(firstMinute.filter((a) => a.method === "editMessageText").length + 5 <= 20, "headroom kept");
  assert.equal(editTimes.length, 20, "every edit went out in the end");
  const times = telegram.arrivals.map((a) => a.at).sort((a, b) => a - b);
  for (let i = 20; i < times.length; i++) assert.ok((times[i] as number) - (times[i - 20] as number) >= 60_000, "still 20 a minute in all");
});

test("at most maxInFlight calls are in flight; the rest wait their turn in order", async () => {
  let inFlight = 0;
  let peak = 0;
  const order: number[] = [];
  const releases: Array<() => void> = [];
  const inner: TelegramPort = {
    async call(_method, params) {
      peak = Math.max(peak, ++inFlight);
      order.push((params as { n: number }).n);
      await new Promise<void>((r) => releases.push(r));
      inFlight--;
      return true as never;
    },
  };
  const port = limitedPort(inner, { limiter: new RateLimiter({ enabled: false }), maxInFlight: 3 });
  const calls = Array.from({ length: 10 }, (_, n) => port.call("getChat", { chat_id: 1, n } as never));
  for (let done = 0; done < 10; done++) {
    await new Promise((r) => setImmediate(r));
    releases.shift()?.();
  }
  await Promise.all(calls);
  assert.equal(peak, 3);
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

/**
 * A limited port with one slot over a port that records each call's `n` and holds the first
 * call until `release()`: the calls after it wait for the slot.
 */
function oneSlotHoldingFirst() {
  const seen: number[] = [];
  let held: (() => void) | undefined;
  const inner: TelegramPort = {
    async call(_method, params) {
      seen.push((params as { n: number }).n);
      if (seen.length === 1) await new Promise<void>((r) => (held = r));
      return true as never;
    },
  };
  const port = limitedPort(inner, { limiter: new RateLimiter({ enabled: false }), maxInFlight: 1 });
  return { port, seen, release: () => held?.() };
}

test("a call aborted while waiting for its turn gives its place up and sends nothing", async () => {
  const { port, seen, release } = oneSlotHoldingFirst();
  const first = port.call("getChat", { chat_id: 1, n: 1 } as never);
  const controller = new AbortController();
  const second = port.call("getChat", { chat_id: 1, n: 2 } as never, { signal: controller.signal });
  const third = port.call("getChat", { chat_id: 1, n: 3 } as never);
  controller.abort(new Error("stop"));
  await assert.rejects(second, /stop/);
  await new Promise((r) => setImmediate(r));
  release();
  await Promise.all([first, third]);
  assert.deepEqual(seen, [1, 3]);
});

test("many calls waiting on one signal (the deliverer's) keep one listener on it, and its abort ends them all", async () => {
  const warnings: Error[] = [];
  const onWarning = (w: Error): void => void warnings.push(w);
  process.on("warning", onWarning);
  try {
    const { port, seen, release } = oneSlotHoldingFirst();
    const first = port.call("getChat", { chat_id: 1, n: 0 } as never);
    const shared = new AbortController();
    // More than Node's 10-listener warning threshold wait for the one slot on the same signal.
    const waiting = Array.from({ length: 30 }, (_, n) => port.call("getChat", { chat_id: 1, n: n + 1 } as never, { signal: shared.signal }).catch((e: unknown) => e));
    assert.equal(getEventListeners(shared.signal, "abort").length, 1);
    shared.abort(new Error("stopping"));
    const errs = await Promise.all(waiting);
    assert.ok(errs.every((e) => (e as Error).message === "stopping"), "every waiting call ended with the abort");
    release();
    await first;
    assert.deepEqual(seen, [0], "no aborted call was sent");
    assert.equal(getEventListeners(shared.signal, "abort").length, 0);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(warnings.filter((w) => w.name === "MaxListenersExceededWarning").map((w) => w.message), []);
  } finally {
    process.off("warning", onWarning);
  }
});

test("a call that got its slot on a shared signal takes its listener off; the last one leaves none", async () => {
  const releases: Array<() => void> = [];
  const inner: TelegramPort = {
    async call() {
      await new Promise<void>((r) => releases.push(r));
      return true as never;
    },
  };
  const port = limitedPort(inner, { limiter: new RateLimiter({ enabled: false }), maxInFlight: 1 });
  const shared = new AbortController();
  const calls = Array.from({ length: 12 }, (_, n) => port.call("getChat", { chat_id: 1, n } as never, { signal: shared.signal }));
  for (let done = 0; done < 12; done++) {
    await new Promise((r) => setImmediate(r));
    releases.shift()?.();
  }
  assert.deepEqual(await Promise.all(calls), Array(12).fill(true));
  assert.equal(getEventListeners(shared.signal, "abort").length, 0);
});
