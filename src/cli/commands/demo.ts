/**
 * `clientes demo`: the whole product offline. Starts the sandbox Telegram, the real daemon
 * and a local web page; prints the page's address on stdout (everything else goes to
 * stderr) and runs until Ctrl+C, then stops everything and removes its temp folder.
 */
import { networkInterfaces } from "node:os";
import { Option, type Command } from "commander";
import { pageUrl, startDemo } from "../../demo/index.ts";
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

/** `--host`: an address or name to listen on, checked for shape (listening says the rest). */
export function parseHost(raw: string): string {
  const host = raw.trim();
  if (host === "" || /[\s/]/.test(host) || host.includes("://")) {
    throw new UsageError(`--host must be an address like 0.0.0.0, 192.168.1.20 or a host name, got "${raw}"`, {
      hint: "leave --host out to stay on this machine (127.0.0.1)",
    });
  }
  return host;
}

/** Only this machine can reach these. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}

/** The page's address on each of this machine's other network interfaces (for a wildcard host). */
function otherAddresses(host: string, port: number): string[] {
  if (host !== "0.0.0.0" && host !== "::") return [];
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal || (host === "0.0.0.0" && a.family !== "IPv4")) continue;
      if (a.family === "IPv6" && a.address.startsWith("fe80:")) continue; // link-local needs a zone id
      out.push(pageUrl(a.address, port));
    }
  }
  return out;
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
    .option("--port <n>", "port of the web page (default: any free port)")
    .option("--host <address>", "where the web page listens (default 127.0.0.1: this machine only; 0.0.0.0: every network)")
    .option("--keep", "keep the temp folder (config, store, replies) after stopping, and print its path")
    .addOption(new Option("--locale <locale>", "language of the bot's texts and of the page").choices([...LOCALES]).default("en"))
    .addHelpText(
      "after",
      `
Examples:
  $ clientes demo                 then open the printed address in a browser
  $ clientes demo --port 8080 --locale pt-BR
  $ clientes demo --host 0.0.0.0 --port 8080   open it from another machine (a VM, a phone)

Nothing reaches Telegram: the bot, the channel, the group and the people are simulated,
and the relay in between is the real one, run with a generated config in a temp folder.
The desk keeps business hours, 1-minute response targets and the rating survey; the page's
"🌙 After hours" button moves the desk's clock to its next closed period (the away text).
Stop with Ctrl+C: everything stops and the temp folder is removed (unless --keep).

With --host, anyone who can reach that address can play the desk (write as customers and
staff): use it on a network you trust. The page answers only its own address (no other
site's page can use it), and the sandbox Telegram stays on 127.0.0.1.`,
    )
    .action(
      ctx.action(async (opts: { port?: string; host?: string; keep?: boolean; locale: Locale }) => {
        const { rt } = ctx;
        const port = opts.port === undefined ? 0 : parsePort(opts.port);
        const host = opts.host === undefined ? "127.0.0.1" : parseHost(opts.host);
        const log = createLogger(rt.stderr, { level: "info" });
        const demo = await startDemo({
          port,
          host,
          locale: opts.locale,
          keep: opts.keep === true,
          log,
          pid: rt.pid,
          isPidAlive: rt.isPidAlive,
          signal: rt.shutdown,
        });
        rt.stderr.write(`clientes demo: sandbox Telegram at ${demo.sandbox.apiRoot}; files in ${demo.dir}\n`);
        if (!isLoopback(host)) {
          const warn = ctx.style.stderr.warn("⚠");
          rt.stderr.write(`${warn} clientes demo: listening on ${host}: anyone who can reach it can play the desk (write as customers and staff)\n`);
          for (const other of otherAddresses(host, Number(new URL(demo.url).port))) {
            rt.stderr.write(`clientes demo: also at ${other}\n`);
          }
        }
        rt.stdout.write(`clientes demo: open ${demo.url}\n`);
        rt.stderr.write("clientes demo: press Ctrl+C to stop\n");

        const failed = await Promise.race([aborted(rt.shutdown).then(() => null), demo.daemon]);
        if (!failed) rt.stderr.write(`clientes demo: stopping${opts.keep ? "" : " (temp folder already removed)"}…\n`);
        await demo.close();
        if (opts.keep) rt.stderr.write(`clientes demo: stopped; kept ${demo.dir}\n`);
        else rt.stderr.write("clientes demo: stopped; temp folder removed\n");
        if (failed) throw new CliError(`the relay stopped: ${failed.message}`, { hint: "this is a bug in clientes demo; run again with --debug and report it", cause: failed });
        return EXIT.OK;
      }),
    );
}
