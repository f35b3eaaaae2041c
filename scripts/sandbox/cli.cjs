// The headless sandbox CLI (npm run sandbox -- …, root only):
//
//   up [--nodes N] [--in-cluster M] [--dir DIR] [--ldap-open] [--foreground]
//        brings the sandbox up (N Gluu nodes, 2 to 4; default 2; the cluster file lists the first
//        M, default all: the others are fresh nodes to join) and prints its cluster file and
//        passwords file. By default it returns once the hosts run (they stay, in the
//        background); with --foreground it stays until Ctrl+C, which takes the sandbox down.
//        --dir: keys, passwords and workspace in DIR (default a new gluu-sandbox-cli-* folder in
//        the temporary directory). --ldap-open: slapd also on each node's address.
//   status   the hosts, their addresses, what runs on each, and the sandbox's files
//   down     stops everything and removes every file the sandbox made, keys and passwords included
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { canUseNetns } = require('../lab/netns.cjs');
const { sandboxUp } = require('./sandbox.cjs');
const { MIN_NODES, MAX_NODES } = require('./clusterFile.cjs');
const { servicesIn } = require('./inventory.cjs');
const { readState, writeState, stateOf, stateFile, liveHosts, netnsList, teardown } = require('./state.cjs');

const USAGE = [
  'usage: npm run sandbox -- up [--nodes N] [--in-cluster M] [--dir DIR] [--ldap-open] [--foreground]',
  '       npm run sandbox -- status',
  '       npm run sandbox -- down',
].join('\n');

class UsageError extends Error {}

function parseArgs(argv) {
  const [cmd, ...rest] = argv;
  const o = { cmd, nodes: MIN_NODES, dir: undefined, ldapOpen: false, foreground: false };
  for (let i = 0; i < rest.length; i++) {
    const [a, inline] = rest[i].includes('=')
      ? [rest[i].slice(0, rest[i].indexOf('=')), rest[i].slice(rest[i].indexOf('=') + 1)]
      : [rest[i]];
    const value = () => {
      const v = inline ?? rest[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (cmd !== 'up') throw new UsageError(`${cmd} takes no options`);
    if (a === '--nodes') {
      o.nodes = Number(value());
      if (!Number.isInteger(o.nodes) || o.nodes < MIN_NODES || o.nodes > MAX_NODES)
        throw new UsageError(`--nodes: ${MIN_NODES} to ${MAX_NODES} Gluu nodes`);
    } else if (a === '--in-cluster') {
      o.inCluster = Number(value());
      if (!Number.isInteger(o.inCluster) || o.inCluster < MIN_NODES) throw new UsageError(`--in-cluster: at least ${MIN_NODES} nodes`);
    } else if (a === '--dir') o.dir = path.resolve(value());
    else if (a === '--ldap-open') o.ldapOpen = true;
    else if (a === '--foreground') o.foreground = true;
    else throw new UsageError(`unknown option ${a}`);
  }
  if (!['up', 'status', 'down'].includes(cmd)) throw new UsageError(cmd ? `unknown command ${cmd}` : 'no command');
  return o;
}

/** A lab id no namespace of this machine uses (not the process id: this one outlives the process). */
function freshId() {
  const used = netnsList();
  for (;;) {
    const id = `gs${require('node:crypto').randomBytes(2).toString('hex')}`;
    if (!used.some((ns) => ns.startsWith(`${id}-`))) return id;
  }
}

/** The sandbox's hosts with their address and what runs on each, and its files. */
function describe(state, out) {
  const mode = state.pid ? `in the foreground (pid ${state.pid}; Ctrl+C there takes it down)` : 'in the background';
  const hosts = Object.values(state.lab.hosts);
  out(`sandbox ${state.lab.id}: ${hosts.length} hosts on ${state.lab.subnet}.0/24, up since ${state.createdAt}, ${mode}`);
  const width = Math.max(...hosts.map((h) => h.hostname.length));
  const addressWidth = Math.max(...hosts.map((h) => h.address.length));
  const live = new Set(liveHosts(state).map((h) => h.name));
  for (const h of hosts) {
    const services = live.has(h.name) ? servicesIn(h.ns).join(', ') || 'nothing' : 'GONE (its namespace is missing)';
    out(`  ${h.hostname.padEnd(width)}  ${h.address.padEnd(addressWidth)}  ${services}`);
  }
  out(`cluster file:   ${state.clusterFile}`);
  const read = (f) => (f && fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined);
  const all = read(state.clusterFileAllNodes);
  if (all !== undefined && all !== read(state.clusterFile))
    out(`with every node: ${state.clusterFileAllNodes} (copy it over the cluster file, then join the others)`);
  out(`passwords file: ${state.passwordsFile} (mode 0600: ldap_admin_password, the directory manager's on every node)`);
  out(`ssh key:        ${state.clientKey}`);
  const first = hosts.find((h) => h.name !== 'lb') ?? hosts[0];
  out('look inside a host:');
  out(`  ssh -i ${state.clientKey} -o UserKnownHostsFile=${state.knownHosts} root@${first.address}`);
  out(`  nsenter -t ${first.pid} -m -u -n -r -w bash     (its namespaces and files; ip netns exec ${first.ns} … for its network only)`);
}

async function up(o, out, err) {
  const previous = readState();
  if (previous) {
    if (liveHosts(previous).length > 0) {
      err(`a sandbox is already up (${stateFile()}):`);
      describe(previous, err);
      err('npm run sandbox -- down takes it down.');
      return 1;
    }
    // Its hosts are gone (the machine restarted): remove what it left and go on.
    teardown(previous);
  }
  // Ctrl+C while it comes up: the exit takes down what is already there (sandbox.cjs, netns.cjs).
  const quit = (code) => () => process.exit(code);
  const early = [
    ['SIGINT', quit(130)],
    ['SIGTERM', quit(143)],
    ['SIGHUP', quit(129)],
  ];
  for (const [s, f] of early) process.on(s, f);
  const sb = await sandboxUp({
    name: 'cli',
    id: freshId(),
    nodes: o.nodes,
    ...(o.inCluster ? { inCluster: o.inCluster } : {}),
    ldapOpen: o.ldapOpen,
    ...(o.dir ? { dir: o.dir } : {}),
  });
  const state = stateOf(sb, { foreground: o.foreground, owned: !o.dir });
  // The hosts' keys for ssh, so nothing of the sandbox goes into ~/.ssh/known_hosts.
  fs.writeFileSync(
    state.knownHosts,
    Object.values(sb.lab.hosts)
      .map((h) => `${h.address},${h.hostname} ${sb.sshd[h.hostname].hostPublicKey.split(' ').slice(0, 2).join(' ')}\n`)
      .join(''),
  );
  writeState(state);
  if (!o.foreground) {
    describe(state, out);
    for (const [s, f] of early) process.off(s, f);
    sb.keep();
    out('The sandbox runs in the background: npm run sandbox -- down takes it down and removes its files.');
    return 0;
  }
  // The handlers that take it down are in place before the early ones go and before anything is
  // printed: a Ctrl+C sent as soon as the output says so must never meet Node's default (exit).
  let resolveDown;
  const downed = new Promise((resolve) => (resolveDown = resolve));
  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    out(`\n${signal}: taking the sandbox down…`);
    sb.down()
      .catch((e) => err(`down: ${e.message}`))
      .finally(() => {
        teardown(state);
        resolveDown();
      });
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => stop(s));
  for (const [s, f] of early) process.off(s, f);
  describe(state, out);
  out('Ctrl+C takes the sandbox down and removes its files.');
  await downed;
  out('sandbox down: hosts stopped, files removed.');
  return 0;
}

function status(out) {
  const state = readState();
  if (!state) {
    out('no sandbox is up (npm run sandbox -- up starts one)');
    return 1;
  }
  describe(state, out);
  return liveHosts(state).length === Object.keys(state.lab.hosts).length ? 0 : 1;
}

/** Whether pid is a foreground sandbox CLI (not another process that got its pid since). */
function isSandboxCli(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('sandbox.cjs');
  } catch {
    return false;
  }
}

async function down(out) {
  const state = readState();
  if (!state) {
    out('no sandbox is up');
    return 0;
  }
  // A foreground sandbox takes itself down on SIGTERM; wait for it, then make sure.
  if (state.pid && state.pid !== process.pid && isSandboxCli(state.pid)) {
    process.kill(state.pid, 'SIGTERM');
    const end = Date.now() + 30000;
    while (isSandboxCli(state.pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  }
  teardown(state);
  const left = liveHosts(state);
  if (left.length) {
    out(`could not remove the namespaces ${left.map((h) => h.ns).join(', ')}`);
    return 1;
  }
  out(
    `sandbox ${state.lab.id} down: its ${Object.keys(state.lab.hosts).length} hosts stopped, its files removed (${state.owned ? state.dir : 'keys and passwords'}).`,
  );
  return 0;
}

async function main(argv, out = (l) => console.log(l), err = (l) => console.error(l)) {
  let o;
  try {
    o = parseArgs(argv);
  } catch (e) {
    err(`${e.message}\n${USAGE}`);
    process.exit(2);
  }
  const can = canUseNetns();
  if (can !== true) {
    err(`the sandbox needs network namespaces (run as root): ${can}`);
    process.exit(1);
  }
  try {
    const code = o.cmd === 'up' ? await up(o, out, err) : o.cmd === 'status' ? status(out) : await down(out);
    process.exit(code);
  } catch (e) {
    err(`sandbox ${o.cmd}: ${e.message}`);
    process.exit(1);
  }
}

module.exports = { main, parseArgs };
