/**
 * Many conversations at once: the daemon keeps a bounded number of calls in flight and
 * never piles listeners onto one signal (no MaxListenersExceededWarning in the log).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_IN_FLIGHT } from "../../src/telegram/limited.ts";
import { eventually, startDesk } from "./harness.ts";

function watchWarnings(): { list: string[]; stop(): void } {
  const list: string[] = [];
  const on = (w: Error): void => {
    if (w.name === "MaxListenersExceededWarning") list.push(w.message);
  };
  process.on("warning", on);
  return { list, stop: () => void process.off("warning", on) };
}

test("150 new conversations at once: all relayed, at most 64 calls in flight, no listener warning", { timeout: 60_000 }, async () => {
  const warnings = watchWarnings();
  const desk = await startDesk({ sandbox: { logRequests: false } });
  try {
    const { sb } = desk;
    const ids = Array.from({ length: 150 }, (_, i) => sb.addUser({ first_name: `Load${i}` }).id);
    for (const id of ids) sb.sendPrivate(id, { text: `load ${id}` });
    // Every customer's message is copied once its thread exists: 150 copies by the bot in the group.
    const copies = () => sb.messages(sb.groupId).filter((m) => m.from?.id === sb.bot.id).length;
    await eventually(() => copies() >= 150, "every first message in its thread", 45_000).catch((e) => {
      console.log(copies(), sb.messages(sb.channelId).length, desk.logs.slice(-20).join("\n"));
      throw e;
    });
    // The poll loop's getUpdates is the one call outside the deliveries' bound.
    assert.ok(desk.port.peakInFlight <= MAX_IN_FLIGHT + 1, `${desk.port.peakInFlight} calls in flight at once`);
    assert.deepEqual(warnings.list, []);
  } finally {
    await desk.close();
    warnings.stop();
  }
});

test("a paced backlog of 100 conversations: lanes wait for their turn without a listener warning, and a stop reports nothing", { timeout: 60_000 }, async () => {
  const warnings = watchWarnings();
  const desk = await startDesk({ rateLimits: true, sandbox: { logRequests: false } });
  try {
    const { sb } = desk;
    for (let i = 0; i < 100; i++) sb.sendPrivate(sb.addUser({ first_name: `Paced${i}` }).id, { text: `paced ${i}` });
    await sb.waitFor(() => sb.messages(sb.channelId).length >= 3, 10_000, "the first cards, paced");
    await desk.stop();
    assert.deepEqual(warnings.list, []);
    assert.deepEqual(desk.logs.filter((l) => /not delivered/.test(l)), []);
    assert.ok(desk.logs.some((l) => /stopping: \d+ deliveries kept for the next start/.test(l)));
  } finally {
    await desk.close();
    warnings.stop();
  }
});
