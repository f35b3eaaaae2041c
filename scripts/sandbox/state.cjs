// What the sandbox CLI remembers between `up`, `status` and `down`: one 0600 JSON file in the
// temporary directory, so another shell (or a later one) can find the sandbox and take it down.
// A sandbox in the background has no process of its own: its hosts' namespaces and daemons are
// all there is, and `down` ends them from what this file says.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const lab = require('../lab/netns.cjs');

const stateFile = () => path.join(os.tmpdir(), 'gluu-sandbox-cli.json');

function readState() {
  try {
    return JSON.parse(fs.readFileSync(stateFile(), 'utf8'));
  } catch {
    return null;
  }
}

function writeState(state) {
  fs.writeFileSync(stateFile(), JSON.stringify(state, null, 2), { mode: 0o600 });
}

function removeState() {
  fs.rmSync(stateFile(), { force: true });
}

/** The state of an up sandbox: its lab (the hosts' namespaces and holders) and its files. */
function stateOf(sb, { foreground, owned }) {
  const l = sb.lab;
  return {
    createdAt: new Date().toISOString(),
    pid: foreground ? process.pid : null,
    dir: sb.dir,
    owned,
    clusterFile: sb.clusterFile,
    clusterFileAllNodes: sb.clusterFileAllNodes,
    passwordsFile: sb.passwordsFile,
    ldapPasswordFile: sb.ldapPasswordFile,
    clientKey: sb.clientKey,
    knownHosts: path.join(sb.dir, 'known_hosts'),
    lab: {
      id: l.id,
      subnet: l.subnet,
      bridge: l.bridge,
      dir: l.dir,
      hosts: Object.fromEntries(
        Object.values(l.hosts).map((h) => [
          h.name,
          { name: h.name, ns: h.ns, address: h.address, hostname: h.hostname, root: h.root, pid: h.pid },
        ]),
      ),
    },
  };
}

// A namespace already gone is an answer here, not an error to show.
const QUIET = { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] };

const netnsList = () => {
  try {
    return execFileSync('ip', ['netns', 'list'], QUIET)
      .split('\n')
      .map((x) => x.split(' ')[0])
      .filter(Boolean);
  } catch {
    return [];
  }
};

/** The state's hosts whose namespace still exists. */
function liveHosts(state) {
  const names = new Set(netnsList());
  return Object.values(state.lab.hosts).filter((h) => names.has(h.ns));
}

function nsPids(ns) {
  try {
    return execFileSync('ip', ['netns', 'pids', ns], QUIET).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Ends the sandbox the state describes and removes its files: its hosts (every process in their
 * namespaces, the namespaces, the bridge, the lab folder), the SSH key, the password files and
 * the known_hosts it wrote (the whole folder when the sandbox made it), and the state file.
 * A holder pid is signalled only while it is still in its host's namespace: a pid reused since
 * by another process is left alone.
 */
function teardown(state) {
  const hosts = {};
  for (const h of Object.values(state.lab.hosts)) hosts[h.name] = { ...h, pid: nsPids(h.ns).includes(h.pid) ? h.pid : undefined };
  lab.labDownSync({ ...state.lab, hosts, children: new Set() });
  if (state.owned) fs.rmSync(state.dir, { recursive: true, force: true });
  else
    for (const f of [state.clientKey, `${state.clientKey}.pub`, state.ldapPasswordFile, state.passwordsFile, state.knownHosts])
      fs.rmSync(f, { force: true });
  removeState();
}

module.exports = { stateFile, readState, writeState, removeState, stateOf, liveHosts, nsPids, netnsList, teardown };
