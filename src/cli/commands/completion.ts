/**
 * `clientes completion bash|zsh|fish`: a shell completion script, derived from the commander
 * program itself (commands, subcommands, options, their choices), so a new command or
 * option completes without touching this file.
 */
import { Argument, type Command, type Help, type Option } from "commander";
import { EXIT } from "../../runtime.ts";
import type { CliContext } from "../context.ts";

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

/** An option as completion sees it. */
export interface CompletionOption {
  /** "--config", "-y", … */
  flags: string[];
  description: string;
  /** Set when the option takes a value: its choices, or whether it is a file. */
  value?: { choices?: readonly string[]; file: boolean };
}

/** A command and what may follow it. */
export interface CompletionCommand {
  name: string;
  /** Words from the program down to this command ([] for the program). */
  path: string[];
  description: string;
  /** The options of this command; they hold in its subcommands too (commander reads them there). */
  options: CompletionOption[];
  commands: CompletionCommand[];
  /** Its arguments are files (`<file>`, `[file]`, `<path>`). */
  fileArguments: boolean;
  /** The values its argument may take (`completion <shell>`: bash, zsh, fish). */
  argumentChoices: readonly string[];
}

const FILE_VALUE = /<(?:path|file)>|\[(?:path|file)\]/;

function short(description: string): string {
  const flat = description.replace(/\s+/g, " ").trim();
  return flat.length <= 72 ? flat : `${flat.slice(0, 71).trimEnd()}…`;
}

function optionOf(o: Option): CompletionOption {
  const flags = [o.short, o.long].filter((f): f is string => typeof f === "string");
  const out: CompletionOption = { flags, description: short(o.description ?? "") };
  if (o.required || o.optional) {
    out.value = { file: FILE_VALUE.test(o.flags), ...(o.argChoices ? { choices: o.argChoices } : {}) };
  }
  return out;
}

function commandOf(cmd: Command, help: Help, path: string[]): CompletionCommand {
  const own = path.length === 0 ? help.visibleOptions(cmd) : help.visibleOptions(cmd).filter((o) => o.long !== "--help");
  return {
    name: cmd.name(),
    path,
    description: short(cmd.description()),
    options: own.map(optionOf),
    commands: help.visibleCommands(cmd).map((sub) => commandOf(sub, help, [...path, sub.name()])),
    fileArguments: cmd.registeredArguments.some((a) => /^(?:file|path)$/.test(a.name())),
    argumentChoices: cmd.registeredArguments.flatMap((a) => a.argChoices ?? []),
  };
}

/** What completes where, read from the program (hidden commands and options left out). */
export function completionModel(program: Command): CompletionCommand {
  return commandOf(program, program.createHelp(), []);
}

function walk(c: CompletionCommand): CompletionCommand[] {
  return [c, ...c.commands.flatMap(walk)];
}

/** `'…'` for bash and zsh. */
function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `'…'` for fish (backslash and quote escaped inside single quotes). */
function fq(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

const key = (path: string[], word: string) => `${path.join(" ")}|${word}`;

/**
 * The `case` pattern for "`flag` typed at `c` or below it": an option holds in the command
 * it belongs to and in that command's subcommands.
 */
function below(c: CompletionCommand, flag: string): string {
  return `${c.path.length > 0 ? sq(c.path.join(" ")) : ""}*${sq(`|${flag}`)}`;
}

/** A command's options and its ancestors', nearest first. */
function inScope(root: CompletionCommand, c: CompletionCommand): CompletionOption[] {
  const chain = walk(root).filter((a) => a.path.length <= c.path.length && a.path.every((w, i) => c.path[i] === w));
  return chain.reverse().flatMap((a) => a.options);
}

/** The `case` arms shared by bash and zsh: walking the words so far to the command they name. */
function shCaseArms(root: CompletionCommand, indent: string): { descend: string; skip: string } {
  const all = walk(root);
  const descend = all
    .flatMap((c) => c.commands.map((sub) => `${indent}${sq(key(c.path, sub.name))}) cmdpath=${sq(sub.path.join(" "))} ;;`))
    .join("\n");
  const patterns = all.flatMap((c) => c.options.filter((o) => o.value).flatMap((o) => o.flags.map((f) => below(c, f))));
  const skip = patterns.length > 0 ? `${indent}${patterns.join("|")}) skip=1 ;;` : "";
  return { descend, skip };
}

/**
 * The loop bash and zsh run over the words before the cursor: it ends with `cmdpath` set
 * to the command they name, option values skipped. `armIndent` starts each case arm.
 */
function shWalk(root: CompletionCommand, first: string, cursor: string, words: string, armIndent: string): string {
  const { descend, skip } = shCaseArms(root, armIndent);
  return `  local cmdpath="" word i skip=0
  for ((i = ${first}; i < ${cursor}; i++)); do
    word="\${${words}[i]}"
    if ((skip)); then skip=0; continue; fi
    case "$cmdpath|$word" in
${descend}
    esac
    case "$cmdpath|$word" in
${skip}
    esac
  done
`;
}

/** For the word after an option that takes a value: files, its choices, or nothing to offer. */
function valueArms(root: CompletionCommand, indent: string, files: string, choices: (list: readonly string[]) => string, nothing: string): string {
  const arms: string[] = [];
  for (const c of walk(root)) {
    for (const o of c.options) {
      if (!o.value) continue;
      const body = o.value.choices ? choices(o.value.choices) : o.value.file ? files : nothing;
      arms.push(`${indent}${o.flags.map((f) => below(c, f)).join("|")}) ${body} ;;`);
    }
  }
  return arms.join("\n");
}

function bashScript(root: CompletionCommand): string {
  const listArms = walk(root)
    .map((c) => {
      const subs = [...c.commands.map((s) => s.name), ...c.argumentChoices].join(" ");
      const flags = inScope(root, c).flatMap((o) => o.flags).join(" ");
      return `    ${sq(c.path.join(" "))}) subs=${sq(subs)}; flags=${sq(flags)}; files=${c.fileArguments ? 1 : 0} ;;`;
    })
    .join("\n");
  return `# bash completion for clientes (generated by \`clientes completion bash\`)
# Now:      source <(clientes completion bash)
# For good: clientes completion bash > ~/.local/share/bash-completion/completions/clientes
_clientes() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev=""
  ((COMP_CWORD > 0)) && prev="\${COMP_WORDS[COMP_CWORD-1]}"
${shWalk(root, "1", "COMP_CWORD", "COMP_WORDS", "      ")}  case "$cmdpath|$prev" in
${valueArms(root, "    ", `compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return`, (list) => `COMPREPLY=($(compgen -W ${sq(list.join(" "))} -- "$cur")); return`, "COMPREPLY=(); return")}
  esac
  local subs="" flags="" files=0
  case "$cmdpath" in
${listArms}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
    if ((files)); then
      compopt -o filenames 2>/dev/null
      COMPREPLY+=($(compgen -f -- "$cur"))
    fi
  fi
}
complete -F _clientes clientes
`;
}

/** `name:description` for zsh's _describe (a colon in the name is escaped). */
function zshEntry(name: string, description: string): string {
  return sq(`${name.replace(/:/g, "\\:")}:${description}`);
}

function zshScript(root: CompletionCommand): string {
  const listArms = walk(root)
    .map((c) => {
      const subs = [...c.commands.map((s) => zshEntry(s.name, s.description)), ...c.argumentChoices.map((v) => zshEntry(v, c.name))].join(" ");
      const options = inScope(root, c).flatMap((o) => o.flags.map((f) => zshEntry(f, o.description))).join(" ");
      return `    (${sq(c.path.join(" "))}) subs=(${subs}); opts=(${options}); files=${c.fileArguments ? 1 : 0} ;;`;
    })
    .join("\n");
  return `#compdef clientes
# zsh completion for clientes (generated by \`clientes completion zsh\`)
# Now:      source <(clientes completion zsh)
# For good: clientes completion zsh > "\${fpath[1]}/_clientes"   (then start a new zsh)
_clientes() {
${shWalk(root, "2", "CURRENT", "words", "      (")}  local cur="\${words[CURRENT]}" prev="\${words[CURRENT-1]}"
  case "$cmdpath|$prev" in
${valueArms(root, "    (", "_files; return", (list) => `compadd -- ${list.map(sq).join(" ")}; return`, "return")}
  esac
  local -a subs opts
  local files=0
  case "$cmdpath" in
${listArms}
  esac
  if [[ "$cur" == -* ]]; then
    _describe -t options option opts
  else
    (( \${#subs} )) && _describe -t commands command subs
    (( files )) && _files
  fi
  return 0
}
if [ "$funcstack[1]" = "_clientes" ]; then
  _clientes "$@"
else
  compdef _clientes clientes
fi
`;
}

function fishScript(root: CompletionCommand): string {
  const all = walk(root);
  const descend = all
    .flatMap((c) => c.commands.map((sub) => `            case ${fq(key(c.path, sub.name))}\n                set cmdpath ${fq(sub.path.join(" "))}`))
    .join("\n");
  const skipPatterns = all.flatMap((c) =>
    c.options.filter((o) => o.value).flatMap((o) => o.flags.map((f) => fq(`${c.path.join(" ")}*|${f}`))),
  );
  const lines: string[] = [];
  const flagArgs = (o: CompletionOption) =>
    o.flags.map((f) => (f.startsWith("--") ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`)).join(" ");
  const valueArgs = (o: CompletionOption) => {
    if (!o.value) return "";
    if (o.value.choices) return ` -x -a ${fq(o.value.choices.join(" "))}`;
    return o.value.file ? " -r -F" : " -x";
  };
  for (const c of all) {
    const at = `-n ${fq(`__clientes_at ${sq(c.path.join(" "))}`)}`;
    const within = c === root ? "" : ` -n ${fq(`__clientes_within ${sq(c.path.join(" "))}`)}`;
    for (const sub of c.commands) lines.push(`complete -c clientes ${at} -a ${fq(sub.name)} -d ${fq(sub.description)}`);
    for (const o of c.options) lines.push(`complete -c clientes${within} ${flagArgs(o)}${valueArgs(o)} -d ${fq(o.description)}`);
    if (c.fileArguments) lines.push(`complete -c clientes ${at} -F`);
    if (c.argumentChoices.length > 0) lines.push(`complete -c clientes ${at} -a ${fq(c.argumentChoices.join(" "))}`);
  }
  return `# fish completion for clientes (generated by \`clientes completion fish\`)
# Now:      clientes completion fish | source
# For good: clientes completion fish > ~/.config/fish/completions/clientes.fish
function __clientes_path
    set -l words (commandline -opc)
    set -e words[1]
    set -l cmdpath ''
    set -l skip 0
    for word in $words
        if test $skip = 1
            set skip 0
            continue
        end
        switch "$cmdpath|$word"
${descend}
        end
        switch "$cmdpath|$word"
            case ${skipPatterns.length > 0 ? skipPatterns.join(" ") : "''"}
                set skip 1
        end
    end
    echo $cmdpath
end

# The words so far name exactly this command.
function __clientes_at
    set -l here (__clientes_path)
    test "$here" = "$argv[1]"
end

# The words so far name this command or one of its subcommands.
function __clientes_within
    set -l here (__clientes_path)
    test "$here" = "$argv[1]"; or string match -q -- "$argv[1] *" "$here"
end

complete -c clientes -f
${lines.join("\n")}
`;
}

/** The completion script for a shell. */
export function completionScript(program: Command, shell: Shell): string {
  const model = completionModel(program);
  return shell === "bash" ? bashScript(model) : shell === "zsh" ? zshScript(model) : fishScript(model);
}

/** Registers `clientes completion`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("completion")
    .description("print a shell completion script for bash, zsh or fish")
    .addArgument(new Argument("<shell>", "the shell").choices([...SHELLS]))
    .addHelpText(
      "after",
      `
Completes commands, subcommands, options and their values (files, --locale …).

  bash:  source <(clientes completion bash)        (add it to ~/.bashrc, or save it:
         clientes completion bash > ~/.local/share/bash-completion/completions/clientes)
  zsh:   source <(clientes completion zsh)         (after compinit in ~/.zshrc, or save it
         as _clientes in a folder of $fpath)
  fish:  clientes completion fish > ~/.config/fish/completions/clientes.fish

Examples:
  $ clientes completion bash >> ~/.bashrc
  $ clientes completion zsh > ~/.zfunc/_clientes`,
    )
    .action(
      ctx.action((shell: Shell) => {
        ctx.rt.stdout.write(completionScript(program, shell));
        return EXIT.OK;
      }),
    );
}
