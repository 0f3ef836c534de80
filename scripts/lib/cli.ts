// Plumbing every maintainer command shares: the streams it writes to (replaceable in tests), strict option
// parsing in which --help/-h asks for the usage, and the exit codes for those two cases (help 0, wrong usage 2).
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { ProgressStream } from './progress.ts';

export interface Streams {
  stdout: { write(chunk: string): unknown };
  stderr: ProgressStream;
}

/** Wrong options or arguments: the message and the usage go to stderr, exit code 2. */
export class UsageError extends Error {}

/** --help or -h: the usage goes to stdout, exit code 0. */
export class HelpRequested extends Error {}

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
type StrictConfig<O extends OptionsConfig> = {
  args: string[];
  options: O & typeof HELP_OPTION;
  strict: true;
  allowPositionals: false;
};
/** The parsed values, typed from the options (a string option gives `string | undefined`). */
export type OptionValues<O extends OptionsConfig> = ReturnType<typeof parseArgs<StrictConfig<O>>>['values'];

/** Parses `--name value` options strictly (no positionals); throws UsageError, or HelpRequested for --help. */
export function parseOptions<const O extends OptionsConfig>(argv: string[], options: O): OptionValues<O> {
  let values: OptionValues<O>;
  try {
    const config: StrictConfig<O> = {
      args: argv,
      options: { ...options, ...HELP_OPTION },
      strict: true,
      allowPositionals: false,
    };
    ({ values } = parseArgs(config));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if ((values as { help?: boolean }).help) throw new HelpRequested();
  return values;
}

/** Prints the usage as the error asks and returns the exit code; undefined when it is not a usage matter. */
export function usageExitCode(error: unknown, usage: string, streams: Streams): number | undefined {
  if (error instanceof HelpRequested) {
    streams.stdout.write(usage);
    return 0;
  }
  if (error instanceof UsageError) {
    streams.stderr.write(`${error.message}\n\n${usage}`);
    return 2;
  }
  return undefined;
}

/**
 * Runs a maintainer command's `main` and exits with its code. An error `readable` accepts (a configuration or
 * knowledge problem, already worded for people) is printed alone; anything else as "Lỗi: <message>".
 */
export function runMain(main: () => Promise<number>, readable: (error: unknown) => boolean = () => false): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(readable(error) ? (error as Error).message : `Lỗi: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
