/**
 * Connection settings from Temporal's environment configuration (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TEMPORAL_API_KEY, TLS settings, TEMPORAL_PROFILE and the CLI's config file), as `temporal` itself reads them.
 */
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { rememberedUiUrl } from './dev-state';
import type { Tracing } from '../workers/tracing';
import { packageVersion } from './package-info';

let cliTracing: Promise<Tracing | undefined> | undefined;

/**
 * The CLI's tracing, when OTEL_EXPORTER_OTLP_ENDPOINT is set (loaded only then): the spans of the workflows it
 * starts, signals and queries (`overseer run` is the root of an epic's trace). `flushTracing` exports them before
 * the command exits.
 */
function tracing(): Promise<Tracing | undefined> {
  if (!process.env.OTEL_EXPORTER_OTLP_ENDPOINT && !process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return Promise.resolve(undefined);
  cliTracing ??= import('../workers/tracing').then((t) => t.startTracing({ serviceName: 'overseer-cli', serviceVersion: packageVersion() }));
  return cliTracing;
}

/** Exports the CLI's buffered spans (a no-op with tracing off); the CLI calls it as a command ends. */
export async function flushTracing(): Promise<void> {
  const t = await cliTracing?.catch(() => undefined);
  await t?.shutdown().catch((err: Error) => console.error(`tracing: the spans were not exported (${err.message})`));
}

/**
 * Commands talk to the server over @temporalio/client's own connection: loading @temporalio/worker (its native
 * core) for a query would cost every command a tenth of a second more. Workers use NativeConnection.
 */
export interface Connected {
  connection: Connection;
  client: Client;
  namespace: string;
  address: string;
}

export function connectConfig(overrides: { address?: string; namespace?: string } = {}): { options: ConnectionOptions; namespace: string; address: string } {
  const loaded = loadClientConnectConfig();
  const address = overrides.address ?? loaded.connectionOptions.address ?? 'localhost:7233';
  return {
    options: { ...loaded.connectionOptions, address },
    namespace: overrides.namespace ?? loaded.namespace ?? 'default',
    address,
  };
}

export async function connect(overrides: { address?: string; namespace?: string } = {}): Promise<Connected> {
  const cfg = connectConfig(overrides);
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...cfg.options, connectTimeout: cfg.options.connectTimeout ?? '5s' });
  } catch (err) {
    throw new Error(
      `cannot reach the Temporal server at ${cfg.address} (${(err as Error).message.split('\n')[0]}). Start one with \`overseer dev\`, or point TEMPORAL_ADDRESS at yours.`,
    );
  }
  const interceptors = (await tracing())?.client;
  return { connection, client: new Client({ connection, namespace: cfg.namespace, interceptors }), namespace: cfg.namespace, address: cfg.address };
}

/** Runs `f` with a connected client, and closes the connection after. */
export async function withClient<T>(f: (c: Connected) => Promise<T>): Promise<T> {
  const c = await connect();
  try {
    return await f(c);
  } finally {
    await c.connection.close();
  }
}

/**
 * The Web UI's base URL: OVERSEER_UI_URL (or TEMPORAL_UI_URL), else the UI port `overseer dev` was started with for
 * this server address (remembered in ~/.overseer/dev-servers.json), else http://localhost:8233.
 */
export function webUiBase(address?: string): string {
  return process.env.OVERSEER_UI_URL ?? process.env.TEMPORAL_UI_URL ?? (address && rememberedUiUrl(address)) ?? 'http://localhost:8233';
}

/** The Web UI link of a workflow. */
export function webUiLink(workflowId: string, namespace: string, uiBase = webUiBase()): string {
  return `${uiBase.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
