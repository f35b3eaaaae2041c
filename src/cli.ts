/**
 * Headless entry on the same core as the extension: init, validate, plan, render, run, ldap, schema.
 * Problems go to stderr as FILE:LINE:COL; exit 1 for an invalid cluster file, 2 for bad usage.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ClusterConfig } from './core/config/types';
import { STEPS, findStep } from './core/plan/catalogue';
import { DEFAULT_GENERATED_FOLDER, GENERATED_FILES, type GeneratedFileName } from './core/plan/generated';
import { forHost, generateFiles, planInput, renderPlan, renderStep } from './core/plan/plan';
import { formatJoin, formatPlan, formatRemove, formatStep } from './core/plan/preview';
import { cannotRemove, removeSteps } from './core/plan/remove';
import type { PlanInput } from './core/plan/stepPlan';
import { LDAP_HELP, LDAP_SUBCOMMANDS, ldapFromCli, type LdapSubcommand } from './core/ldap/cli';
import {
  changeRedisPasswordFromCli,
  cliSshPool,
  healthFromCli,
  joinFromCli,
  removeFromCli,
  runFromCli,
  stepStateFromCli,
  verifyFromCli,
  type CliRunOptions,
} from './core/run/cli';
import { cannotJoin, joinSteps } from './core/plan/join';
import { EXIT_CODES, HEALTH_GROUPS, type HealthGroup } from './core/health/model';
import { HOST_KEY_ADVICE, HOST_KEY_HELP, parseHostKeyPin, type CliHostKeys, type HostKeyPin } from './core/run/cliHostKeys';
import { EXAMPLE_CLUSTER_FILE } from './core/config/example';
import { removeNode as removeNodeFromText } from './core/config/edit';
import { clusterFileSchema } from './core/config/jsonSchema';
import { parseClusterFile } from './core/config/parse';
import { printable } from './core/printable';

const RENDERABLE = GENERATED_FILES.map((f) => f.name).join('|');
const GENERATED_FOLDER_OPTION = `  --generated-folder DIR   where your edited ${GENERATED_FILES.map((f) => f.fileName).join(' and ')} are, which plan
                           and run use instead of fresh ones (default: ${DEFAULT_GENERATED_FOLDER}; relative to the
                           cluster file's folder); the editor's setting gluuCluster.generatedFolder`;

const USAGE = `Usage: gluu-cluster <command> [options]

Commands:
  init [--config FILE]     write a commented example cluster file (never overwrites)
  validate --config FILE   check a cluster file; problems are printed as FILE:LINE:COL
  plan [--step ID] [--node HOST] [--join HOST] [--remove HOST] --config FILE
                           print the exact commands of the whole plan, or of one step / node,
                           or of joining a node to / removing one from the running cluster
  render ${RENDERABLE} --config FILE
                           print the freshly generated ${GENERATED_FILES.map((f) => f.fileName).join(' or ')}
  run [--step ID] [--node HOST] --config FILE [--host-key [HOST=]SHA256:…]
      [--known-hosts FILE [--record-host-keys]] [--trust-new-host-keys] [--yes] [--force [STEP,…]]
                           run one step (or every step in order) over SSH; host keys must be in
                           ~/.ssh/known_hosts or the --known-hosts FILE, or pinned with
                           --host-key (--trust-new-host-keys accepts any: trust on first use);
                           passwords come from GLUU_CLUSTER_LDAP_ADMIN_PASSWORD and
                           GLUU_CLUSTER_REDIS_PASSWORD
  ldap get|set-cache|set-idp-servers [--node HOST] --config FILE
       [--servers HOST:PORT,…] [--provider-type STANDALONE|CLUSTER|SHARDED]
       [--ldap-cert-fingerprint AA:BB:…] [--host-key [HOST=]SHA256:…]
       [--known-hosts FILE [--record-host-keys]] [--trust-new-host-keys]
                           read the appliance entry's cache configuration and oxIDPAuthentication
                           (get), or set the cache to REDIS (default: the cluster's cache host)
                           or the IDP servers (default: every node:1636), with compare-and-swap;
                           through an SSH tunnel to the node (default: the primary); the password
                           comes from GLUU_CLUSTER_LDAP_ADMIN_PASSWORD; a self-signed LDAP
                           certificate needs its fingerprint (or gluu.ldapAccess.caFile)
  redis-password --config FILE [--yes] [--host-key …] [--ldap-cert-fingerprint AA:BB:…]
                           change the Redis password in Redis and in Gluu's cache configuration
                           in one run (Redis accepts both until LDAP has the new one); the current
                           and the new one come from GLUU_CLUSTER_REDIS_PASSWORD and
                           GLUU_CLUSTER_NEW_REDIS_PASSWORD
  health --config FILE [--json] [--only GROUP,…] [--host-key …]
                           check that the cluster works: hosts, LDAP replication, csync2, the
                           load balancer, web applications, cache, drift, certificates; exits
                           0 ok, 1 warning, 2 critical, 3 unknown (for cron, Nagios, Icinga, CI)
  join --node HOST --config FILE [--yes] [--host-key …] [--ldap-cert-fingerprint AA:BB:…]
                           add a node (already in the cluster file) to the running cluster:
                           what every host needs to know about it, and its own set-up;
                           "plan --join HOST" prints the exact commands first
  remove --node HOST --config FILE [--yes] [--host-key …] [--ldap-cert-fingerprint AA:BB:…]
                           take a node out of the running cluster (load balancer first, then
                           replication, csync2, oxIDPAuthentication, ox-ldap.properties,
                           /etc/hosts), then out of the cluster file; works when it is down
  verify --config FILE [--host-key …] [--state FILE]
                           run every step's own read-only check on every host (a dry run):
                           the run state then says which steps hold (adopts a cluster built by
                           hand); exits 1 when a step does not hold somewhere
  status --config FILE [--state FILE]
                           each step's state from the run state: done, failed, stale, …
  mark STEP done|skipped|reset --reason TEXT --config FILE [--state FILE]
                           record a step done or skipped by hand (with why), or forget it
  schema                   print the JSON Schema of the cluster file

Options:
  --config FILE            the cluster file (default: ./gluu-cluster.yaml)
  --step ID                one step (see the list with "plan")
  --node HOST              only what runs on this host
${GENERATED_FOLDER_OPTION}
  -h, --help               show this help

"gluu-cluster COMMAND --help" shows one command's options.
`;

/** `gluu-cluster COMMAND --help` (the ldap subcommands' help is beside them, in core/ldap/cli.ts). */
const COMMAND_HELP: Record<string, string> = {
  init: `Usage: gluu-cluster init [--config FILE]

Writes a commented example cluster file (default: ./gluu-cluster.yaml); never overwrites one.
`,
  validate: `Usage: gluu-cluster validate --config FILE

Checks a cluster file and prints every problem as FILE:LINE:COL: severity: message [code].
Exits 0 when it is valid, 1 when it has errors.
`,
  plan: `Usage: gluu-cluster plan [--step ID] [--node HOST] [--join HOST] --config FILE

Prints the exact commands of the whole plan, or of one step and/or one host, as they will be
sent over SSH (secrets shown as ••••).

Options:
  --config FILE            the cluster file (default: ./gluu-cluster.yaml)
  --step ID                one step: ${STEPS.map((s) => s.id).join(', ')}
  --node HOST              only what runs on this host
  --join HOST              what "gluu-cluster join --node HOST" runs, step by step and where
  --remove HOST            what "gluu-cluster remove --node HOST" runs, step by step and where
${GENERATED_FOLDER_OPTION}
`,
  render: `Usage: gluu-cluster render ${RENDERABLE} --config FILE

Prints the freshly generated ${GENERATED_FILES.map((f) => f.fileName).join(' or ')} for the cluster file.
`,
  run: `Usage: gluu-cluster run [--step ID] [--node HOST] --config FILE [--host-key …] [--known-hosts FILE] [--trust-new-host-keys] [--yes] [--force [STEP,…]]

Runs one step, or every step that has not succeeded yet in order (stopping at the first that
fails), over SSH. A step runs only when the steps it needs have succeeded (or were marked done
with "gluu-cluster mark"); a step that already ran successfully runs again only with --force.
What ran is kept in the run state file, which "gluu-cluster status" reads.

Options:
  --config FILE            the cluster file (default: ./gluu-cluster.yaml)
  --step ID                one step: ${STEPS.map((s) => s.id).join(', ')}
  --node HOST              only what runs on this host
${HOST_KEY_HELP}
  --yes                    run without asking; without a terminal (CI, cron) nothing runs without it
  --force                  run the --step given again, even where its check says it is already done
  --force STEP[,STEP]      without --step: run these steps again too, past their checks. A step
                           that loses data when run again (replication-init, run-setup) runs
                           again in a whole-plan run only when named here
  --state FILE             the run state (default: .gluu-cluster-state.json beside the cluster file)
  --ldap-cert-fingerprint AA:BB:…
                           the LDAP certificate's SHA-256 fingerprint, for the LDAP steps
${GENERATED_FOLDER_OPTION}

Passwords come from GLUU_CLUSTER_LDAP_ADMIN_PASSWORD and GLUU_CLUSTER_REDIS_PASSWORD.

${HOST_KEY_ADVICE}
`,
  'redis-password': `Usage: gluu-cluster redis-password --config FILE [--yes] [--host-key …] [--known-hosts FILE] [--trust-new-host-keys] [--ldap-cert-fingerprint AA:BB:…]

Changes the Redis password of the cache host, and Gluu's cache configuration in LDAP with it,
in one run: Redis accepts the new password besides the current one, the cache configuration
gets the new one (encoded on the primary with Gluu's salt), then Redis keeps only the new one
(also in its settings file). Gluu keeps its cache throughout. It needs the steps redis and
ldap-cache to have run. "gluu-cluster plan" does not show it; this command's output does.

Options:
  --config FILE            the cluster file (default: ./gluu-cluster.yaml)
  --yes                    change it without asking; without a terminal nothing runs without it
${HOST_KEY_HELP}
  --ldap-cert-fingerprint AA:BB:…
                           the LDAP certificate's SHA-256 fingerprint
  --state FILE             the run state (default: .gluu-cluster-state.json beside the cluster file)

Passwords come from GLUU_CLUSTER_REDIS_PASSWORD (the current one), GLUU_CLUSTER_NEW_REDIS_PASSWORD
(the new one) and GLUU_CLUSTER_LDAP_ADMIN_PASSWORD. Afterwards, use the new one as
GLUU_CLUSTER_REDIS_PASSWORD.

${HOST_KEY_ADVICE}
`,
  health: `Usage: gluu-cluster health --config FILE [--json] [--only GROUP,…] [--host-key …] [--known-hosts FILE] [--trust-new-host-keys]

Checks, read-only and at once on every host, that the cluster works: hosts (SSH, clock, disk),
LDAP replication, files (csync2), the load balancer, the web applications on each node, the
cache, drift from the cluster file and certificates. Nothing changes on the hosts except probe
entries and files that are removed again. A check that cannot run is "unknown" with the reason.

Options:
  --config FILE            the cluster file (default: ./gluu-cluster.yaml)
  --json                   the report as JSON (version 1: { version, cluster, startedAt, ms,
                           state, counts, rows: [{ group, check, title, host, state, reason,
                           checkedAt, details?, fixStep?, value? }] })
  --only GROUP,…           only these groups: ${HEALTH_GROUPS.join(', ')}
${HOST_KEY_HELP}

Passwords (LDAP, Redis) come from GLUU_CLUSTER_LDAP_ADMIN_PASSWORD and GLUU_CLUSTER_REDIS_PASSWORD;
a check that needs one that is not set is "unknown".

Exit codes: 0 every check ok, 1 a warning, 2 a critical check, 3 a check that could not tell
(the worst decides: critical, then unknown, then warning). Bad usage or a cluster file that
cannot be read also exits 3, as monitoring plugins do.
`,
  join: `Usage: gluu-cluster join --node HOST --config FILE [--yes] [--host-key …] [--known-hosts FILE] [--trust-new-host-keys] [--ldap-cert-fingerprint AA:BB:…]

Adds a Gluu node to the running cluster. Add it to the cluster file first; then join runs the
plan's own steps, each where the new node needs it: /etc/hosts on every host, setup.properties
and setup.py on the new node, its replication with the others (and theirs with it), csync2.cfg
on every node and a first sync, nginx.conf with its upstream (checked, then reloaded),
oxIDPAuthentication and ox-ldap.properties on every node, certificates and keystores on the new
node, and its web applications started. The other nodes keep serving: only the new node
restarts. A step's check skips a host where it already holds, so a join that stopped continues
where it stopped. "gluu-cluster plan --join HOST" prints every command first.

Options:
  --node HOST              the node to join (not the primary)
  --config FILE            the cluster file (default: ./gluu-cluster.yaml)
  --yes                    join without asking; without a terminal nothing runs without it
${HOST_KEY_HELP}
  --ldap-cert-fingerprint AA:BB:…
                           the LDAP certificate's SHA-256 fingerprint (for oxIDPAuthentication)
  --state FILE             the run state (default: .gluu-cluster-state.json beside the cluster file)

Passwords come from GLUU_CLUSTER_LDAP_ADMIN_PASSWORD and GLUU_CLUSTER_REDIS_PASSWORD.
Exit codes: 0 joined, 1 a step failed or the cluster is not built yet (the message says which), 2 bad usage.
`,
  remove: `Usage: gluu-cluster remove --node HOST --config FILE [--yes] [--host-key …] [--known-hosts FILE] [--trust-new-host-keys] [--ldap-cert-fingerprint AA:BB:…]

Takes a Gluu node out of the running cluster, in the order that keeps it serving: nginx.conf
without it (checked, reloaded), then replication (OpenLDAP: every other node's syncrepl from it
goes; OpenDJ: dsreplication disable --disableAll from the primary, nothing when it is no longer
replicated), csync2 (the new csync2.cfg on the others; its cron line, listener and database on
the node), oxIDPAuthentication, every ox-ldap.properties and /etc/hosts; then it goes from the
cluster file. When the node cannot be reached, everything that does not need it is done and the
rest is listed. The primary cannot be removed while other nodes exist. "gluu-cluster plan
--remove HOST" prints every command first.

Options:
  --node HOST              the node to remove
  --config FILE            the cluster file (default: ./gluu-cluster.yaml)
  --yes                    remove without asking; without a terminal nothing runs without it
${HOST_KEY_HELP}
  --ldap-cert-fingerprint AA:BB:…
                           the LDAP certificate's SHA-256 fingerprint (for oxIDPAuthentication)
  --state FILE             the run state (default: .gluu-cluster-state.json beside the cluster file)

Passwords come from GLUU_CLUSTER_LDAP_ADMIN_PASSWORD.
Exit codes: 0 removed, 1 removed with steps on the node left undone (listed), or a step failed
(the node stays in the cluster file), 2 bad usage.
`,
  verify: `Usage: gluu-cluster verify --config FILE [--host-key …] [--known-hosts FILE] [--trust-new-host-keys] [--state FILE]

Runs every step's own read-only check (where a step has none, its verification) on each host it
applies to, changing nothing, and records the answer in the run state: a step that holds is
"already done" there, one that does not is "not run" there. So a cluster built by hand, or by
another tool, can be adopted, and a step that no longer holds shows. Steps without a check say so.

Options:
  --config FILE            the cluster file (default: ./gluu-cluster.yaml)
${HOST_KEY_HELP}
  --state FILE             the run state (default: .gluu-cluster-state.json beside the cluster file)

Passwords the checks need come from GLUU_CLUSTER_LDAP_ADMIN_PASSWORD and GLUU_CLUSTER_REDIS_PASSWORD.
Exit codes: 0 no step was found not to hold (steps without a check are listed with "?"), 1 a
step does not hold on some host.
`,
  status: `Usage: gluu-cluster status --config FILE [--state FILE]

Prints each step's state as the run state records it: done, failed, cancelled, partly run,
stale (a step it depends on ran again since), skipped or done by hand (with the reason), never
run. Steps that do not apply to this cluster say why.

Options:
  --config FILE            the cluster file (default: ./gluu-cluster.yaml)
  --state FILE             the run state (default: .gluu-cluster-state.json beside the cluster file)
`,
  mark: `Usage: gluu-cluster mark STEP done|skipped|reset [--reason TEXT] --config FILE [--state FILE]

Records that a step was done by hand (done) or is not wanted (skipped), with the reason, so the
steps that need it can run; reset forgets what is known of the step. Nothing runs on any host.

Options:
  --reason TEXT            why (required for done and skipped; kept with the mark)
  --config FILE            the cluster file (default: ./gluu-cluster.yaml)
  --state FILE             the run state (default: .gluu-cluster-state.json beside the cluster file)
`,
  schema: `Usage: gluu-cluster schema

Prints the JSON Schema of the cluster file.
`,
};

/** The help of a command (and of an ldap subcommand), or undefined for an unknown command. */
function helpOf(command: string, sub: string | undefined): string | undefined {
  if (command === 'ldap') return LDAP_HELP[(LDAP_SUBCOMMANDS as readonly string[]).includes(sub ?? '') ? (sub as LdapSubcommand) : 'ldap'];
  return Object.hasOwn(COMMAND_HELP, command) ? COMMAND_HELP[command] : undefined;
}

export function main(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(printable(s, { newlines: true })),
): number | Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    out(USAGE);
    return command ? 0 : 2;
  }
  const opts = new Map<string, string>();
  const pins: string[] = [];
  const forced: string[] = [];
  const positional: string[] = [];
  let help = false;
  for (let i = 0; i < rest.length; i++) {
    const flag =
      /^--(config|step|node|generated-folder|servers|provider-type|ldap-cert-fingerprint|state|reason|known-hosts|only|join|remove)$/.exec(
        rest[i],
      );
    if (flag && rest[i + 1] !== undefined) opts.set(flag[1], rest[++i]);
    else if (rest[i] === '--host-key' && rest[i + 1] !== undefined) pins.push(rest[++i]);
    else if (rest[i] === '--force' || rest[i].startsWith('--force=')) {
      // `--force` alone: the --step given; `--force STEP[,STEP]` names steps for a whole-plan run.
      const named = rest[i].startsWith('--force=') ? rest[i].slice(8) : findStep(rest[i + 1] ?? '') ? rest[++i] : undefined;
      opts.set('force', 'yes');
      if (named) forced.push(...named.split(',').filter(Boolean));
    } else if (['--trust-new-host-keys', '--record-host-keys', '--yes', '--json'].includes(rest[i])) opts.set(rest[i].slice(2), 'yes');
    else if (rest[i] === '-h' || rest[i] === '--help') help = true;
    else if (!rest[i].startsWith('-')) positional.push(rest[i]);
    else {
      err(`gluu-cluster: unknown option "${rest[i]}"\n${USAGE}`);
      return 2;
    }
  }
  if (help) {
    const text = helpOf(command, positional[0]);
    if (text === undefined) {
      err(`gluu-cluster: unknown command "${command}"\n${USAGE}`);
      return 2;
    }
    out(text);
    return 0;
  }
  /** The plan input of a loaded cluster file, with the edited copies from --generated-folder. */
  const inputOf = (loaded: { file: string; config: ClusterConfig }) =>
    cliPlanInput(loaded.file, loaded.config, opts.get('generated-folder'));
  /** What every command that runs the session passes it: host keys, the LDAP certificate, the state file, the output. */
  const sessionOptions = (loaded: { file: string }, hostKeys: CliHostKeys, force: boolean): CliRunOptions => ({
    hostKeys,
    force,
    ldapCertFingerprint: opts.get('ldap-cert-fingerprint'),
    clusterFileDir: dirname(loaded.file),
    ...(opts.has('state') ? { stateFile: opts.get('state') } : {}),
    out,
    err,
  });
  /** `run()` once the operator said yes (--yes, or at the terminal); else the exit code of the refusal. */
  const whenConfirmed = (cluster: string, what: string, run: () => Promise<number>) =>
    confirmRun(cluster, what, opts.has('yes'), err).then((go) => (go !== true ? go : run()));
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
      const input = inputOf(loaded);
      const removing = opts.get('remove');
      if (removing) {
        const refused = cannotRemove(config, removing);
        if (refused) {
          err(`gluu-cluster: ${removing} cannot be removed: ${refused}\n`);
          return 2;
        }
        out(formatRemove(config, removing, removeSteps(input, removing)));
        return 0;
      }
      const joining = opts.get('join');
      if (joining) {
        const refused = cannotJoin(config, joining);
        if (refused) {
          err(`gluu-cluster: ${joining} cannot join: ${refused}\n`);
          return 2;
        }
        out(formatJoin(config, joining, joinSteps(input, joining)));
        return 0;
      }
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
      const unknown = forced.filter((id) => !findStep(id));
      if (unknown.length) {
        err(`gluu-cluster: --force: unknown step "${unknown[0]}"; steps: ${STEPS.map((s) => s.id).join(', ')}\n`);
        return 2;
      }
      const hostKeys = hostKeyOptions(opts, pins, err);
      if (typeof hostKeys === 'number') return hostKeys;
      const what = stepId
        ? `step "${stepId}"${opts.has('node') ? ` on ${opts.get('node')}` : ''}`
        : 'every step that has not succeeded yet';
      return whenConfirmed(loaded.config.name, what, () =>
        runFromCli(loaded.config, inputOf(loaded), {
          ...sessionOptions(loaded, hostKeys, opts.has('force')),
          stepId,
          node: opts.get('node'),
          forceSteps: forced,
        }),
      );
    }
    case 'redis-password': {
      const loaded = loadConfig(opts.get('config'), err);
      if (typeof loaded === 'number') return loaded;
      const hostKeys = hostKeyOptions(opts, pins, err);
      if (typeof hostKeys === 'number') return hostKeys;
      const what = `the Redis password change (in Redis on ${loaded.config.cache?.host ?? 'the cache host'} and in Gluu's cache configuration)`;
      return whenConfirmed(loaded.config.name, what, () =>
        changeRedisPasswordFromCli(loaded.config, inputOf(loaded), sessionOptions(loaded, hostKeys, true)),
      );
    }
    case 'health': {
      // A monitoring system reads 1 and 2 as warning and critical: anything that stops the
      // check from running is 3 (unknown), as Nagios plugins report bad usage.
      const UNKNOWN = EXIT_CODES.unknown;
      const loaded = loadConfig(opts.get('config'), err);
      if (typeof loaded === 'number') return UNKNOWN;
      const only = opts.get('only')?.split(',').filter(Boolean);
      const bad = only?.find((g) => !(HEALTH_GROUPS as readonly string[]).includes(g));
      if (bad) {
        err(`gluu-cluster: --only: unknown group "${bad}"; groups: ${HEALTH_GROUPS.join(', ')}\n`);
        return UNKNOWN;
      }
      const hostKeys = hostKeyOptions(opts, pins, err);
      if (typeof hostKeys === 'number') return UNKNOWN;
      return healthFromCli(loaded.config, inputOf(loaded), {
        ...sessionOptions(loaded, hostKeys, false),
        json: opts.has('json'),
        ...(only ? { groups: only as HealthGroup[] } : {}),
      });
    }
    case 'join': {
      const loaded = loadConfig(opts.get('config'), err);
      if (typeof loaded === 'number') return loaded;
      const node = opts.get('node');
      const refused = node ? cannotJoin(loaded.config, node) : 'name it with --node HOST';
      if (!node || refused) {
        err(`gluu-cluster: ${node ?? 'which node'} cannot join: ${refused}\n`);
        return 2;
      }
      const hostKeys = hostKeyOptions(opts, pins, err);
      if (typeof hostKeys === 'number') return hostKeys;
      const what = `joining ${node} (every host learns of it; only ${node} is set up and restarted)`;
      return whenConfirmed(loaded.config.name, what, () =>
        joinFromCli(loaded.config, inputOf(loaded), node, sessionOptions(loaded, hostKeys, false)),
      );
    }
    case 'remove': {
      const loaded = loadConfig(opts.get('config'), err);
      if (typeof loaded === 'number') return loaded;
      const node = opts.get('node');
      const refused = node ? cannotRemove(loaded.config, node) : 'name it with --node HOST';
      if (!node || refused) {
        err(`gluu-cluster: ${node ?? 'which node'} cannot be removed: ${refused}\n`);
        return 2;
      }
      const hostKeys = hostKeyOptions(opts, pins, err);
      if (typeof hostKeys === 'number') return hostKeys;
      const what = `removing ${node} (out of the load balancer, replication, csync2 and every node's LDAP server list, then out of the cluster file)`;
      const file = loaded.file;
      return whenConfirmed(loaded.config.name, what, () =>
        removeFromCli(
          loaded.config,
          inputOf(loaded),
          node,
          () => writeFileSync(file, removeNodeFromText(readFileSync(file, 'utf8'), node)),
          sessionOptions(loaded, hostKeys, true),
        ),
      );
    }
    case 'verify': {
      const loaded = loadConfig(opts.get('config'), err);
      if (typeof loaded === 'number') return loaded;
      const hostKeys = hostKeyOptions(opts, pins, err);
      if (typeof hostKeys === 'number') return hostKeys;
      return verifyFromCli(loaded.config, inputOf(loaded), sessionOptions(loaded, hostKeys, false));
    }
    case 'status':
    case 'mark': {
      const loaded = loadConfig(opts.get('config'), err);
      if (typeof loaded === 'number') return loaded;
      return stepStateFromCli(command, loaded.config, {
        clusterFileDir: dirname(loaded.file),
        ...(opts.has('state') ? { stateFile: opts.get('state') } : {}),
        stepId: positional[0],
        mark: positional[1],
        reason: opts.get('reason'),
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
      const hostKeys = hostKeyOptions(opts, pins, err);
      if (typeof hostKeys === 'number') return hostKeys;
      const pool = cliSshPool(hostKeys, err);
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
      const what = GENERATED_FILES.find((f) => f.name === positional[0]);
      if (!what) {
        err(`gluu-cluster: render what? ${GENERATED_FILES.map((f) => f.name).join(' or ')}\n${USAGE}`);
        return 2;
      }
      const loaded = loadConfig(opts.get('config'), err);
      if (typeof loaded === 'number') return loaded;
      out(generateFiles(loaded.config)[what.fileName]);
      return 0;
    }
    default:
      err(`gluu-cluster: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

/** --host-key, --known-hosts, --record-host-keys and --trust-new-host-keys; a number is the exit code of a usage error. */
function hostKeyOptions(opts: Map<string, string>, pinValues: string[], err: (s: string) => void): CliHostKeys | number {
  const pins: HostKeyPin[] = [];
  for (const v of pinValues) {
    const pin = parseHostKeyPin(v);
    if (!pin) {
      err(`gluu-cluster: --host-key "${v}" is not [HOST=]SHA256:… (a fingerprint as ssh-keygen -lf prints it)\n`);
      return 2;
    }
    pins.push(pin);
  }
  const knownHostsFile = opts.get('known-hosts');
  if (opts.has('record-host-keys') && !knownHostsFile) {
    err('gluu-cluster: --record-host-keys needs --known-hosts FILE: the file to record the keys in\n');
    return 2;
  }
  return {
    trustNew: opts.has('trust-new-host-keys'),
    pins,
    ...(knownHostsFile ? { knownHostsFile: resolve(knownHostsFile) } : {}),
    record: opts.has('record-host-keys'),
  };
}

/**
 * `run` changes servers: it goes ahead with --yes, or when the person at the terminal says so.
 * Without a terminal (CI, cron, a pipe) and without --yes it runs nothing. True, or the exit code.
 */
async function confirmRun(cluster: string, what: string, yes: boolean, err: (s: string) => void): Promise<true | number> {
  if (yes) return true;
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    err(`gluu-cluster: run changes the servers of cluster "${cluster}" (${what}); without a terminal to ask, pass --yes. Nothing ran.\n`);
    return 2;
  }
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Run ${what} on cluster "${cluster}"? [y/N] `);
    if (/^y(es)?$/i.test(answer.trim())) return true;
    err('gluu-cluster: nothing ran.\n');
    return 1;
  } finally {
    rl.close();
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

/**
 * What plan and run render from: the user's copies of the generated files in the folder given
 * (relative to the cluster file's folder; default cluster), named in the plan's texts as given.
 */
function cliPlanInput(clusterFile: string, config: ClusterConfig, folder = DEFAULT_GENERATED_FOLDER): PlanInput {
  const dir = resolve(dirname(clusterFile), folder);
  const copies: Partial<Record<GeneratedFileName, string>> = {};
  for (const { fileName } of GENERATED_FILES) {
    const f = join(dir, fileName);
    if (existsSync(f)) copies[fileName] = readFileSync(f, 'utf8');
  }
  return planInput(config, copies, folder);
}

if (require.main === module) {
  // `gluu-cluster status | head`: a reader that stops early is not an error of ours.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  void Promise.resolve(main(process.argv.slice(2))).then((code) => {
    process.exitCode = code;
  });
}
