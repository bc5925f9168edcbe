/**
 * Which environment variables are secrets, and redaction of their values from text (gate output that travels
 * into workflow history). Pure: the caller passes the environment.
 */

/** Temporal's connection and credential variables (TEMPORAL_ADDRESS, TEMPORAL_API_KEY, TEMPORAL_TLS_*, ...). */
export function isTemporalVariable(name: string): boolean {
  return /^TEMPORAL_/i.test(name);
}

/**
 * Secret-looking names: a TOKEN / SECRET / KEY / CREDENTIALS word (`GITHUB_TOKEN`, `ANTHROPIC_API_KEY`,
 * `TEMPORAL_TLS_CLIENT_KEY_DATA`, `GOOGLE_APPLICATION_CREDENTIALS`), anything with PASSWORD / PASSWD, and cloud
 * credentials (`AWS_*`, `AZURE_*`).
 */
export function isSecretVariable(name: string): boolean {
  return (
    /(^|_)(TOKEN|SECRET|KEY|APIKEY|CREDENTIALS?)(_|$)/i.test(name) ||
    /PASSW(OR)?D/i.test(name) ||
    /^(AWS|AZURE)_/i.test(name)
  );
}

/** Values shorter than this are not redacted: `1` or `true` would blank out half of any output. */
export const MIN_REDACTED_LENGTH = 6;

/** Replaces every value of a secret-looking variable of `env` in `text` with `[redacted:NAME]`. */
export function redactSecrets(text: string, env: Readonly<Record<string, string | undefined>>): string {
  const secrets = Object.entries(env)
    .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].length >= MIN_REDACTED_LENGTH && isSecretVariable(e[0]))
    .sort((a, b) => b[1].length - a[1].length); // longest first, so a value containing another is replaced whole
  let out = text;
  for (const [name, value] of secrets) if (out.includes(value)) out = out.split(value).join(`[redacted:${name}]`);
  return out;
}
