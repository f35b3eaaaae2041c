/**
 * The step runner on lab hosts (real processes and files, commands entered with nsenter): the
 * hosts and setup-properties steps for real, then the runner's rules on hand-made plans —
 * a failing node stops alone, secret files exist only while needed, output is masked,
 * cancelling stops what runs and says what did not.
 */
import * as assert from 'node:assert/strict';
import { parseClusterFile } from '../../src/core/config/parse';
import type { ClusterConfig } from '../../src/core/config/types';
import type { Action } from '../../src/core/plan/actions';
import { findStep } from '../../src/core/plan/catalogue';
import { planInput, renderStep } from '../../src/core/plan/plan';
import type { StepPlan } from '../../src/core/plan/stepPlan';
import { resolveStep } from '../../src/core/plan/targets';
import { runStep, setProperty, type RunContext } from '../../src/core/run/runner';
import { Masker } from '../../src/core/run/secrets';
import { summarize } from '../../src/core/run/summary';
import { sh } from '../../src/core/ssh/shell';
import { lab, shOn, type Lab } from './lab';
import { labConnector } from './labConnector';

const SECRET = `p@ss! w'rd $ "x" \\ ;`;

describe('the step runner on lab hosts', function () {
  this.timeout(120000);
  let l: Lab;
  let config: ClusterConfig;
  let output: string[];
  const hostMap: Record<string, string> = { 'lb.gluu.test': 'lb', 'idp1.gluu.test': 'idp1', 'idp2.gluu.test': 'idp2' };

  const context = (extra: Partial<RunContext> = {}): RunContext => {
    const masker = new Masker();
    masker.add(SECRET);
    return {
      config,
      connector: labConnector(l, hostMap),
      secrets: { get: async () => SECRET },
      listener: { output: (host, kind, text) => output.push(`${host} ${kind} ${text}`) },
      mask: (t) => masker.mask(t),
      ...extra,
    };
  };

  before(async () => {
    const can = lab.canUseNetns();
    if (can !== true) throw new Error(`these tests need network namespaces (run as root): ${can}`);
    l = lab.labUp({
      hosts: [
        { name: 'lb', hostname: 'lb-initial' },
        { name: 'idp1', hostname: 'idp1-initial' },
        { name: 'idp2', hostname: 'idp2-initial' },
      ],
    });
    config = parseClusterFile(`name: runner-test
gluu: { version: 3.1.5, container: none }
loadBalancer: { host: lb.gluu.test, address: ${l.hosts.lb.address} }
nodes:
  - { host: idp1.gluu.test, address: ${l.hosts.idp1.address}, primary: true }
  - { host: idp2.gluu.test, address: ${l.hosts.idp2.address} }
`).config!;
  });
  beforeEach(() => {
    output = [];
  });
  after(async () => {
    if (l) await lab.labDown(l);
  });

  it('hosts: writes the cluster block into /etc/hosts and sets the FQDN on every host; a second run finds it done', async () => {
    await shOn(l, 'idp1', "printf '127.0.0.1 localhost\\n# mine\\n' > /etc/hosts");
    const plan = renderStep('hosts', planInput(config));
    const first = await runStep(plan, context());
    assert.equal(first.status, 'done', summarize(first).join('\n'));
    assert.deepEqual(
      first.sequences.map((s) => [s.host, s.status, s.verified]),
      [
        ['idp1.gluu.test', 'done', true],
        ['idp2.gluu.test', 'done', true],
        ['lb.gluu.test', 'done', true],
      ],
    );
    const hosts = await shOn(l, 'idp1', 'cat /etc/hosts; hostname; cat /etc/hostname');
    assert.equal(
      hosts,
      `127.0.0.1 localhost\n# mine\n# BEGIN gluu-cluster\n${l.hosts.lb.address} lb.gluu.test\n${l.hosts.idp1.address} idp1.gluu.test\n${l.hosts.idp2.address} idp2.gluu.test\n# END gluu-cluster\nidp1.gluu.test\nidp1.gluu.test\n`,
    );
    const second = await runStep(plan, context());
    assert.deepEqual(
      second.sequences.map((s) => s.status),
      ['already-done', 'already-done', 'already-done'],
    );
    // Run again with force: the block is replaced, not duplicated.
    await runStep(plan, context({ force: true }));
    assert.equal((await shOn(l, 'idp1', 'grep -c "BEGIN gluu-cluster" /etc/hosts')).trim(), '1');
  });

  it('hosts: refuses to edit an /etc/hosts whose BEGIN marker has no END, and leaves the file as it was', async () => {
    const broken = `127.0.0.1 localhost\n# BEGIN gluu-cluster\n10.0.0.9 old.gluu.test\n192.0.2.1 mine.example\n# more of mine\n`;
    await shOn(l, 'idp1', 'cat > /etc/hosts', broken);
    const outcome = await runStep(renderStep('hosts', planInput(config)), context({ force: true }));
    const idp1 = outcome.sequences.find((s) => s.host === 'idp1.gluu.test')!;
    assert.equal(idp1.status, 'failed', summarize(outcome).join('\n'));
    assert.equal(await shOn(l, 'idp1', 'cat /etc/hosts'), broken, 'not a line lost');
    assert.match(output.join('\n'), /\/etc\/hosts: unpaired gluu-cluster BEGIN\/END markers; not editing it.*Fix the markers by hand/s);
    await shOn(l, 'idp1', "printf '127.0.0.1 localhost\\n' > /etc/hosts");
  });

  it("setup-properties: relays setup.properties.last from the primary with the node's own ip and the load balancer as hostname, mode 0600, checksum verified", async () => {
    const props = `hostname=idp1.gluu.test\nip=${l.hosts.idp1.address}\nldapPass=${SECRET}\norgName=Example\n`;
    await shOn(
      l,
      'idp1',
      'mkdir -p /install/community-edition-setup && cat > /install/community-edition-setup/setup.properties.last',
      props,
    );
    await shOn(l, 'idp2', 'mkdir -p /install/community-edition-setup');
    const outcome = await runStep(renderStep('setup-properties', planInput(config)), context());
    assert.equal(outcome.status, 'done', summarize(outcome).join('\n'));
    const copy = await shOn(
      l,
      'idp2',
      'stat -c %a /install/community-edition-setup/setup.properties; cat /install/community-edition-setup/setup.properties',
    );
    assert.equal(
      copy,
      `600\n${props.replace(`ip=${l.hosts.idp1.address}`, `ip=${l.hosts.idp2.address}`).replace('hostname=idp1.gluu.test', `hostname=${config.loadBalancer.host}`)}`,
    );
    assert.ok(
      output.some((o) => /idp2\.gluu\.test info ✓ \/install\/community-edition-setup\/setup\.properties \(\d+ bytes, sha256/.test(o)),
    );
    assert.equal(outcome.sequences[0].verified, true);
  });

  const custom = (id: string, targets: StepPlan['targets'], extra: Partial<StepPlan> = {}): StepPlan => {
    const step = findStep(id)!;
    return { step, resolved: resolveStep(step, config), before: [], targets, after: [], notes: [], ...extra };
  };
  const exec = (host: string, title: string, script: string, secretFiles?: { path: string; secret: 'ldapAdmin' }[]): Action => ({
    kind: 'exec',
    host,
    title,
    script: sh`bash -c ${script}`,
    container: false,
    ...(secretFiles ? { secretFiles } : {}),
  });

  it('a failing node stops at its first failure while the others finish; the summary names node, action and exit code', async () => {
    const plan = custom(
      'keystores',
      [
        {
          host: 'idp1.gluu.test',
          label: 'idp1.gluu.test',
          actions: [
            exec('idp1.gluu.test', 'one', 'true'),
            exec('idp1.gluu.test', 'two', 'exit 3'),
            exec('idp1.gluu.test', 'three', 'touch /tmp/three'),
          ],
        },
        {
          host: 'idp2.gluu.test',
          label: 'idp2.gluu.test',
          actions: [exec('idp2.gluu.test', 'one', 'true'), exec('idp2.gluu.test', 'two', 'touch /tmp/two-ran')],
        },
      ],
      { after: [exec('idp1.gluu.test', 'after all', 'true')] },
    );
    const o = await runStep(plan, context());
    assert.equal(o.status, 'failed');
    const [a, b, after] = o.sequences;
    assert.deepEqual(
      [a.status, a.ran, a.notRun, a.failure],
      ['failed', ['one'], ['three'], { action: 'two', host: 'idp1.gluu.test', exitCode: 3, message: 'exited with 3' }],
    );
    assert.deepEqual([b.status, b.ran], ['done', ['one', 'two']]);
    assert.equal(after.status, 'not-run', 'the after part needs every target');
    assert.equal((await lab.runAs(l, 'idp1', 'test', ['-e', '/tmp/three'])).code, 1, 'nothing after the failure ran');
    assert.equal((await lab.runAs(l, 'idp2', 'test', ['-e', '/tmp/two-ran'])).code, 0);
    const text = summarize(o).join('\n');
    assert.match(
      text,
      /✗ idp1\.gluu\.test: FAILED \(1 ran, 1 not run\)\n {6}failed at "two" on idp1\.gluu\.test with exit code 3: exited with 3\n {6}not run: three/,
    );
    assert.match(text, /✓ idp2\.gluu\.test: done \(2 ran\)/);
  });

  it('secret files are 0600 while the command runs, removed afterwards even on failure, and masked in output', async () => {
    const pw = { path: '/root/.gluu-test.pw', secret: 'ldapAdmin' as const };
    const plan = custom('ldap-listen', [
      {
        host: 'idp1.gluu.test',
        label: 'idp1.gluu.test',
        actions: [exec('idp1.gluu.test', 'use it', `stat -c %a ${pw.path}; cat ${pw.path}; echo; exit 5`, [pw])],
      },
    ]);
    const o = await runStep(plan, context());
    assert.equal(o.sequences[0].failure?.exitCode, 5);
    const out = output.filter((o) => o.startsWith('idp1.gluu.test out ')).map((o) => o.slice('idp1.gluu.test out '.length));
    // Whole lines only (a secret cut between two SSH packets is still masked), however many lines a
    // packet carries: the two lines may come in one piece or two, as the connection delivers them.
    assert.equal(out.join(''), '600\n••••\n', 'output arrives masked');
    assert.ok(
      out.every((chunk) => chunk.endsWith('\n')),
      `whole lines only: ${JSON.stringify(out)}`,
    );
    assert.ok(!output.join('\n').includes(SECRET), 'the secret never reaches the listener');
    assert.equal((await lab.runAs(l, 'idp1', 'test', ['-e', pw.path])).code, 1, 'secret file removed');
  });

  it('secret files an earlier run left (killed before it could remove them) are gone before the step does anything on the host', async () => {
    const pw = { path: '/root/.gluu-test-left.pw', secret: 'ldapAdmin' as const };
    // What a run killed with SIGKILL leaves: the file, and a temp file of a cut-off upload.
    const temp = '/root/..gluu-test-left.pw.gluu-0123456789ab.tmp';
    await shOn(l, 'idp1', `echo stale-secret > ${pw.path}; echo stale-secret > ${temp}; echo mine > /root/.gluu-test-other.pw`);
    const plan = custom('ldap-listen', [
      {
        host: 'idp1.gluu.test',
        label: 'idp1.gluu.test',
        actions: [
          exec('idp1.gluu.test', 'look', `ls -a /root | grep -c gluu-test-left || true`),
          exec('idp1.gluu.test', 'use it', `cat ${pw.path}`, [pw]),
        ],
      },
    ]);
    const o = await runStep(plan, context());
    assert.equal(o.status, 'done', summarize(o).join('\n'));
    const out = output.filter((x) => x.startsWith('idp1.gluu.test out ')).map((x) => x.slice('idp1.gluu.test out '.length));
    assert.deepEqual(out, ['0\n', '••••'], 'the first command on the host no longer finds them');
    assert.ok(
      output.includes(`idp1.gluu.test info removed secret files an earlier run left behind: ${pw.path}, ${temp}`),
      output.join('\n'),
    );
    assert.equal((await shOn(l, 'idp1', 'ls -a /root | grep gluu-test || true')).trim(), '.gluu-test-other.pw', 'only its own files');
  });

  it('an unreachable host fails that target only, before anything changes', async () => {
    const plan = renderStep('hosts', planInput({ ...config, loadBalancer: { ...config.loadBalancer, host: 'gone.gluu.test' } }));
    const o = await runStep(plan, context({ force: true }));
    const gone = o.sequences.find((s) => s.host === 'gone.gluu.test')!;
    assert.equal(gone.status, 'failed');
    assert.match(gone.failure!.message, /connection refused/);
    assert.ok(o.sequences.filter((s) => s.host !== 'gone.gluu.test').every((s) => s.status === 'done'));
  });

  it('cancelling stops the running commands and reports what did not run', async () => {
    const ac = new AbortController();
    // Lab hosts share this machine's process table: a duration no other process uses (30 s and
    // this run's pid as a fraction) is how ps tells this test's sleeps from anyone else's.
    const LONG = `30.${process.pid}`;
    const plan = custom(
      'keystores',
      ['idp1', 'idp2'].map((n) => ({
        host: `${n}.gluu.test`,
        label: `${n}.gluu.test`,
        actions: [exec(`${n}.gluu.test`, 'long', `sleep ${LONG}`), exec(`${n}.gluu.test`, 'next', 'true')],
      })),
    );
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 500);
    const o = await runStep(plan, context({ signal: ac.signal }));
    assert.ok(Date.now() - t0 < 5000, `returned in ${Date.now() - t0} ms`);
    assert.equal(o.status, 'cancelled');
    for (const s of o.sequences) assert.deepEqual([s.status, s.notRun], ['cancelled', ['next']]);
    // Live sleeps (killed ones may linger as zombies: PID 1 here does not reap). A signal is
    // delivered asynchronously: the shell can exit (closing the channel) a moment before its
    // child does, and under load that moment is long. So wait — bounded — for them to be gone.
    const liveSleeps = async () =>
      (await shOn(l, 'idp1', `ps -eo stat=,args= | awk '$1 !~ /Z/ && $2 == "sleep" && $3 == "${LONG}"' | wc -l`)).trim();
    const deadline = Date.now() + 5000;
    let live = await liveSleeps();
    while (live !== '0' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      live = await liveSleeps();
    }
    assert.equal(live, '0', 'the cancelled sleeps are gone within 5 s');
  });

  it('setProperty replaces or appends a key', () => {
    assert.equal(setProperty('a=1\nip=1.2.3.4\nb=2\n', 'ip', '5.6.7.8'), 'a=1\nip=5.6.7.8\nb=2\n');
    assert.equal(setProperty('a=1', 'ip', '$&x'), 'a=1\nip=$&x\n');
  });
});
