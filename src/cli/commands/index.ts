/**
 * Every `clientes` command, in the order `--help` lists them. To add one, create
 * src/cli/commands/<name>.ts exporting `register(program, ctx)` and add one line here.
 */
import type { CommandModule } from "../context.ts";
import * as replies from "./replies.ts";
import * as start from "./start.ts";

export const COMMANDS: readonly CommandModule[] = [
  // init, check, start, staff, status, demo: added by their owners.
  start,
  replies,
];
