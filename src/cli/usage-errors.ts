// A mistyped command or flag is a usage error like any other: one paragraph naming what was typed and
// the nearest valid spelling, exit 2. oclif's defaults print the whole help (unknown flag) or exit 127
// without a suggestion when stdin is not a terminal (@oclif/plugin-not-found); these replace them.
import { type Diagnostic, UserError } from '../errors.ts';
import { didYouMean } from '../util/did-you-mean.ts';

/** What a command-not-found message needs to know about the CLI (a slice of oclif's Config). */
export interface CommandCatalog {
  bin: string;
  /** Command ids as oclif keeps them (`rules:list`). */
  commandIds: string[];
  /** Topic names (`rules`, `policy`). */
  topics: string[];
}

const spaced = (id: string): string => id.replaceAll(':', ' ');

/** The paragraph for `keyhygiene <words>` when no command has that name. */
export function commandNotFound(id: string, argv: readonly string[], catalog: CommandCatalog): Diagnostic {
  const words = id.split(':');
  const typed = spaced([id, ...argv.filter((a) => !a.startsWith('-'))].join(':'));
  const command = longestCommandPrefix(words, catalog.commandIds);
  if (command) return extraArgument(command, words.slice(command.split(':').length), catalog.bin);
  // `rules lst`: the topic is right, the subcommand is not; suggest among that topic's commands first.
  const topic = catalog.topics.includes(words[0] as string) ? (words[0] as string) : undefined;
  const pool = topic ? catalog.commandIds.filter((c) => c.startsWith(`${topic}:`)) : catalog.commandIds;
  const near = didYouMean(id, pool) ?? didYouMean(id, catalog.commandIds) ?? didYouMean(words[0] as string, [...catalog.commandIds, ...catalog.topics]);
  const help = topic ? `${catalog.bin} ${topic} --help` : `${catalog.bin} --help`;
  return {
    message: `"${typed}" is not a ${catalog.bin} command.${near ? ` Did you mean "${catalog.bin} ${spaced(near)}"?` : ''}`,
    expected: topic
      ? `one of: ${pool.map((c) => spaced(c)).join(', ')}`
      : `a command such as ${catalog.commandIds
          .filter((c) => !c.includes(':'))
          .slice(0, 6)
          .join(', ')}`,
    hint: `run "${help}" for the list of commands`,
  };
}

function longestCommandPrefix(words: string[], commandIds: string[]): string | undefined {
  for (let n = words.length - 1; n > 0; n--) {
    const id = words.slice(0, n).join(':');
    if (commandIds.includes(id)) return id;
  }
  return undefined;
}

/** `audit extra-arg`: oclif reads the words as one command id; the command exists, the word is extra. */
function extraArgument(command: string, extra: string[], bin: string): Diagnostic {
  return {
    message: `"${bin} ${spaced(command)}" takes no argument "${extra.join(' ')}".`,
    expected: `${bin} ${spaced(command)} followed by flags only`,
    hint: `drop "${extra.join(' ')}", or pass it through a flag (see "${bin} ${spaced(command)} --help")`,
  };
}

/** The flags a command accepts, as typed on the command line (`--format`, `-f`). */
export function flagSpellings(flags: Record<string, { char?: string; aliases?: string[] } | undefined>): string[] {
  return Object.entries(flags).flatMap(([name, f]) => [`--${name}`, ...(f?.aliases ?? []).map((a) => `--${a}`), ...(f?.char ? [`-${f.char}`] : [])]);
}

interface OclifParseError {
  message: string;
  flags?: unknown;
  showHelp?: boolean;
  /** oclif's exit code for its own errors (2 for parse errors). */
  oclif?: { exit?: number | false };
  /** RequiredArgsError: the arguments that are missing. */
  args?: { name?: string; description?: string }[];
}

/**
 * oclif's parse errors for an unknown flag or a flag value outside its options, as one usage
 * paragraph with the nearest valid spelling; undefined for any other error.
 */
export function parseErrorAsUsage(err: OclifParseError, command: string, known: string[]): UserError | undefined {
  const help = `run "${command} --help" for every flag and its values`;
  if (Array.isArray(err.flags) && err.flags.every((f) => typeof f === 'string')) {
    const names = (err.flags as string[]).map((f) => f.split('=')[0] as string);
    const diagnostics = names.map((name): Diagnostic => {
      // A one-letter flag is a distance of one from every other: no guess there.
      const near = name.length > 2 ? didYouMean(name, known) : undefined;
      return {
        message: `${command}: unknown flag ${name}.${near ? ` Did you mean ${near}?` : ''}`,
        expected: near ? `${near}, or another flag of ${command}` : `a flag of ${command}`,
        hint: help,
      };
    });
    return new UserError(diagnostics);
  }
  const option = /^Expected --([\w-]+)=([\s\S]*) to be one of: ([^\n]+)/.exec(err.message);
  if (option) {
    const [, flag, value, list] = option as unknown as [string, string, string, string];
    const choices = list.split(',').map((c) => c.trim());
    const near = didYouMean(value, choices);
    return new UserError({
      message: `${command}: --${flag} does not accept "${value}".${near ? ` Did you mean --${flag} ${near}?` : ''}`,
      expected: `one of: ${choices.join(', ')}`,
      hint: help,
    });
  }
  return otherParseError(err, command, help);
}

/** oclif dims parts of its messages (ESC [ … m). */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/**
 * oclif's other parse errors (a missing argument or required flag, an extra argument, a value its
 * parser refuses, flags that exclude or need each other), as one paragraph without the help dump.
 */
function otherParseError(err: OclifParseError, command: string, help: string): UserError | undefined {
  if (!err.oclif || err.oclif.exit === undefined || err.oclif.exit === 0) return undefined;
  const lines = err.message
    .replace(ANSI, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && l !== 'See more help with --help' && !/^The following errors? occurred:$/.test(l));
  const missing = /^Missing \d+ required args?:?$/.exec(lines[0] ?? '');
  if (missing && err.args?.length) {
    const names = err.args.map((a) => (a.name ?? '').toUpperCase());
    return new UserError({
      message: `${command}: missing argument ${names.join(', ')}.`,
      expected: err.args.map((a) => `${(a.name ?? '').toUpperCase()}: ${a.description ?? 'a value'}`).join('; '),
      hint: `give ${names.join(' and ')} before any flag that takes several values (or after "--"); ${help}`,
    });
  }
  const parsing = /^Parsing (--[\w-]+)$/.exec(lines[0] ?? '');
  const message = (parsing ? `${parsing[1]}: ${lines.slice(1).join(' ')}` : lines.join(' ')).replace(
    /^Missing required flag ([\w-]+)/,
    'missing required flag --$1',
  );
  if (!message) return undefined;
  return new UserError({ message: `${command}: ${message.replace(/\.?$/, '.')}`, hint: help });
}
