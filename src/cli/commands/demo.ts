/**
 * `clientes demo`: the whole product offline. Starts the sandbox Telegram, the real daemon
 * and a local web page; prints the page's address on stdout (everything else goes to
 * stderr) and runs until Ctrl+C, then stops everything and removes its temp folder.
 */
import { Option, type Command } from "commander";
import { startDemo } from "../../demo/index.ts";
import { createLogger } from "../../log.ts";
import { EXIT } from "../../runtime.ts";
import { LOCALES, type Locale } from "../../texts.ts";
import { CliError, UsageError, type CliContext } from "../context.ts";

/** `--port`: 0–65535 (0 = any free port). */
export function parsePort(raw: string): number {
  const port = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a number from 0 to 65535, got "${raw}"`, { hint: "leave --port out (or use 0) to take any free port" });
  }
  return port;
}

/** Resolves when `signal` is aborted (at once if it already is). */
function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("demo")
    .description("try everything offline: a sandbox Telegram, the real relay, and a web page to play customer and staff")
    .option("--port <n>", "port of the web page on 127.0.0.1 (default: any free port)")
    .option("--keep", "keep the temp folder (config, store, replies) after stopping, and print its path")
    .addOption(new Option("--locale <locale>", "language of the bot's texts and of the page").choices([...LOCALES]).default("en"))
    .addHelpText(
      "after",
      `
Examples:
  $ clientes demo                 then open the printed address in a browser
  $ clientes demo --port 8080 --locale pt-BR

Nothing reaches Telegram: the bot, the channel, the group and the people are simulated,
and the relay in between is the real one, run with a generated config in a temp folder.
Stop with Ctrl+C: everything stops and the temp folder is removed (unless --keep).`,
    )
    .action(
      ctx.action(async (opts: { port?: string; keep?: boolean; locale: Locale }) => {
        const { rt } = ctx;
        const port = opts.port === undefined ? 0 : parsePort(opts.port);
        const log = createLogger(rt.stderr, { level: "info" });
        const demo = await startDemo({
          port,
          locale: opts.locale,
          keep: opts.keep === true,
          log,
          pid: rt.pid,
          isPidAlive: rt.isPidAlive,
        });
        rt.stderr.write(`clientes demo: sandbox Telegram at ${demo.sandbox.apiRoot}; files in ${demo.dir}\n`);
        rt.stdout.write(`clientes demo: open ${demo.url}\n`);
        rt.stderr.write("clientes demo: press Ctrl+C to stop\n");

        const failed = await Promise.race([aborted(rt.shutdown).then(() => null), demo.daemon]);
        await demo.close();
        if (opts.keep) rt.stderr.write(`clientes demo: stopped; kept ${demo.dir}\n`);
        else rt.stderr.write("clientes demo: stopped; temp folder removed\n");
        if (failed) throw new CliError(`the relay stopped: ${failed.message}`, { hint: "this is a bug in clientes demo; run again with --debug and report it", cause: failed });
        return EXIT.OK;
      }),
    );
}
