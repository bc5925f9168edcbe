/**
 * What `overseer dev` tells other shells: each dev server's address and Web UI URL, in
 * $OVERSEER_HOME/dev-servers.json (default ~/.overseer), so `overseer run` prints the right link on any UI port.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function overseerHome(): string {
  return process.env.OVERSEER_HOME ?? path.join(os.homedir(), '.overseer');
}

const file = () => path.join(overseerHome(), 'dev-servers.json');

function read(): Record<string, { uiUrl: string; at: number }> {
  try {
    return existsSync(file()) ? (JSON.parse(readFileSync(file(), 'utf8')) as Record<string, { uiUrl: string; at: number }>) : {};
  } catch {
    return {};
  }
}

/** Both spellings of a local address are the same server. */
function keys(address: string): string[] {
  const port = /:(\d+)$/.exec(address)?.[1];
  return port && /^(localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]):/.test(address) ? [`localhost:${port}`, `127.0.0.1:${port}`] : [address];
}

export function rememberDevServer(address: string, uiUrl: string): void {
  try {
    const all = read();
    for (const k of keys(address)) all[k] = { uiUrl, at: Date.now() };
    mkdirSync(overseerHome(), { recursive: true });
    writeFileSync(file(), `${JSON.stringify(all, null, 2)}\n`);
  } catch {
    /* a read-only home only loses the remembered link */
  }
}

export function rememberedUiUrl(address: string): string | undefined {
  const all = read();
  return keys(address).map((k) => all[k]?.uiUrl).find(Boolean);
}
