/** The simulated `claude` (test/fixtures/fake-claude.mjs) and its per-test scenario files. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './repo';

export const FAKE_CLAUDE = fileURLToPath(new URL('../fixtures/fake-claude.mjs', import.meta.url));

export interface Scenario {
  defaults?: Record<string, Record<string, unknown>>;
  items?: Record<string, Record<string, Record<string, unknown>>>;
}

/** Writes the scenario and returns the agent command a plan uses to run the simulated agent with it. */
export function fakeAgent(scenario: Scenario = {}): { command: string[]; scenarioFile: string; configDir: string } {
  const dir = tempDir('agent');
  const scenarioFile = path.join(dir, 'scenario.json');
  writeFileSync(scenarioFile, JSON.stringify(scenario, null, 2));
  return { command: [process.execPath, FAKE_CLAUDE, '--fake-scenario', scenarioFile], scenarioFile, configDir: path.join(dir, 'claude-config') };
}
