/** The benches' command-line options: `--name value`, or the default. */
export function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

export function numberOption(name: string, fallback: number): number {
  return Number(option(name, String(fallback)));
}

/** A bare `--name` switch. */
export function flagOption(name: string): boolean {
  return process.argv.includes(`--${name}`);
}
