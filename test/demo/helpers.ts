/** Talking to a running demo over HTTP, as the page does, and waiting on what it shows. */
import type { TelegramMessage } from "@gramio/types";
import type { DemoView } from "../../src/demo/index.ts";

/** GET a JSON endpoint; throws on a non-2xx answer. */
export async function getJson<T = unknown>(url: string): Promise<T> {
  const res = await fetch(url);
  const body = (await res.json()) as T;
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** POST a JSON body; throws on a non-2xx answer (with the error the page would show). */
export async function postJson<T = unknown>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const answer = (await res.json()) as T;
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${JSON.stringify(answer)}`);
  return answer;
}

/**
 * Polls `probe` until it returns something other than undefined/null/false and returns
 * that; fails after `timeoutMs` naming `what` and the last value seen.
 */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    last = await probe();
    if (last !== undefined && last !== null && last !== false) return last as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The demo's snapshot for a customer (and optionally a card). */
export function view(base: string, customer?: number, card?: number): Promise<DemoView> {
  const q = new URLSearchParams();
  if (customer !== undefined) q.set("customer", String(customer));
  if (card !== undefined) q.set("card", String(card));
  return getJson<DemoView>(`${base}/demo/view?${q}`);
}

/** What a message shows as text (text or caption). */
export const textOf = (m: TelegramMessage): string => m.text ?? m.caption ?? "";
