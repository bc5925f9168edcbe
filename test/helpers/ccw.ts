/** Writable copies of the shared claude-code-workflow fixture (the shared files are read-only and never modified). */
import { chmodSync, cpSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES } from './plans';
import { tempDir } from './repo';

export const CCW_FIXTURE = path.join(FIXTURES, 'ccw');
export const CCW_SESSION = path.join(CCW_FIXTURE, '.workflow', 'active', 'WFS-user-auth');

function makeWritable(p: string): void {
  const st = statSync(p);
  chmodSync(p, st.mode | 0o200 | (st.isDirectory() ? 0o100 : 0));
  if (st.isDirectory()) for (const name of readdirSync(p)) makeWritable(path.join(p, name));
}

/** A project folder holding a copy of the fixture's `.workflow/`; returns it and the session folder in it. */
export function copyCcwFixture(): { project: string; session: string } {
  const project = tempDir('ccw');
  cpSync(path.join(CCW_FIXTURE, '.workflow'), path.join(project, '.workflow'), { recursive: true });
  makeWritable(project);
  return { project, session: path.join(project, '.workflow', 'active', 'WFS-user-auth') };
}

export function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}
