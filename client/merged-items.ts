/** Which items of an epic are already merged into the target branch: the `Overseer-Item: <epic>/<item>` trailers of its merge commits. */
import { simpleGit } from 'simple-git';

const literal = (text: string) => text.replace(/[\\^$.*[\]]/g, '\\$&');

export async function mergedItems(repoPath: string, targetBranch: string, epicId: string): Promise<Map<string, string>> {
  const prefix = `Overseer-Item: ${epicId}/`;
  const merged = new Map<string, string>();
  let out: string;
  try {
    out = await simpleGit({ baseDir: repoPath }).raw(['log', '--first-parent', '--merges', '--format=%H%x00%B%x01', `--grep=^${literal(prefix)}`, `refs/heads/${targetBranch}`]);
  } catch {
    return merged;
  }
  for (const record of out.split('\x01')) {
    const [hash, body] = record.trim().split('\x00');
    for (const line of body?.split('\n') ?? []) {
      if (line.startsWith(prefix) && hash && !merged.has(line.slice(prefix.length).trim())) merged.set(line.slice(prefix.length).trim(), hash);
    }
  }
  return merged;
}
