import { test } from "node:test";
import assert from "node:assert/strict";
import { RateLimiter, countsAgainstLimits, isGroupChat } from "../../src/telegram/limiter.ts";

/** A limiter on a clock the test moves by hand. */
function limiterAt(start = 0, options: ConstructorParameters<typeof RateLimiter>[0] = {}) {
  const clock = { t: start };
  const limiter = new RateLimiter({ now: () => clock.t, ...options });
  /** Sends to chatId as soon as the limiter allows; returns when it went out. */
  const sendWhenAllowed = (chatId: number | string): number => {
    clock.t += limiter.delayFor(chatId);
    assert.equal(limiter.delayFor(chatId), 0);
    limiter.record(chatId);
    return clock.t;
  };
  return { clock, limiter, sendWhenAllowed };
}

test("a private chat gets at most one message per second; other chats do not wait", () => {
  const { clock, limiter } = limiterAt(10_000);
  assert.equal(limiter.delayFor(7), 0);
  limiter.record(7);
  assert.equal(limiter.delayFor(7), 1000);
  clock.t += 400;
  assert.equal(limiter.delayFor(7), 600);
  assert.equal(limiter.delayFor(8), 0, "another customer is not held back");
  clock.t += 600;
  assert.equal(limiter.delayFor(7), 0);
});

test("a burst to one customer goes out one per second", () => {
  const { sendWhenAllowed } = limiterAt(0);
  const times = [1, 2, 3, 4].map(() => sendWhenAllowed(7));
  assert.deepEqual(times, [0, 1000, 2000, 3000]);
});

test("the 21st message to a group within a minute waits until the window frees", () => {
  const { clock, limiter, sendWhenAllowed } = limiterAt(0, { perChatIntervalMs: 0 });
  for (let i = 0; i < 20; i++) {
    clock.t = i * 500;
    assert.equal(sendWhenAllowed(-1001234567890), i * 500);
  }
  clock.t = 10_000;
  assert.equal(limiter.delayFor(-1001234567890), 50_000, "the first send leaves the window at 60 s");
  clock.t = 60_000;
  assert.equal(limiter.delayFor(-1001234567890), 0);
  limiter.record(-1001234567890);
  assert.equal(limiter.delayFor(-1001234567890), 500, "then the window slides: the second send left at 0.5 s");
});

test("with default settings a group is paced 1/s and capped at 20 per minute", () => {
  const { sendWhenAllowed } = limiterAt(0);
  const times = Array.from({ length: 22 }, () => sendWhenAllowed(-42));
  assert.deepEqual(times.slice(0, 20), Array.from({ length: 20 }, (_, i) => i * 1000));
  assert.equal(times[20], 60_000);
  assert.equal(times[21], 61_000);
});

test("channels and groups by name or negative id count as groups; positive ids are private", () => {
  assert.equal(isGroupChat(-1001234567890), true);
  assert.equal(isGroupChat(-4567), true, "a basic group");
  assert.equal(isGroupChat("@suporte"), true);
  assert.equal(isGroupChat("-1001234567890"), true);
  assert.equal(isGroupChat(12345), false);
  assert.equal(isGroupChat("12345"), false);

  const { clock, limiter } = limiterAt(0, { perChatIntervalMs: 0 });
  for (let i = 0; i < 20; i++) limiter.record("@suporte");
  assert.equal(limiter.delayFor("@Suporte"), 60_000, "the same channel whatever the case");
  clock.t = 1;
  for (let i = 0; i < 20; i++) limiter.record(12345, clock.t + i * 1000);
  clock.t = 20_000;
  assert.equal(limiter.delayFor(12345), 0, "no per-minute cap for a private chat");
});

test("no more than 30 messages per second overall", () => {
  const { clock, limiter } = limiterAt(0);
  for (let chat = 1; chat <= 30; chat++) {
    clock.t = chat * 10;
    assert.equal(limiter.delayFor(chat), 0, `chat ${chat}`);
    limiter.record(chat);
  }
  clock.t = 500;
  assert.equal(limiter.delayFor(31), 510, "the first send leaves the 1 s window at 1010 ms");
  clock.t = 1010;
  assert.equal(limiter.delayFor(31), 0);
});

test("in-flight sends hold their slot until they complete", () => {
  const { clock, limiter } = limiterAt(0);
  for (let chat = 1; chat <= 30; chat++) limiter.reserve(chat);
  assert.equal(limiter.delayFor(31), 1000, "30 sends on the way: nothing else may start");
  assert.equal(limiter.delayFor(1), 1000, "nor a second one to the same chat");
  clock.t = 200;
  for (let chat = 1; chat <= 30; chat++) limiter.record(chat);
  assert.equal(limiter.delayFor(31), 1000, "counted from completion, not from start");
  limiter.reserve(31);
  limiter.release(31);
  clock.t = 1200;
  assert.equal(limiter.delayFor(31), 0, "a released reservation takes no slot");
});

test("a 429 holds that chat back for retry_after; an overall penalty holds everyone", () => {
  const { clock, limiter } = limiterAt(0);
  limiter.penalize(7, 5000);
  assert.equal(limiter.delayFor(7), 5000);
  assert.equal(limiter.delayFor(8), 0);
  clock.t = 4000;
  assert.equal(limiter.delayFor(7), 1000);
  clock.t = 5000;
  assert.equal(limiter.delayFor(7), 0);

  limiter.penalizeAll(3000);
  assert.equal(limiter.delayFor(8), 3000);
  assert.equal(limiter.delayFor(-100), 3000);
});

test("a disabled limiter never makes anyone wait", () => {
  const { limiter } = limiterAt(0, { enabled: false });
  for (let i = 0; i < 100; i++) limiter.record(-42);
  limiter.penalize(-42, 60_000);
  limiter.penalizeAll(60_000);
  assert.equal(limiter.delayFor(-42), 0);
  assert.equal(limiter.delayFor(7), 0);
});

test("only sending and editing messages counts against the limits", () => {
  for (const method of ["sendMessage", "sendPhoto", "sendMediaGroup", "copyMessage", "copyMessages", "forwardMessage", "editMessageText", "editMessageReplyMarkup"]) {
    assert.equal(countsAgainstLimits(method), true, method);
  }
  for (const method of ["getUpdates", "getMe", "sendChatAction", "answerInlineQuery", "deleteMessage", "pinChatMessage", "getChat"]) {
    assert.equal(countsAgainstLimits(method), false, method);
  }
});

test("background sends (private messages to staff) take at most their share of the second, and hold back while a normal send waits", () => {
  const { clock, limiter } = limiterAt(0, { overallPerSecond: 5, backgroundPerSecond: 2 });
  limiter.record(101);
  assert.equal(limiter.delayFor(102, clock.t, "background"), 0);
  limiter.record(102);
  assert.ok(limiter.delayFor(103, clock.t, "background") > 0, "two sends in the last second: background waits");
  assert.equal(limiter.delayFor(7), 0, "a customer's message still goes at once");
  for (const chat of [7, 8, 9]) limiter.record(chat);
  const normal = limiter.delayFor(10);
  assert.ok(normal > 0, "the overall budget is full");
  clock.t += normal;
  // The overall window has room again, but a normal send was waiting for it: it goes first.
  assert.ok(limiter.delayFor(104, clock.t, "background") > 0);
  assert.equal(limiter.delayFor(10), 0);
  limiter.record(10);
  clock.t += 1000;
  assert.equal(limiter.delayFor(104, clock.t, "background"), 0, "once the second is quiet, background goes");
});

test("the memory of a group's last minute survives a restart, with one send assumed in flight", () => {
  const { clock, limiter, sendWhenAllowed } = limiterAt(1_000_000);
  for (let i = 0; i < 18; i++) sendWhenAllowed(-100);
  sendWhenAllowed(42); // private chats are not remembered: they do not fill up
  const memory = limiter.memory();
  assert.deepEqual(Object.keys(memory), ["-100"]);
  assert.equal(memory["-100"]!.length, 18);

  clock.t += 5_000;
  const next = new RateLimiter({ now: () => clock.t });
  next.remember(JSON.parse(JSON.stringify(memory)));
  // 18 remembered + 1 assumed in flight: one slot left in this minute, then the window must free.
  clock.t += next.delayFor(-100);
  next.record(-100);
  assert.ok(next.delayFor(-100) > 30_000, "the 21st send of the minute waits for the window");
  assert.deepEqual(new RateLimiter({ now: () => clock.t + 61_000 }).memory(), {});
});
