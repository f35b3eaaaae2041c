/** Typed access to the project's network-namespace lab (scripts/lab/netns.cjs) for tests. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../unit/paths';

export interface LabHost {
  name: string;
  ns: string;
  address: string;
  hostname: string;
  root: string;
}
export interface Lab {
  id: string;
  dir: string;
  hostsFile: string;
  hosts: Record<string, LabHost>;
}
export interface Daemon {
  label: string;
  log: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

interface LabModule {
  canUseNetns(): true | string;
  /** The name of the bridge of the lab on `subnet` ("10.77.N"). */
  bridgeName(subnet: string): string;
  labUp(spec: { id?: string; subnet?: string; hosts: { name: string; hostname: string }[] }): Lab;
  runAs(lab: Lab, host: string, cmd: string, args?: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv }): Promise<RunResult>;
  daemonAs(lab: Lab, host: string, label: string, cmd: string, args?: string[]): Daemon;
  /** Until `port` listens on `host`, or (closed) until nothing does. */
  waitPort(lab: Lab, host: string, port: number, ms?: number, opts?: { closed?: boolean }): Promise<void>;
  labDown(lab: Lab): Promise<void>;
  /** Where this machine reads a file the host wrote (its overlay's upper directory). */
  upperPath(lab: Lab, host: string, file: string): string;
  /** `file` as the host sees it, reached through its root without starting a process; throws through a symbolic link. */
  mustHostPath(lab: Lab, host: string, file: string): string;
}

export const lab: LabModule = require(path.join(ROOT, 'scripts', 'lab', 'netns.cjs'));

/**
 * The content of `file` on lab host `host`, or undefined while there is none: read through the
 * host's root, without starting a process (for the tests that poll a file for a minute).
 */
export function readOn(l: Lab, host: string, file: string): string | undefined {
  try {
    return readFileSync(lab.mustHostPath(l, host, file), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Runs a shell script on a lab host and fails the test with its output when it fails. */
export async function shOn(l: Lab, host: string, script: string, input?: string): Promise<string> {
  const r = await lab.runAs(l, host, 'sh', ['-c', script], input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`on ${host}: ${script}\nexit ${r.code}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}
