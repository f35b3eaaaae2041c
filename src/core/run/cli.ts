/**
 * `gluu-cluster run`: the editor's runner without the editor. Host keys come from known_hosts
 * only; a new key is refused unless the operator said --trust-new-host-keys (then it is printed
 * and trusted for this run). Passwords come from the environment, never from arguments.
 */
import type { ClusterConfig } from '../config/types';
import type { GeneratedFileName, SecretName } from '../plan/actions';
import { STEPS } from '../plan/catalogue';
import { forHost, planInput, renderStep } from '../plan/plan';
import { applianceAccess } from '../ldap/access';
import { applyLdapAction } from '../ldap/apply';
import { cliCertificateTrust } from '../ldap/cli';
import { SshPool } from '../ssh/pool';
import type { TrustedHostKey } from '../ssh/types';
import { runStep } from './runner';
import { Masker, onceForRun } from './secrets';
import { sshConnector } from './sshConnector';
import { summarize } from './summary';

export const SECRET_ENV: Record<SecretName, string> = {
  ldapAdmin: 'GLUU_CLUSTER_LDAP_ADMIN_PASSWORD',
  redis: 'GLUU_CLUSTER_REDIS_PASSWORD',
};

/** The CLI's SSH pool: known_hosts, plus new keys only when the operator said so. */
export function cliSshPool(trustNew: boolean, err: (s: string) => void): SshPool {
  const trusted = new Map<string, TrustedHostKey[]>();
  return new SshPool({
    trustStore: {
      lookup: async (id) => trusted.get(id) ?? [],
      add: async (id, fingerprint, keyType) => void trusted.set(id, [...(trusted.get(id) ?? []), { fingerprint, keyType }]),
    },
    confirmUnknownHostKey: async (info) => {
      if (trustNew) {
        err(`trusting the new host key of ${info.hostKeyId} for this run: ${info.keyType} ${info.fingerprint}\n`);
        return true;
      }
      err(
        `refusing the unknown host key of ${info.hostKeyId} (${info.keyType} ${info.fingerprint}); add it to ~/.ssh/known_hosts (ssh-keyscan, then check the fingerprint) or pass --trust-new-host-keys\n`,
      );
      return false;
    },
  });
}

export async function runFromCli(
  config: ClusterConfig,
  generated: Partial<Record<GeneratedFileName, string>>,
  o: {
    stepId?: string;
    node?: string;
    trustNew: boolean;
    force: boolean;
    ldapCertFingerprint?: string;
    clusterFileDir: string;
    out: (s: string) => void;
    err: (s: string) => void;
  },
): Promise<number> {
  const pool = cliSshPool(o.trustNew, o.err);
  const masker = new Masker();
  const secrets = onceForRun(
    {
      get: async (name) => {
        const v = process.env[SECRET_ENV[name]];
        if (v === undefined || v === '') throw new Error(`this step needs a password: set ${SECRET_ENV[name]} in the environment`);
        return v;
      },
    },
    masker,
  );
  const input = planInput(config, generated);
  const steps = o.stepId ? [o.stepId] : STEPS.map((s) => s.id);
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  let failed = false;
  try {
    for (const id of steps) {
      let plan = renderStep(id, input);
      if (o.node) plan = forHost(plan, o.node);
      if (plan.resolved.skipReason) {
        o.out(`${id}: skipped (${plan.resolved.skipReason})\n`);
        continue;
      }
      if (plan.step.interactive) {
        o.out(`${id}: interactive (answers prompts in a terminal): run it from the editor\n`);
        continue;
      }
      o.out(`== ${plan.step.title} (${id})\n`);
      const outcome = await runStep(plan, {
        config,
        connector: sshConnector(pool, config),
        secrets,
        mask: (t) => masker.mask(t),
        signal: ac.signal,
        force: o.force,
        // The LDAP steps: same core as `gluu-cluster ldap`, password through the run's secrets.
        ldap: async (action) =>
          (
            await applyLdapAction(
              applianceAccess(config, action.host, {
                pool,
                password: () => secrets.get('ldapAdmin'),
                trust: cliCertificateTrust(o.ldapCertFingerprint, o.err),
                clusterFileDir: o.clusterFileDir,
              }),
              action,
            )
          ).lines,
        listener: {
          output: (host, kind, text) => {
            const lines = text.replace(/\n$/, '').split('\n');
            (kind === 'err' ? o.err : o.out)(lines.map((l) => `${host} | ${l}\n`).join(''));
          },
        },
      });
      o.out(`${summarize(outcome).join('\n')}\n`);
      if (outcome.status !== 'done') {
        failed = true;
        break;
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
    await pool.closeAll();
  }
  return failed ? 1 : 0;
}
