import { Command, CommanderError } from "commander";
import { EXIT, type Runtime } from "../runtime.ts";

/**
 * Runs the `clientes` CLI with the given runtime and resolves to the exit code
 * (0 ok, 1 failure, 2 bad usage or config). Never calls process.exit.
 */
export async function main(rt: Runtime): Promise<number> {
  const program = new Command("clientes")
    .description("Self-hosted Telegram customer-support relay")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => rt.stdout.write(s),
      writeErr: (s) => rt.stderr.write(s),
    });
  try {
    await program.parseAsync(rt.argv, { from: "user" });
    return EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    throw err;
  }
}
