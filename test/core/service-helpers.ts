/** Business hours and instants for the service-level tests. */
import assert from "node:assert/strict";
import { WEEKDAYS, type Hours, type Weekday } from "../../src/core/hours.ts";

export const at = (iso: string): number => {
  const t = Date.parse(iso);
  assert.ok(!Number.isNaN(t), iso);
  return t;
};
export const iso = (t: number | undefined): string | undefined => (t === undefined ? undefined : new Date(t).toISOString());

/** Hours from a compact spec: { "mon-fri": "09:00-18:00" } (the parser's job, done simply here). */
export function hours(timezone: string, spec: Partial<Record<string, string>>, holidays: string[] = []): Hours {
  const week = Object.fromEntries(WEEKDAYS.map((d) => [d, []])) as unknown as Hours["week"];
  const min = (s: string): number => Number(s.split(":")[0]) * 60 + Number(s.split(":")[1]);
  for (const [key, ranges] of Object.entries(spec)) {
    const [a, b = a] = key.split("-") as [Weekday, Weekday?];
    for (const day of WEEKDAYS.slice(WEEKDAYS.indexOf(a), WEEKDAYS.indexOf(b!) + 1)) {
      for (const r of ranges!.split(",")) {
        const [from, to] = r.trim().split("-");
        week[day].push({ from: min(from!), to: min(to!) });
      }
    }
  }
  return { timezone, week, holidays };
}

// The desk of the README: São Paulo (UTC-3 all year since 2019).
export const SP = hours("America/Sao_Paulo", { "mon-fri": "09:00-18:00", sat: "09:00-12:00" }, ["2026-12-25"]);


/** A daemon clock that runs at real speed from an instant the test sets. */
export function clock(start: string) {
  let offset = at(start) - Date.now();
  return {
    now: () => Date.now() + offset,
    set(iso: string) {
      offset = at(iso) - Date.now();
    },
  };
}
