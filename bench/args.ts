/** The benches' command-line options: `--name value`, or the default. */

/** The value after `--name`, if the option is given with one (a next argument that is itself `--…` is not). */
function given(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? process.argv[i + 1] : undefined;
  return value && !value.startsWith('--') ? value : undefined;
}

export function option(name: string, fallback: string): string {
  return given(name) ?? fallback;
}

/** An option without a default: undefined when left out, an error when given without its value. */
export function requiredValue(name: string, what: string): string | undefined {
  const value = given(name);
  if (value === undefined && flagOption(name)) throw new Error(`--${name} needs a value: --${name} <${what}>`);
  return value;
}

export function numberOption(name: string, fallback: number): number {
  return Number(option(name, String(fallback)));
}

/** A bare `--name` switch. */
export function flagOption(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

/** The arguments that are neither `--options` nor the values of the `valued` ones. */
export function positionals(valued: string[]): string[] {
  const args = process.argv.slice(2);
  return args.filter((a, i) => !a.startsWith('--') && !valued.some((v) => args[i - 1] === `--${v}`));
}
