// npm run bench: performance goals, measured as ratios within one run (the machine is shared and
// noisy, so absolute times mean little). Needs root: the hosts are lab hosts with real sshd.
//
//   fan-out      a step running a 1 s remote command on 8 hosts vs on 1 host   goal ≤ 1.3×
//   vs pssh      the same 8-host step vs parallel-ssh (Debian pssh)           goal ≤ 1.1×
//   reuse        a command on a pooled connection vs one that connects first   (reported)
//   bundles      what the editor pays the first time it needs each lazily loaded bundle: the
//                bundle's require() in a fresh Node process, median of 7            (reported)
//   the cluster  the whole plan on a fresh sandbox, a health check of the built cluster (2 and 4
//                nodes), and OpenLDAP replication latency with 2 and 4 nodes
//                (scripts/bench-replication.mjs)          goals < 60 s, health < 2 s and ≤ 1.3×, p95 < 100 ms
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
const { SshPool, runStep, sh } = require(path.join(ROOT, 'dist', 'run.js'));

// The extension loads core.js when a view first opens and run.js on the first run or check;
// neither imports vscode, so plain Node can time them (ldapEditor.js, 11 KiB, needs the editor).
function bundleLoads() {
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const rows = [];
  for (const [bundle, when] of [
    ['core.js', 'first view open'],
    ['run.js', 'first run / check'],
  ]) {
    const file = path.join(ROOT, 'dist', bundle);
    const times = Array.from({ length: 7 }, () => {
      const r = spawnSync(
        process.execPath,
        ['-e', `const t=performance.now();require(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t))`],
        {
          encoding: 'utf8',
        },
      );
      if (r.status !== 0 || !Number.isFinite(Number(r.stdout)) || r.stdout === '') throw new Error(`loading ${bundle} failed: ${r.stderr}`);
      return Number(r.stdout);
    });
    rows.push({ bundle, when, kb: fs.statSync(file).size / 1024, ms: median(times) });
  }
  console.log('\nbundle loads (require in a fresh Node process, median of 7)');
  for (const r of rows)
    console.log(`${r.bundle.padEnd(16)} ${r.when.padEnd(20)} ${r.kb.toFixed(0).padStart(6)} KiB ${r.ms.toFixed(1).padStart(8)} ms`);
}
bundleLoads();
const lab = require('./lab/netns.cjs');
const { startSshd } = require('./lab/sshd.cjs');

const N = 8;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gluu-bench-'));
const key = path.join(dir, 'id_ed25519');
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
const hosts = Array.from({ length: N }, (_, i) => ({ name: `h${i + 1}`, hostname: `h${i + 1}.bench.test` }));
console.log(`bench: ${N} lab hosts with sshd…`);
const l = lab.labUp({ hosts });
const fingerprints = {};
try {
  await Promise.all(
    hosts.map(
      async (h) =>
        (fingerprints[l.hosts[h.name].address] = (
          await startSshd(l, h.name, { clientPublicKey: fs.readFileSync(`${key}.pub`, 'utf8') })
        ).fingerprint),
    ),
  );
  const config = {
    name: 'bench',
    gluu: { version: '3.1.5', container: 'none', ldap: 'openldap', baseDN: 'o=gluu', bindDN: 'cn=directory manager,o=gluu' },
    ssh: {},
    loadBalancer: { host: 'lb.bench.test', address: '127.0.0.2', role: 'loadBalancer', ssh: {}, path: [] },
    nodes: hosts.map((h, i) => ({
      host: h.hostname,
      address: l.hosts[h.name].address,
      primary: i === 0,
      role: i === 0 ? 'primary' : 'node',
      ssh: { user: 'root', identityFile: key },
      path: [],
      index: i,
    })),
    csync2: { include: [], exclude: [], intervalMinutes: 10, staggered: true },
  };
  const newPool = () =>
    new SshPool({
      sshConfigFile: null,
      knownHostsFiles: [],
      agentSocket: null,
      trustStore: { lookup: async () => [], add: async () => undefined },
      // The bench's own hosts: trusted when the fingerprint is the one sshd was started with.
      confirmUnknownHostKey: async (i) => fingerprints[i.host] === i.fingerprint,
    });
  const { sshConnector } = require(path.join(ROOT, 'dist', 'run.js'));
  const plan = (n) => ({
    step: { id: 'bench', title: 'bench', section: '', summary: '', scope: 'all-nodes', requires: [] },
    resolved: { targets: [], targetLabel: '' },
    before: [],
    after: [],
    notes: [],
    targets: config.nodes.slice(0, n).map((node) => ({
      host: node.host,
      label: node.host,
      actions: [{ kind: 'exec', host: node.host, title: 'sleep 1', script: sh`sleep 1`, container: false }],
    })),
  });
  const timeStep = async (n, { warm = false } = {}) => {
    const pool = newPool();
    // Warm: the pool already holds the connections, as in the editor after the first step.
    if (warm) await Promise.all(config.nodes.slice(0, n).map((node) => pool.get({ host: node.address, user: 'root', identityFile: key })));
    const t0 = performance.now();
    const o = await runStep(plan(n), {
      config,
      connector: sshConnector(pool, config),
      secrets: { get: async () => '' },
      mask: (t) => t,
      listener: { output: () => undefined },
    });
    const ms = performance.now() - t0;
    await pool.closeAll();
    if (o.status !== 'done') throw new Error(`bench step failed: ${JSON.stringify(o.sequences)}`);
    return ms;
  };
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const one = [];
  const eight = [];
  const oneWarm = [];
  const eightWarm = [];
  const pssh = [];
  const addrs = config.nodes.map((n) => n.address);
  for (let r = 0; r < ROUNDS; r++) {
    one.push(await timeStep(1));
    eight.push(await timeStep(N));
    oneWarm.push(await timeStep(1, { warm: true }));
    eightWarm.push(await timeStep(N, { warm: true }));
    const t0 = performance.now();
    const p = spawnSync(
      'parallel-ssh',
      [
        '-p',
        String(N),
        '-l',
        'root',
        '-x',
        `-i ${key} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR`,
        ...addrs.flatMap((a) => ['-H', a]),
        'sleep 1',
      ],
      { encoding: 'utf8' },
    );
    pssh.push(performance.now() - t0);
    if (p.status !== 0) throw new Error(`parallel-ssh failed: ${p.stdout}${p.stderr}`);
  }
  // Connection reuse: a command on a connected pool vs connect-then-command.
  const fresh = [];
  const reused = [];
  for (let r = 0; r < ROUNDS * 3; r++) {
    const pool = newPool();
    const target = { host: addrs[0], user: 'root', identityFile: key };
    let t0 = performance.now();
    await (await pool.get(target)).exec(sh`true`);
    fresh.push(performance.now() - t0);
    t0 = performance.now();
    await (await pool.get(target)).exec(sh`true`);
    reused.push(performance.now() - t0);
    await pool.closeAll();
  }
  const m1 = median(one);
  const m8 = median(eight);
  const mp = median(pssh);
  const row = (what, a, b, ratio, goal) =>
    console.log(`${what.padEnd(44)} ${a.padStart(10)} ${b.padStart(10)} ${ratio.padStart(8)}  ${goal}`);
  const w1 = median(oneWarm);
  const w8 = median(eightWarm);
  console.log(`\nmedians of ${ROUNDS} rounds`);
  row('', 'ms', 'vs ms', 'ratio', 'goal');
  row(
    `fan-out, connecting: ${N} hosts vs 1`,
    m8.toFixed(0),
    m1.toFixed(0),
    `${(m8 / m1).toFixed(2)}×`,
    `≤ 1.30× ${m8 / m1 <= 1.3 ? 'met' : 'MISSED'}`,
  );
  row(
    `fan-out, pooled: ${N} hosts vs 1`,
    w8.toFixed(0),
    w1.toFixed(0),
    `${(w8 / w1).toFixed(2)}×`,
    `≤ 1.30× ${w8 / w1 <= 1.3 ? 'met' : 'MISSED'}`,
  );
  row(
    `connecting ${N} vs parallel-ssh on the same`,
    m8.toFixed(0),
    mp.toFixed(0),
    `${(m8 / mp).toFixed(2)}×`,
    `≤ 1.10× ${m8 / mp <= 1.1 ? 'met' : 'MISSED'}`,
  );
  row(
    'reuse: pooled command vs connect+command',
    median(reused).toFixed(0),
    median(fresh).toFixed(0),
    `${(median(reused) / median(fresh)).toFixed(2)}×`,
    '(lower is better)',
  );
} finally {
  await lab.labDown(l);
  fs.rmSync(dir, { recursive: true, force: true });
}
await (await import('./bench-replication.mjs')).benchCluster();
