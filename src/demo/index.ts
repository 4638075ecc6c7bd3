/**
 * `clientes demo`: the whole product offline — the sandbox Telegram, the real daemon and a
 * local web page to play customers and staff side by side.
 */
export { startDemo, demoCustomers, DemoError, PAGE_DIR } from "./demo.ts";
export type { Demo, DemoOptions } from "./demo.ts";
export type { DemoView, CardView, ViewQuery } from "./view.ts";
export { pageUrl } from "./server.ts";
export { DeskClock, type ClockStatus } from "./clock.ts";
export { castFor } from "./cast.ts";
export type { Cast, Person } from "./cast.ts";
