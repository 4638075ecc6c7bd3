import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError } from "../../src/config/errors.ts";
import { parseConfig } from "../../src/config/parse.ts";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const VALID = `bot:\n  token: "${TOKEN}"\nchannel: -1001234567890\ngroup: -1009876543210\n`;

const parse = (extra: string) => parseConfig(`${VALID}${extra}\n`, "config.yaml", {}, "/srv");

/** The error lines a config's extra keys produce. */
function problems(extra: string): string[] {
  try {
    parse(extra);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.match(err.hint ?? "", /config\.example\.yaml/);
    return err.message.split("\n");
  }
  assert.fail("expected a ConfigError");
}

const hoursWith = (week: string, rest = ""): string => `hours:\n  timezone: "America/Sao_Paulo"\n  week:\n${week}${rest}`;

test("hours: the example in the README parses into ranges per weekday", () => {
  const config = parse(hoursWith(`    mon-fri: "09:00-18:00"\n    sat: "09:00-12:00"\n`, `  holidays: ["2026-12-25", "01-01"]`));
  const nine_six = [{ from: 540, to: 1080 }];
  assert.deepEqual(config.hours, {
    timezone: "America/Sao_Paulo",
    week: { mon: nine_six, tue: nine_six, wed: nine_six, thu: nine_six, fri: nine_six, sat: [{ from: 540, to: 720 }], sun: [] },
    holidays: ["2026-12-25", "01-01"],
  });
  assert.equal(config.sla, undefined);
});

test("hours: several ranges a day, lists, day lists, 24:00 and a zone in any case", () => {
  const config = parse(
    `hours:\n  timezone: america/sao_paulo\n  week:\n    mon-wed, fri: "09:00-12:00, 13:00-18:00"\n    thu: ["08:00-10:00", "22:00-24:00"]\n    sun:\n`,
  );
  assert.equal(config.hours?.timezone, "America/Sao_Paulo");
  assert.deepEqual(config.hours?.week.wed, [{ from: 540, to: 720 }, { from: 780, to: 1080 }]);
  assert.deepEqual(config.hours?.week.thu, [{ from: 480, to: 600 }, { from: 1320, to: 1440 }]);
  assert.deepEqual(config.hours?.week.sun, []);
  assert.deepEqual(config.hours?.week.sat, []);
});

test("hours: each mistake is reported with its key and the fix", () => {
  const cases: Array<[string, string]> = [
    [`hours: "9-18"`, `config.yaml: hours: expected a mapping like {timezone: "America/Sao_Paulo", week: {mon-fri: "09:00-18:00"}}, got "9-18"`],
    [
      hoursWith(`    mon-fri: "09:00-18:00"\n`).replace("America/Sao_Paulo", "America/Sao_Paolo"),
      `config.yaml: hours.timezone: "America/Sao_Paolo" is not a time zone; did you mean "America/Sao_Paulo"? (expected an IANA time zone like "America/Sao_Paulo", "Europe/Lisbon" or "UTC")`,
    ],
    [
      `hours:\n  week:\n    mon: "09:00-18:00"`,
      `config.yaml: hours.timezone: missing; expected an IANA time zone like "America/Sao_Paulo", "Europe/Lisbon" or "UTC"`,
    ],
    [
      hoursWith(`    mon-fry: "09:00-18:00"\n`),
      `config.yaml: hours.week.mon-fry: "fry" is not a day; did you mean "fri"? (write mon, tue, wed, thu, fri, sat or sun, or a range like mon-fri)`,
    ],
    [
      hoursWith(`    segunda: "09:00-18:00"\n`),
      `config.yaml: hours.week.segunda: "segunda" is not a day (write mon, tue, wed, thu, fri, sat or sun, or a range like mon-fri)`,
    ],
    [hoursWith(`    fri-mon: "09:00-18:00"\n`), `config.yaml: hours.week.fri-mon: days run from mon to sun, so "fri-mon" is backwards; write it as fri-sun and mon`],
    [
      hoursWith(`    sat: "18:00-02:00"\n`),
      `config.yaml: hours.week.sat: "18:00-02:00" ends before it starts; a range that crosses midnight is two ranges: "18:00-24:00" on one day and "00:00-02:00" on the next`,
    ],
    [
      hoursWith(`    mon: "09:00-09:00"\n`),
      `config.yaml: hours.week.mon: "09:00-09:00" ends before it starts; a range that crosses midnight is two ranges: "09:00-24:00" on one day and "00:00-09:00" on the next`,
    ],
    [
      hoursWith(`    mon: "09:00-12:00, 11:00-18:00"\n`),
      `config.yaml: hours.week.mon: "11:00-18:00" overlaps "09:00-12:00" on mon; make the ranges separate, like "09:00-12:00, 13:00-18:00"`,
    ],
    [
      hoursWith(`    mon-fri: "09:00-18:00"\n    wed: "17:00-20:00"\n`),
      `config.yaml: hours.week.wed: "17:00-20:00" overlaps "09:00-18:00" (from mon-fri) on wed; make the ranges separate, like "09:00-12:00, 13:00-18:00"`,
    ],
    [hoursWith(`    mon: "09:00"\n`), `config.yaml: hours.week.mon: expected opening hours like "09:00-18:00" or "09:00-12:00, 13:00-18:00", got "09:00"`],
    [
      hoursWith(`    mon: "9h-18h"\n`),
      `config.yaml: hours.week.mon: "9h" is not a time; write HH:MM from 00:00 to 24:00, like "09:00-18:00" or "09:00-12:00, 13:00-18:00"`,
    ],
    [
      hoursWith(`    mon: "09:00-25:00"\n`),
      `config.yaml: hours.week.mon: "25:00" is not a time; write HH:MM from 00:00 to 24:00, like "09:00-18:00" or "09:00-12:00, 13:00-18:00"`,
    ],
    [
      hoursWith(`    sun:\n`),
      `config.yaml: hours.week: no opening hours on any day; give at least one, like mon-fri: "09:00-18:00" (or remove hours: to be open all the time)`,
    ],
    [
      `hours:\n  timezone: UTC`,
      `config.yaml: hours.week: missing; expected opening hours per day, like {mon-fri: "09:00-18:00", sat: "09:00-12:00"}`,
    ],
    [
      hoursWith(`    mon: "09:00-18:00"\n`, `  holidays: ["2026-12-25", "2026-02-30", "25/12"]`),
      `config.yaml: hours.holidays[1]: "2026-02-30" is not a date; write YYYY-MM-DD for one day (like "2026-12-25") or MM-DD for every year (like "01-01")`,
    ],
    [hoursWith(`    mon: "09:00-18:00"\n`, `  holiday: ["2026-12-25"]`), `config.yaml: hours.holiday: unknown key; did you mean "holidays"?`],
  ];
  for (const [extra, expected] of cases) assert.equal(problems(extra)[0], expected, extra);
  // Every bad date is reported, not only the first.
  assert.equal(problems(hoursWith(`    mon: "09:00-18:00"\n`, `  holidays: ["2026-02-30", "25/12"]`)).length, 2);
});

test("sla: targets in minutes; each mistake named", () => {
  assert.deepEqual(parse(`sla:\n  first_response_minutes: 30\n  response_minutes: 60`).sla, { firstResponseMinutes: 30, responseMinutes: 60 });
  assert.deepEqual(parse(`sla: {response_minutes: 120}`).sla, { responseMinutes: 120 });
  assert.deepEqual(problems(`sla: {first_response_minutes: "30m"}`), [
    `config.yaml: sla.first_response_minutes: expected a whole number of minutes, 1 or more (like 30), got "30m"`,
  ]);
  assert.deepEqual(problems(`sla: {first_reply_minutes: 30}`), [`config.yaml: sla.first_reply_minutes: unknown key; did you mean "first_response_minutes"?`]);
  assert.deepEqual(problems(`sla: {}`), [`config.yaml: sla: no target set; expected {first_response_minutes: 30, response_minutes: 60} (either key, or both)`]);
  assert.deepEqual(problems(`sla: 30`), [`config.yaml: sla: expected a mapping like {first_response_minutes: 30, response_minutes: 60}, got 30`]);
});

test("config.example.yaml documents hours: and sla:, and both parse once uncommented", async () => {
  const { readFile } = await import("node:fs/promises");
  const source = await readFile(new URL("../../config.example.yaml", import.meta.url), "utf8");
  const lines = source.split("\n");
  const block = (key: string): string[] => {
    const from = lines.indexOf(`# ${key}:`);
    const out = [lines[from]!.slice(2)];
    for (let i = from + 1; lines[i]?.startsWith("#   "); i++) out.push(lines[i]!.slice(2));
    return out;
  };
  for (const key of ["hours", "sla"]) {
    const at = lines.indexOf(`# ${key}:`);
    assert.ok(at > 0, `${key} is in the example`);
    assert.match(lines[at - 1] ?? "", /^#/, `${key} is explained above it`);
  }
  const config = parseConfig(`${source}\n${block("hours").join("\n")}\n${block("sla").join("\n")}\n`, "config.example.yaml", { CLIENTES_BOT_TOKEN: TOKEN }, "/srv");
  assert.equal(config.hours?.timezone, "America/Sao_Paulo");
  assert.deepEqual(config.hours?.holidays, ["2026-12-25", "01-01"]);
  assert.deepEqual(config.hours?.week.sat, [{ from: 540, to: 720 }]);
  assert.deepEqual(config.sla, { firstResponseMinutes: 30, responseMinutes: 60 });
});
