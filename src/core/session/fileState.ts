/**
 * The CLI's run state: a JSON file beside the cluster file (default `.gluu-cluster-state.json`),
 * one entry per cluster name, written atomically (temporary file + rename) so an interrupted run
 * never leaves half a file. The editor keeps the same data in its workspace state.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunStatePort } from './ports';
import type { ClusterRunState } from './state';

export const STATE_FILE_NAME = '.gluu-cluster-state.json';

export const defaultStateFile = (clusterFileDir: string) => join(clusterFileDir, STATE_FILE_NAME);

interface StateFile {
  version: 1;
  clusters: Record<string, ClusterRunState>;
}

function read(file: string): StateFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, clusters: {} };
    throw new Error(`cannot read the run state ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
  }
  try {
    const data = JSON.parse(text) as StateFile;
    if (data?.version !== 1 || typeof data.clusters !== 'object' || data.clusters === null) throw new Error('not a run state file');
    return data;
  } catch (e) {
    throw new Error(`the run state ${file} is not valid (${(e as Error).message}); move it away to start afresh`, { cause: e });
  }
}

export function fileRunState(file: string, clusterName: string): RunStatePort {
  return {
    load: () => read(file).clusters[clusterName] ?? {},
    save: async (state) => {
      const data = read(file);
      data.clusters[clusterName] = state;
      mkdirSync(dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
      renameSync(tmp, file);
    },
  };
}
