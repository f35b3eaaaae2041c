// What runs on a sandbox host, from the processes in its network namespace (read from /proc on
// this machine, without entering the host): sshd, solserver, cron, the web stand-ins, and
// nginx, redis, inetd or csync2 once the steps have started them.
'use strict';
const fs = require('node:fs');
const { nsPids } = require('./state.cjs');

function processOf(pid) {
  try {
    const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    return { pid, comm, args: args.join(' ') };
  } catch {
    return null;
  }
}

// In the order status shows them; each names what the process is.
const KINDS = [
  ['sshd', (p) => p.comm === 'sshd' && /sshd -D/.test(p.args)],
  ['solserver', (p) => p.comm === 'slapd' && p.args.includes('/opt/symas/etc/openldap/slapd.conf')],
  ['slapd', (p) => p.comm === 'slapd' && !p.args.includes('/opt/symas/etc/openldap/slapd.conf')],
  ['cron', (p) => p.comm === 'cron'],
  ['apache2', (p) => p.args.includes('web-standin.py front')],
  ['oxauth', (p) => p.args.includes('web-standin.py app --service oxauth')],
  ['identity', (p) => p.args.includes('web-standin.py app --service identity')],
  ['nginx', (p) => p.comm === 'nginx' && p.args.startsWith('nginx: master')],
  ['redis', (p) => p.comm === 'redis-server'],
  ['inetd', (p) => p.comm === 'inetd'],
  ['csync2', (p) => p.comm === 'csync2'],
];

/** The services running in namespace `ns`, in KINDS order, each once. */
function servicesIn(ns) {
  const procs = nsPids(ns).map(processOf).filter(Boolean);
  return KINDS.filter(([, is]) => procs.some(is)).map(([name]) => name);
}

module.exports = { servicesIn };
