import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { COMMANDS, commandList, commandMenu, findCommand, parseCommand, type CommandScope } from "../../src/core/commands.ts";
import { commandMenus } from "../../src/daemon/menus.ts";
import { DEFAULT_TEXTS, LOCALES, renderText } from "../../src/texts.ts";

const SCOPES: CommandScope[] = ["thread", "private", "staff-private"];

test("every menu entry parses to a command of its scope, under a name Telegram accepts", () => {
  for (const locale of LOCALES) {
    const menus = commandMenus(locale);
    for (const [scope, menu] of [["private", menus.customer], ["thread", menus.staff]] as const) {
      assert.ok(menu.length > 0, `${locale} ${scope} menu`);
      for (const entry of menu) {
        assert.match(entry.command, /^[a-z0-9_]{1,32}$/, `${locale}: /${entry.command}`);
        assert.ok(entry.description.length >= 1 && entry.description.length <= 256, `${locale}: /${entry.command} description`);
        const parsed = parseCommand(`/${entry.command}`, "desk_bot");
        assert.ok(parsed, `${locale}: /${entry.command} parses`);
        assert.ok(findCommand(scope, parsed.name), `${locale}: /${entry.command} is a known ${scope} command`);
      }
    }
  }
});

test("names are unique within a scope and every command has both locales", () => {
  for (const scope of SCOPES) {
    const seen = new Map<string, string>();
    for (const c of COMMANDS.filter((x) => x.scope === scope)) {
      const names = new Set([...c.names["pt-BR"], ...c.names.en]);
      for (const name of names) {
        assert.equal(seen.get(name), undefined, `/${name} names both ${seen.get(name)} and ${c.id}`);
        seen.set(name, c.id);
      }
      for (const locale of LOCALES) {
        assert.ok(c.names[locale].length > 0 && c.usage[locale] && c.description[locale], `${c.id} in ${locale}`);
      }
    }
  }
});

test("/help lists every staff command, in each locale", () => {
  for (const locale of LOCALES) {
    const help = renderText(DEFAULT_TEXTS[locale].help, { note_prefix: "#", commands: commandList(locale, "thread") }, ["commands"]);
    for (const c of COMMANDS.filter((x) => x.scope === "thread")) {
      assert.ok(help.includes(c.usage[locale]), `${locale} help lists ${c.id}`);
    }
    assert.ok(!help.includes("{commands}"));
  }
});

test("the aliases people type reach the same command", () => {
  const id = (text: string): string | undefined => findCommand("thread", parseCommand(text, "desk_bot")!.name)?.id;
  assert.equal(id("/fim"), "close");
  assert.equal(id("/CLOSE silent"), "close");
  assert.equal(id("/fs"), "close-silent");
  assert.equal(id("/p 4"), "priority");
  assert.equal(id("/priority@desk_bot 4"), "priority");
  assert.equal(id("/ajuda"), "help");
  assert.equal(id("/frobnicate"), undefined);
  assert.equal(parseCommand("/p@other_bot 4", "desk_bot"), undefined, "addressed to another bot");
  assert.equal(id("/assumir"), "take");
  assert.equal(id("/atribuir Ana"), "assign");
  assert.equal(id("/liberar"), "release");
  assert.equal(id("/etiqueta a b"), "tag");
  assert.equal(id("/desetiquetar a"), "untag");
  assert.equal(id("/reabrir"), "reopen");
  assert.deepEqual(commandMenu("pt-BR", "thread").map((e) => e.command), ["assumir", "liberar", "atribuir", "fim", "fs", "reabrir", "p", "etiqueta", "desetiquetar", "ban", "unban", "resposta", "remover", "ajuda"]);
});

/** The README's command tables, by the scope their heading names. */
const README_HEADINGS: Record<CommandScope, string> = {
  thread: "### Staff commands (in a conversation's thread)",
  private: "### Customer commands (in their private chat with the bot)",
  "staff-private": "### Staff commands (in their private chat with the bot)",
};

test("README's command lists match the command table", async () => {
  const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
  for (const scope of SCOPES) {
    const commands = COMMANDS.filter((c) => c.scope === scope);
    const at = readme.indexOf(`${README_HEADINGS[scope]}\n`);
    if (commands.length === 0) {
      assert.equal(at, -1, `README lists ${scope} commands the bot does not have`);
      continue;
    }
    assert.notEqual(at, -1, `README has a "${README_HEADINGS[scope]}" section`);
    const rows = readme.slice(at).split("\n\n")[1]!.split("\n").filter((l) => l.startsWith("| `"));
    const named = new Set<string>();
    for (const row of rows) {
      for (const [, name] of row.matchAll(/`\/([a-z0-9_]+)/g)) {
        const c = findCommand(scope, name!);
        assert.ok(c, `README's /${name} is a ${scope} command in the table`);
        named.add(c.id);
      }
    }
    for (const c of commands) assert.ok(named.has(c.id), `README lists /${c.names.en[0]} (${c.id})`);
  }
});
