/** Reply ids made from titles, for `clientes replies add`. */
import { fold } from "./search.ts";

/** `"Horário de atendimento"` → `"horario-de-atendimento"`: a valid id (see ID_PATTERN), or "reply". */
export function idFromTitle(title: string): string {
  const slug = fold(title)
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, 32)
    .replace(/-+$/, "");
  return slug === "" ? "reply" : slug;
}

/** `base`, or `base-2`, `base-3`… (still at most 32 characters) when taken. */
export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const id = base.slice(0, 32 - suffix.length).replace(/-+$/, "") + suffix;
    if (!taken.has(id)) return id;
  }
}
