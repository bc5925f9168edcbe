/**
 * Several hosts on one machine (shared/notes: "Several hosts on one machine, for tests"): a bridge on the test's
 * own subnet and one Linux network namespace per host, joined to it by a veth pair. Needs root (`ip netns`); a
 * machine where that fails makes the test fail with the reason, never skip. Everything is removed by `remove()`.
 */
import { execFileSync } from 'node:child_process';

export interface HostNet {
  /** The bridge's address: what servers the hosts must reach listen on. */
  gateway: string;
  namespaces: string[];
  /** `ip netns exec <ns>`, to run a command on that host. */
  launcher(ns: string): string[];
  /** Every process in the namespace (a host's worker and its agents). */
  pids(ns: string): number[];
  remove(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** `prefix`: names of the bridge and namespaces; `subnet`: the first three octets of a /24 no one else uses. */
export function makeHostNet(prefix: string, count: number, subnet = '10.231.7'): HostNet {
  const bridge = `${prefix}br`;
  const namespaces = Array.from({ length: count }, (_, i) => `${prefix}h${i + 1}`);
  const remove = () => {
    for (const ns of namespaces) {
      try {
        ip('netns', 'del', ns);
      } catch {
        /* not there */
      }
    }
    try {
      ip('link', 'del', bridge);
    } catch {
      /* not there */
    }
  };
  remove(); // leftovers of an interrupted run
  try {
    ip('link', 'add', bridge, 'type', 'bridge');
    ip('addr', 'add', `${subnet}.1/24`, 'dev', bridge);
    ip('link', 'set', bridge, 'up');
    namespaces.forEach((ns, i) => {
      const veth = `${prefix}v${i + 1}`;
      ip('netns', 'add', ns);
      ip('link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
      ip('link', 'set', veth, 'master', bridge, 'up');
      ip('-n', ns, 'addr', 'add', `${subnet}.${11 + i}/24`, 'dev', 'eth0');
      ip('-n', ns, 'link', 'set', 'eth0', 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    });
  } catch (err) {
    remove();
    const e = err as { stderr?: string; message: string };
    throw new Error(`this test needs Linux network namespaces (ip netns, as root) and cannot make them here: ${(e.stderr || e.message).trim()}`);
  }
  return {
    gateway: `${subnet}.1`,
    namespaces,
    launcher: (ns) => ['ip', 'netns', 'exec', ns],
    pids: (ns) => ip('netns', 'pids', ns).split('\n').filter(Boolean).map(Number),
    remove,
  };
}
