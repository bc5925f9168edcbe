/**
 * How busy the machine's CPUs were over a stretch of a bench (Linux's /proc/stat): a run that keeps every core busy
 * measures the machine, not the engine. Where there is no /proc/stat nothing is measured, and the meter says so.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

interface Ticks {
  busy: number;
  all: number;
}

function ticks(): Ticks | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    // cpu user nice system idle iowait irq softirq steal ... (steal, time the hypervisor gave to others, was not
    // ours to use: it counts as busy)
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return { busy: user + nice + system + irq + softirq + steal, all: user + nice + system + idle + iowait + irq + softirq + steal };
  } catch {
    return undefined;
  }
}

/** Starts counting; the returned function tells the share of all cores busy since, e.g. "CPU 93 % busy of 2 cores". */
export function cpuMeter(): () => string {
  const start = ticks();
  return () => {
    const end = ticks();
    if (!start || !end || end.all === start.all) return 'CPU use not measured here';
    const share = (end.busy - start.busy) / (end.all - start.all);
    return `CPU ${(share * 100).toFixed(0)} % busy of ${os.cpus().length} cores`;
  };
}
