/**
 * The product's SSH layer onto the sandbox's hosts, for tests that act as an operator would:
 * a pool that trusts exactly the host keys the sandbox reports, the runner's connector, and a
 * command on one host with its output.
 */
import * as fs from 'node:fs';
import { parseClusterFile } from '../../src/core/config/parse';
import type { ClusterConfig } from '../../src/core/config/types';
import { runStep, type StepOutcome } from '../../src/core/run/runner';
import { sshConnector } from '../../src/core/run/sshConnector';
import { SshPool } from '../../src/core/ssh/pool';
import type { Shell } from '../../src/core/ssh/shell';
import type { TrustedHostKey } from '../../src/core/ssh/types';
import type { StepPlan } from '../../src/core/plan/stepPlan';
import type { Sandbox } from './sandbox';

export interface SandboxSsh {
  config: ClusterConfig;
  pool: SshPool;
  /** Runs `command` on `host` (its name in the cluster file) over SSH. */
  run(host: string, command: Shell): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Runs a step's plan on the sandbox over SSH, as the editor and the CLI do. */
  step(plan: StepPlan): Promise<StepOutcome>;
  close(): Promise<void>;
}

export function sandboxSsh(sb: Sandbox): SandboxSsh {
  const config = parseClusterFile(fs.readFileSync(sb.clusterFile, 'utf8')).config!;
  const trusted = new Map<string, TrustedHostKey[]>();
  const pool = new SshPool({
    sshConfigFile: null,
    knownHostsFiles: [],
    agentSocket: null,
    trustStore: {
      lookup: async (id) => trusted.get(id) ?? [],
      add: async (id, fingerprint, keyType) => void trusted.set(id, [{ fingerprint, keyType }]),
    },
    // The operator compares fingerprints: only the sandbox's own host keys are accepted.
    confirmUnknownHostKey: async (info) =>
      Object.values(sb.hosts).some((h) => h.address === info.host && h.fingerprint === info.fingerprint),
  });
  const connector = sshConnector(pool, config);
  return {
    config,
    pool,
    async run(host, command) {
      let stdout = '';
      let stderr = '';
      const r = await (
        await connector.host(host)
      ).exec(command, {
        onStdout: (t) => (stdout += t),
        onStderr: (t) => (stderr += t),
      });
      return { code: r.code, stdout, stderr };
    },
    step: (plan) =>
      runStep(plan, {
        config,
        connector,
        secrets: {
          get: async () => {
            throw new Error('this step needs no secret');
          },
        },
        mask: (t) => t,
        listener: { output: () => undefined },
        force: true,
      }),
    close: () => pool.closeAll(),
  };
}
