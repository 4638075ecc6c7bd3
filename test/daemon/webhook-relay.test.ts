/**
 * The relay suites again, with the daemon receiving updates by webhook instead of getUpdates
 * (issue 13): the same scenarios, the same judgement of what customers and the team see.
 * One process for the three, so their desks run side by side and the run costs little more
 * than the slowest suite. Any other suite runs by webhook with CLIENTES_TEST_MODE=webhook.
 */
import { after, describe } from "node:test";
import assert from "node:assert/strict";

process.env["CLIENTES_TEST_MODE"] = "webhook";
const { startedModes } = await import("./harness.ts");

for (const suite of ["relay", "edits", "threads"]) {
  describe(`by webhook: ${suite}.test.ts`, async () => {
    await import(`./${suite}.test.ts`);
  });
}

after(() => {
  assert.ok(startedModes.length >= 3, `the suites started their desks (${startedModes.length})`);
  assert.deepEqual(new Set(startedModes), new Set(["webhook"]), "every desk ran by webhook");
});
