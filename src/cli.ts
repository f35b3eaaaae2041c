/**
 * Headless entry on the same core as the extension: init, validate, plan, render, run, ldap, schema.
 * Problems go to stderr as FILE:LINE:COL; exit 1 for an invalid cluster file, 2 for bad usage.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ClusterConfig } from './core/config/types';
import type { GeneratedFileName } from './core/plan/actions';
import { STEPS, findStep } from './core/plan/catalogue';
import { forHost, planInput, renderPlan, renderStep } from './core/plan/plan';
import { formatPlan, formatStep } from './core/plan/preview';
import { renderCsync2Cfg } from './core/render/csync2';
import { renderNginxConf } from './core/render/nginx';
import { ldapFromCli } from './core/ldap/cli';
import { cliSshPool, runFromCli } from './core/run/cli';
import { EXAMPLE_CLUSTER_FILE } from './core/config/example';
import { clusterFileSchema } from './core/config/jsonSchema';
import { parseClusterFile } from './core/config/parse';

const USAGE = `Usage: gluu-cluster <command> [options]

Commands:
  init [--config FILE]     write a commented example cluster file (never overwrites)
  validate --config FILE   check a cluster file; problems are printed as FILE:LINE:COL
  plan [--step ID] [--node HOST] --config FILE
                           print the exact commands of the whole plan, or of one step / node
  render nginx|csync2 --config FILE
                           print the generated nginx.conf or csync2.cfg
  run [--step ID] [--node HOST] --config FILE [--trust-new-host-keys] [--force]
                           run one step (or every step in order) over SSH; host keys must be in
                           ~/.ssh/known_hosts unless --trust-new-host-keys; passwords come from
                           GLUU_CLUSTER_LDAP_ADMIN_PASSWORD and GLUU_CLUSTER_REDIS_PASSWORD
  ldap get|set-cache|set-idp-servers [--node HOST] --config FILE
       [--servers HOST:PORT,…] [--provider-type STANDALONE|CLUSTER|SHARDED]
       [--ldap-cert-fingerprint AA:BB:…] [--trust-new-host-keys]
                           read the appliance entry's cache configuration and oxIDPAuthentication
                           (get), or set the cache to REDIS (default: the cluster's cache host)
                           or the IDP servers (default: every node:1636), with compare-and-swap;
                           through an SSH tunnel to the node (default: the primary); the password
                           comes from GLUU_CLUSTER_LDAP_ADMIN_PASSWORD; a self-signed LDAP
                           certificate needs its fingerprint (or gluu.ldapAccess.caFile)
  schema                   print the JSON Schema of the cluster file

Options:
  --config FILE            the cluster file (default: ./gluu-cluster.yaml)
  --step ID                one step (see the list with "plan")
  --node HOST              only what runs on this host
  --generated-dir DIR      edited nginx.conf/csync2.cfg to use (default: cluster/ beside the config)
  -h, --help               show this help
`;

export function main(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): number | Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    out(USAGE);
    return command ? 0 : 2;
  }
  const opts = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const flag = /^--(config|step|node|generated-dir|servers|provider-type|ldap-cert-fingerprint)$/.exec(rest[i]);
    if (flag && rest[i + 1] !== undefined) opts.set(flag[1], rest[++i]);
    else if (rest[i] === '--trust-new-host-keys' || rest[i] === '--force') opts.set(rest[i].slice(2), 'yes');
    else if (!rest[i].startsWith('-')) positional.push(rest[i]);
    else {
      err(`gluu-cluster: unknown option "${rest[i]}"\n${USAGE}`);
      return 2;
    }
  }
  switch (command) {
    case 'schema':
      out(`${JSON.stringify(clusterFileSchema(), null, 2)}\n`);
      return 0;
    case 'init': {
      const file = opts.get('config') ?? 'gluu-cluster.yaml';
      try {
        writeFileSync(file, EXAMPLE_CLUSTER_FILE, { flag: 'wx' });
      } catch (e) {
        err(`gluu-cluster: not written: ${file}: ${(e as NodeJS.ErrnoException).code === 'EEXIST' ? 'the file exists' : String(e)}\n`);
        return 1;
      }
      out(`${file}: example cluster file written; replace the example hosts with yours\n`);
      return 0;
    }
    case 'validate': {
      const loaded = loadConfig(opts.get('config'), err);
      if (typeof loaded === 'number') return loaded;
      out(`${loaded.file}: cluster "${loaded.config.name}" with ${loaded.config.nodes.length} nodes is valid\n`);
      return 0;
    }
    case 'plan': {
      const loaded = loadConfig(opts.get('config'), err);
      if (typeof loaded === 'number') return loaded;
      const { config } = loaded;
      const stepId = opts.get('step');
      if (stepId && !findStep(stepId)) {
        err(`gluu-cluster: unknown step "${stepId}"; steps: ${STEPS.map((s) => s.id).join(', ')}\n`);
        return 2;
      }
      const node = opts.get('node');
      if (node && ![config.loadBalancer.host, config.cache?.host, ...config.nodes.map((n) => n.host)].includes(node)) {
        err(`gluu-cluster: "${node}" is not a host of cluster "${config.name}"\n`);
        return 2;
      }
      const input = planInput(config, readGenerated(opts.get('generated-dir') ?? join(dirname(loaded.file), 'cluster')));
      let plans = stepId ? [renderStep(stepId, input)] : renderPlan(input);
      if (node) plans = plans.map((p) => forHost(p, node));
      out(stepId && plans.length === 1 ? formatStep(config, plans[0]) : formatPlan(config, plans));
      return 0;
    }
    case 'run': {
      const loaded = loadConfig(opts.get('config'), err);
      if (typeof loaded === 'number') return loaded;
      const stepId = opts.get('step');
      if (stepId && !findStep(stepId)) {
        err(`gluu-cluster: unknown step "${stepId}"; steps: ${STEPS.map((s) => s.id).join(', ')}\n`);
        return 2;
      }
      return runFromCli(loaded.config, readGenerated(opts.get('generated-dir') ?? join(dirname(loaded.file), 'cluster')), {
        stepId,
        node: opts.get('node'),
        trustNew: opts.has('trust-new-host-keys'),
        force: opts.has('force'),
        ldapCertFingerprint: opts.get('ldap-cert-fingerprint'),
        clusterFileDir: dirname(loaded.file),
        out,
        err,
      });
    }
    case 'ldap': {
      const sub = positional[0];
      if (sub !== 'get' && sub !== 'set-cache' && sub !== 'set-idp-servers') {
        err(`gluu-cluster: ldap what? get, set-cache or set-idp-servers\n${USAGE}`);
        return 2;
      }
      const loaded = loadConfig(opts.get('config'), err);
      if (typeof loaded === 'number') return loaded;
      const pool = cliSshPool(opts.has('trust-new-host-keys'), err);
      return ldapFromCli(loaded.config, sub, {
        node: opts.get('node'),
        servers: opts.get('servers'),
        providerType: opts.get('provider-type'),
        fingerprint: opts.get('ldap-cert-fingerprint'),
        clusterFileDir: dirname(loaded.file),
        pool,
        out,
        err,
      })
        .catch((e: Error) => {
          err(`gluu-cluster: ${e.message}\n`);
          return 1;
        })
        .finally(() => pool.closeAll());
    }
    case 'render': {
      const what = positional[0];
      if (what !== 'nginx' && what !== 'csync2') {
        err(`gluu-cluster: render what? nginx or csync2\n${USAGE}`);
        return 2;
      }
      const loaded = loadConfig(opts.get('config'), err);
      if (typeof loaded === 'number') return loaded;
      out(what === 'nginx' ? renderNginxConf(loaded.config) : renderCsync2Cfg(loaded.config));
      return 0;
    }
    default:
      err(`gluu-cluster: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

/** Reads and validates the cluster file; prints problems as FILE:LINE:COL. A number is the exit code. */
function loadConfig(file = 'gluu-cluster.yaml', err: (s: string) => void): { file: string; config: ClusterConfig } | number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    err(`gluu-cluster: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
    return 2;
  }
  const parsed = parseClusterFile(text);
  for (const p of parsed.problems) {
    err(`${file}:${p.range.start.line + 1}:${p.range.start.col + 1}: ${p.severity}: ${p.message} [${p.code}]\n`);
  }
  return parsed.config ? { file, config: parsed.config } : 1;
}

/** Edited copies of the generated files, when the user keeps them. */
function readGenerated(dir: string): Partial<Record<GeneratedFileName, string>> {
  const out: Partial<Record<GeneratedFileName, string>> = {};
  for (const name of ['nginx.conf', 'csync2.cfg'] as const) {
    const f = join(dir, name);
    if (existsSync(f)) out[name] = readFileSync(f, 'utf8');
  }
  return out;
}

if (require.main === module) {
  void Promise.resolve(main(process.argv.slice(2))).then((code) => {
    process.exitCode = code;
  });
}
