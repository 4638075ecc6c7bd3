/**
 * Every `clientes` command, in the order `--help` lists them. To add one, create
 * src/cli/commands/<name>.ts exporting `register(program, ctx)` and add one line here.
 */
import type { CommandModule } from "../context.ts";
import * as check from "./check.ts";
import * as completion from "./completion.ts";
import * as demo from "./demo.ts";
import * as init from "./init.ts";
import * as replies from "./replies.ts";
import * as report from "./report.ts";
import * as staff from "./staff.ts";
import * as start from "./start.ts";
import * as status from "./status.ts";

export const COMMANDS: readonly CommandModule[] = [
  demo,
  init,
  check,
  start,
  replies,
  staff,
  status,
  report,
  completion,
];
