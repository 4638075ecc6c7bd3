import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { describe, test } from "node:test";
import {
  CTRL_C,
  inquirerPrompter,
  noTTYPrompter,
  NoTTYError,
  requirePrompter,
  scriptedPrompter,
} from "../../src/cli/prompts.ts";
import { PromptCancelled } from "../../src/errors.ts";
import { fakeRuntime } from "./helpers.ts";

describe("scriptedPrompter", () => {
  test("answers in order and records the questions", async () => {
    const p = scriptedPrompter(["Ana", true, "b", ["x"]]);
    assert.equal(await p.input({ message: "Name" }), "Ana");
    assert.equal(await p.confirm({ message: "Sure?" }), true);
    const choice = await p.select({ message: "Pick", choices: [{ name: "A", value: "a" }, { name: "B", value: "b" }] });
    assert.equal(choice, "b");
    assert.deepEqual(await p.checkbox({ message: "Some", choices: [{ name: "X", value: "x" }] }), ["x"]);
    assert.deepEqual(p.asked, ["Name", "Sure?", "Pick", "Some"]);
    assert.equal(p.remaining, 0);
  });

  test("undefined accepts the question's default", async () => {
    const p = scriptedPrompter([undefined, undefined, undefined]);
    assert.equal(await p.input({ message: "Id", default: "horario" }), "horario");
    assert.equal(await p.confirm({ message: "Sure?", default: true }), true);
    assert.equal(await p.select({ message: "Mode", choices: [{ name: "a", value: 1 }, { name: "b", value: 2 }], default: 2 }), 2);
  });

  test("a question without a scripted answer fails with a clear message", async () => {
    const p = scriptedPrompter([]);
    await assert.rejects(p.input({ message: "Title" }), /no scripted answer for input question "Title"/);
  });

  test("CTRL_C and PromptCancelled answers cancel the prompt", async () => {
    const p = scriptedPrompter([CTRL_C, new PromptCancelled()]);
    await assert.rejects(p.input({ message: "a" }), PromptCancelled);
    await assert.rejects(p.confirm({ message: "b" }), PromptCancelled);
  });

  test("an answer the question's validate refuses fails the test instead of slipping through", async () => {
    const p = scriptedPrompter(["Bad Id"]);
    await assert.rejects(
      p.input({ message: "Id", validate: (v) => (/^[a-z]+$/.test(v) ? true : "lowercase only") }),
      /was refused: lowercase only/,
    );
  });

  test("a select answer that is not a choice fails", async () => {
    const p = scriptedPrompter(["zzz"]);
    await assert.rejects(p.select({ message: "Mode", choices: [{ name: "a", value: "a" }] }), /not a choice/);
  });
});

describe("no TTY", () => {
  test("requirePrompter names the flag to pass instead", () => {
    const err = (() => {
      try {
        requirePrompter({ prompter: scriptedPrompter([]), interactive: false }, "--title", "the reply's title");
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(err instanceof NoTTYError);
    assert.equal(err.flag, "--title");
    assert.match(err.message, /missing --title \(the reply's title\): stdin is not a terminal/);
  });

  test("noTTYPrompter refuses every question", async () => {
    const p = noTTYPrompter();
    await assert.rejects(p.input({ message: "x" }), NoTTYError);
    await assert.rejects(p.confirm({ message: "x" }), NoTTYError);
  });
});

/** Resolves once `read()` satisfies `ok`, polling until a deadline. */
async function waitFor(read: () => string, ok: (s: string) => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok(read())) {
    if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(read())}`);
    await new Promise((r) => setImmediate(r));
  }
}

describe("inquirerPrompter", () => {
  test("asks on stderr (never stdout) and reads the answer from stdin", async () => {
    const { rt, stdout, stderr } = fakeRuntime([], { cwd: "/", tty: true });
    const p = inquirerPrompter(rt);
    const answer = p.input({ message: "Your name?" });
    await waitFor(stderr, (s) => s.includes("Your name?"));
    (rt.stdin as PassThrough).write("Ana\r");
    assert.equal(await answer, "Ana");
    assert.equal(stdout(), "");
  });

  test("Ctrl+C rejects with PromptCancelled", async () => {
    const { rt, stderr } = fakeRuntime([], { cwd: "/", tty: true });
    const p = inquirerPrompter(rt);
    const answer = p.confirm({ message: "Remove it?" });
    await waitFor(stderr, (s) => s.includes("Remove it?"));
    (rt.stdin as PassThrough).write("\x03");
    await assert.rejects(answer, PromptCancelled);
  });
});
