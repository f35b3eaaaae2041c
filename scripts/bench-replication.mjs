// Part of `npm run bench`: the cluster the product builds, timed on the sandbox (root only).
//
//   whole plan   `gluu-cluster run --yes` on a fresh 2-node sandbox, from nothing to done   goal < 60 s
//   replication  a write on idp1 readable on another node: median and p95 of 40 writes,
//                with 2 and 4 nodes                                                       goal p95 < 100 ms
//   health       `gluu-cluster health` on the built cluster, 2 and 4 nodes: the report's own
//                time (checks only, not Node's start), median of 5     goals < 2 s; 4 nodes ≤ 1.3× 2 nodes
//
// The write and the reads happen on the reading node (over LDAPS to the writer), so one clock
// measures both ends: the figure includes the write itself.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { sandboxUp } = require('./sandbox/sandbox.cjs');
const lab = require('./lab/netns.cjs');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const WRITES = Number(process.env.BENCH_WRITES ?? 40);

const cli = (sb, password, ...args) => {
  const r = spawnSync(process.execPath, [CLI, ...args, '--config', sb.clusterFile, '--trust-new-host-keys'], {
    encoding: 'utf8',
    env: { ...process.env, GLUU_CLUSTER_LDAP_ADMIN_PASSWORD: password, GLUU_CLUSTER_REDIS_PASSWORD: 'bench-redis-pw' },
  });
  if (r.status !== 0) throw new Error(`gluu-cluster ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return r.stdout;
};

/** The whole plan on a fresh sandbox of `nodes` nodes (seconds), then `use(sb, password)` on the built cluster. */
async function built(nodes, use) {
  const sb = await sandboxUp({ name: `benchplan${nodes}`, nodes });
  try {
    const password = fs.readFileSync(sb.ldapPasswordFile, 'utf8');
    const t0 = performance.now();
    cli(sb, password, 'run', '--yes', '--ldap-cert-fingerprint', sb.ldap['idp1.gluu.test'].fingerprint);
    const seconds = (performance.now() - t0) / 1000;
    return { seconds, ...(await use(sb, password)) };
  } finally {
    await sb.down();
  }
}

/** CPU time this machine spent (every process, every core, in seconds) since boot, from /proc/stat. */
function busySeconds() {
  const [, user, nice, system, , , irq, softirq] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return (user + nice + system + irq + softirq) / 100;
}

/**
 * Five health checks of the built cluster: the median of the reports' own times, whether every
 * row was ok, and the machine's CPU use during a check (whole CLI run) against its wall time: on
 * the sandbox every host shares this machine's cores, so a check that keeps them all busy cannot
 * get faster by running more of itself at once.
 */
function healthTimes(sb, password) {
  const ms = [];
  const busy = [];
  let healthy = true;
  for (let i = 0; i < 5; i++) {
    const [b0, t0] = [busySeconds(), performance.now()];
    const report = JSON.parse(cli(sb, password, 'health', '--json'));
    busy.push((busySeconds() - b0) / ((performance.now() - t0) / 1000));
    ms.push(report.ms);
    healthy &&= report.state === 'ok';
  }
  return { healthMs: pct(ms, 50), healthy, coresBusy: pct(busy, 50) };
}

/** On `reader`: write a new description on idp1 over LDAPS, then poll the local slapd until it shows; prints ms per write. */
function latencyScript(writes) {
  const tool = (t, url) =>
    `LDAPTLS_CACERT=/opt/symas/etc/openldap/gluu-cluster-peers.pem /opt/symas/bin/${t} -x -H ${url} -D 'cn=directory manager,o=gluu' -y /root/.bench.pw`;
  return [
    `printf 'dn: cn=bench,o=gluu\\nobjectClass: organizationalRole\\ncn: bench\\ndescription: v0\\n' | ${tool('ldapadd', 'ldaps://idp1.gluu.test:1636/')} >/dev/null 2>&1 || true`,
    `i=1; while [ $i -le ${writes} ]; do`,
    `  t0=$(date +%s%N)`,
    `  printf 'dn: cn=bench,o=gluu\\nchangetype: modify\\nreplace: description\\ndescription: v%s\\n' $i | ${tool('ldapmodify', 'ldaps://idp1.gluu.test:1636/')} >/dev/null || exit 1`,
    `  until ${tool('ldapsearch', 'ldaps://127.0.0.1:1636/')} -LLL -b cn=bench,o=gluu -s base description | grep -qx "description: v$i"; do :; done`,
    `  echo $(( ($(date +%s%N) - t0) / 1000 ))`,
    '  i=$((i+1))',
    'done',
  ].join('\n');
}

const pct = (a, p) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor((a.length * p) / 100))];

async function replicated(nodes) {
  const sb = await sandboxUp({ name: `bench${nodes}`, nodes });
  try {
    const password = fs.readFileSync(sb.ldapPasswordFile, 'utf8');
    for (const s of ['hosts', 'setup-properties', 'run-setup']) cli(sb, password, 'mark', s, 'done', '--reason', 'bench');
    for (const s of ['openldap-listen', 'openldap-init', 'openldap-replication']) cli(sb, password, 'run', '--yes', '--step', s);
    const rows = [];
    for (const reader of [...new Set(['idp2', `idp${nodes}`])]) {
      const r = await lab.runAs(sb.lab, reader, 'sh', ['-c', `umask 077; cat > /root/.bench.pw; ${latencyScript(WRITES)}`], {
        input: password,
      });
      if (r.code !== 0) throw new Error(`latency on ${reader} failed: ${r.stderr}`);
      const us = r.stdout.trim().split('\n').map(Number);
      rows.push({ reader, median: pct(us, 50) / 1000, p95: pct(us, 95) / 1000 });
    }
    return rows;
  } finally {
    await sb.down();
  }
}

export async function benchCluster() {
  const two = await built(2, healthTimes);
  const four = await built(4, healthTimes);
  const plan = two.seconds;
  console.log(`\nthe cluster on the sandbox`);
  console.log(
    `whole plan (gluu-cluster run, 2 nodes, nothing to done)   ${plan.toFixed(1).padStart(7)} s   goal < 60 s ${plan < 60 ? 'met' : 'MISSED'}`,
  );
  for (const [nodes, r] of [
    [2, two],
    [4, four],
  ]) {
    console.log(
      `health, ${nodes} nodes (${r.healthy ? 'every row ok' : 'NOT every row ok'})   median ${(r.healthMs / 1000).toFixed(2).padStart(6)} s   goal < 2 s ${r.healthMs < 2000 ? 'met' : 'MISSED'}`,
    );
  }
  const ratio = four.healthMs / two.healthMs;
  console.log(`health, 4 nodes vs 2 nodes   ${ratio.toFixed(2)}×   goal ≤ 1.3× ${ratio <= 1.3 ? 'met' : 'MISSED'}`);
  for (const [nodes, r] of [
    [2, two],
    [4, four],
  ]) {
    console.log(
      `health, ${nodes} nodes: cores busy during the check (median)   ${r.coresBusy.toFixed(2)} of ${os.cpus().length}   (the sandbox's hosts share them)`,
    );
  }
  for (const nodes of [2, 4]) {
    for (const r of await replicated(nodes)) {
      console.log(
        `replication, ${nodes} nodes: write on idp1, read on ${r.reader}   median ${r.median.toFixed(1).padStart(6)} ms   p95 ${r.p95.toFixed(1).padStart(6)} ms   goal p95 < 100 ms ${r.p95 < 100 ? 'met' : 'MISSED'}`,
      );
    }
  }
}
