/** Reading Prometheus' text format (a worker's or the dev server's `/metrics`), for tests and benches. */

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** Every sample of the metric `name` (`name{k="v",…} value` or `name value`). */
export function samples(text: string, name: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || !/[\s{]/.test(line[name.length] ?? '')) continue;
    const labels = Object.fromEntries([...line.slice(name.length, line.lastIndexOf('}') + 1).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    out.push({ labels, value: Number(line.trim().split(/\s+/).pop()) });
  }
  return out;
}

/** The sum of the metric's samples that carry every label given. */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  return samples(text, name)
    .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}
