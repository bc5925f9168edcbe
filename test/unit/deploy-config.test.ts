/**
 * docker-compose.yml and the worker image (Dockerfile) agree with the code (issue 16), without a Docker engine:
 * the worker service's command and the image's CMD parse with `overseer worker`'s real options (nothing unknown),
 * the metrics port they pass is the one published and exposed, the environment names what the code reads
 * (Temporal's connection, the build id, the Claude config dir, the optional OTLP endpoint — empty means tracing
 * off), and the image runs the compiled package with its prebuilt workflow bundle the workers load.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import type { Command } from 'commander';
import { buildProgram } from '../../client/cli';
import { connectConfig } from '../../client/connection';
import { DEPLOYMENT_NAME } from '../../workers/versioning';
import { PREBUILT_BUNDLE } from '../../workers/bundle';
import { startTracing } from '../../workers/tracing';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** Compose's interpolation with nothing set: `${VAR:-default}` → default, `${VAR}` → '', `$$` → `$`. */
function interpolate(text: string): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g, (all, _name, def) => (all === '$$' ? '$' : (def ?? '')));
}

interface Service {
  command?: string[] | string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  build?: { context: string; args?: Record<string, string> };
  stop_grace_period?: string;
}
const compose = YAML.parse(read('docker-compose.yml')) as { services: Record<string, Service> };
const service = compose.services['overseer-worker'];
const dockerfile = read('Dockerfile');

/** `overseer worker`'s own parser: options of the args, and what it did not know. */
function parseWorkerArgs(args: string[]): { opts: Record<string, unknown>; unknown: string[]; operands: string[] } {
  const worker = buildProgram().commands.find((c: Command) => c.name() === 'worker')!;
  worker.exitOverride();
  const { operands, unknown } = worker.parseOptions(args);
  return { opts: worker.opts(), unknown, operands };
}

function seconds(d: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(d.trim());
  assert.ok(m, `a duration: ${d}`);
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

/** Instructions of the final stage of the Dockerfile (after its last FROM). */
function finalStage(): string[] {
  const lines = dockerfile.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
  const last = lines.map((l) => /^FROM\s/i.test(l)).lastIndexOf(true);
  return lines.slice(last);
}
const instruction = (lines: string[], name: string) => lines.filter((l) => l.toUpperCase().startsWith(`${name} `)).map((l) => l.slice(name.length + 1).trim());

describe('docker-compose.yml and the worker image', () => {
  const command = (Array.isArray(service.command) ? service.command : String(service.command).split(/\s+/)).map((a) => interpolate(String(a)));

  it("the worker service's command is `overseer worker` with options it has", () => {
    assert.equal(command[0], 'worker');
    const { opts, unknown, operands } = parseWorkerArgs(command.slice(1));
    assert.deepEqual(unknown, [], `options overseer worker does not have: ${unknown.join(' ')}`);
    assert.deepEqual(operands, []);
    assert.ok(Number(opts.maxSessions) >= 1);
    assert.match(String(opts.host), /^[A-Za-z0-9._-]+$/, 'a fixed host name (the container hostname changes)');
    // Sessions get their grace before the container is killed.
    assert.ok(seconds(service.stop_grace_period ?? '10s') > seconds(String(opts.shutdownGrace)), `stop_grace_period ${service.stop_grace_period} > --shutdown-grace ${opts.shutdownGrace}`);
  });

  it('serves metrics on the port it publishes and the image exposes', () => {
    const { opts } = parseWorkerArgs(command.slice(1));
    const port = String(opts.metricsPort);
    assert.match(port, /^\d+$/, '--metrics-port is given');
    assert.equal(opts.metricsHost, '0.0.0.0', 'reachable from outside the container');
    const published = (service.ports ?? []).map((p) => interpolate(p).split(':').pop());
    assert.ok(published.includes(port), `ports ${JSON.stringify(service.ports)} publish ${port}`);
    assert.ok(instruction(finalStage(), 'EXPOSE').some((e) => e.split(/\s+/).includes(port)), `the Dockerfile exposes ${port}`);
  });

  it("the environment is what the code reads: Temporal's connection, build id, Claude config, optional tracing", async () => {
    const environment = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));
    // The server: the compose service `temporal` on the port it listens on; namespace as the CLI's envconfig reads it.
    const saved = { ...process.env };
    try {
      Object.assign(process.env, environment);
      delete process.env.TEMPORAL_PROFILE;
      const cfg = connectConfig();
      assert.equal(cfg.address, 'temporal:7233');
      assert.ok(compose.services.temporal.ports?.some((p) => p.endsWith(':7233')));
      assert.equal(cfg.namespace, 'default');
      // Tracing is optional: the variable is there, empty by default, and empty means off.
      assert.ok('OTEL_EXPORTER_OTLP_ENDPOINT' in environment);
      assert.equal(environment.OTEL_EXPORTER_OTLP_ENDPOINT, '');
      assert.equal(await startTracing({ serviceName: 'overseer-worker', serviceVersion: 'check' }), undefined);
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
    // Overseer's own variables are each read by the code.
    const sources = ['client/actions/dev.ts', 'workers/worker.ts', 'client/actions/doctor.ts'].map(read).join('\n');
    for (const name of Object.keys(environment).filter((k) => k.startsWith('OVERSEER_'))) assert.ok(sources.includes(`process.env.${name}`) || sources.includes(`env.${name}`), `${name} is read by the worker`);
    // The build id reaches the worker as the image's build argument and as the service's variable alike.
    assert.ok(service.build?.args && 'OVERSEER_BUILD_ID' in service.build.args);
    assert.ok(/^ARG OVERSEER_BUILD_ID/m.test(dockerfile) && /^ENV OVERSEER_BUILD_ID=\$\{OVERSEER_BUILD_ID\}/m.test(dockerfile));
    // The state volume holds the Claude config and the host's workdir, and the image makes it the worker's user's.
    const stateMount = (service.volumes ?? []).map((v) => interpolate(v).split(':')[1]).find((m) => m === '/var/lib/overseer');
    assert.ok(stateMount, 'the state volume is mounted at /var/lib/overseer');
    assert.ok(environment.OVERSEER_CLAUDE_CONFIG_DIR.startsWith(`${stateMount}/`));
    assert.ok(String(parseWorkerArgs(command.slice(1)).opts.workdir).startsWith(`${stateMount}/`));
    assert.match(dockerfile, /chown node:node \/var\/lib\/overseer/);
    assert.match(read('docker-compose.yml'), new RegExp(`--deployment-name ${DEPLOYMENT_NAME} `), 'the rollout comment names the deployment');
  });

  it('the image runs the compiled package with its prebuilt workflow bundle', () => {
    const stage = finalStage();
    assert.deepEqual(JSON.parse(instruction(stage, 'ENTRYPOINT')[0]), ['node', 'bin/overseer.js']);
    assert.ok(instruction(stage, 'ENV').includes('OVERSEER_DIST=1'), 'bin/overseer.js runs dist/');
    assert.ok(instruction(stage, 'COPY').some((c) => /\bdist\b/.test(c)), 'dist/ is in the image');
    assert.match(dockerfile, /RUN npm ci\n/, 'the build stage installs from the lock file');
    assert.match(dockerfile, /npm run build/);
    const build = read('scripts/build.mjs');
    assert.ok(build.includes(`'${path.basename(PREBUILT_BUNDLE)}'`), `scripts/build.mjs prebuilds ${path.basename(PREBUILT_BUNDLE)}`);
    // The image's default CMD parses too.
    const cmd = JSON.parse(instruction(stage, 'CMD')[0]) as string[];
    assert.equal(cmd[0], 'worker');
    assert.deepEqual(parseWorkerArgs(cmd.slice(1)).unknown, []);
  });
});
