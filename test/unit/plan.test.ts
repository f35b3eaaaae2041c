import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE_CLUSTER_FILE } from '../../src/core/config/example';
import { parseClusterFile } from '../../src/core/config/parse';
import type { ClusterConfig } from '../../src/core/config/types';
import type { Action, ExecAction } from '../../src/core/plan/actions';
import { STEPS } from '../../src/core/plan/catalogue';
import { forHost, planInput, renderPlan, renderStep } from '../../src/core/plan/plan';
import { formatPlan, formatStep } from '../../src/core/plan/preview';
import { RENDERERS } from '../../src/core/plan/steps';
import { csync2CronSchedules, renderCsync2Cfg } from '../../src/core/render/csync2';
import { renderNginxConf } from '../../src/core/render/nginx';
import { renderOpenldapReplication } from '../../src/core/render/openldapReplication';
import { golden } from './golden';
import { FIXTURES } from './paths';

const load = (f: string): ClusterConfig => parseClusterFile(readFileSync(path.join(FIXTURES, 'cluster-files', 'good', f), 'utf8')).config!;
// The example "Create Cluster File" writes: the manual's three servers, Redis on idp1.
const manual = (): ClusterConfig => parseClusterFile(EXAMPLE_CLUSTER_FILE).config!;
const four = () => load('four-nodes-opendj.yaml');
// The same three servers with Gluu's OpenLDAP: the OpenLDAP replication steps instead of OpenDJ's.
const manualOpenldap = (): ClusterConfig => parseClusterFile(EXAMPLE_CLUSTER_FILE.replace('ldap: opendj', 'ldap: openldap')).config!;

const execs = (actions: Action[]) => actions.filter((a): a is ExecAction => a.kind === 'exec');
const allActions = (id: string, c: ClusterConfig) => {
  const p = renderStep(id, planInput(c));
  return [...p.before, ...p.targets.flatMap((t) => t.actions), ...p.after];
};

describe('the plan', () => {
  it('has a renderer for every step of the catalogue and nothing else', () => {
    assert.deepEqual(Object.keys(RENDERERS).sort(), STEPS.map((s) => s.id).sort());
  });

  for (const [name, cfg] of [
    ['manual-example', manual],
    ['four-nodes', four],
    ['manual-openldap', manualOpenldap],
  ] as const) {
    it(`matches the golden preview for the ${name} cluster`, () => {
      golden(`plan-${name}.txt`, formatPlan(cfg(), renderPlan(planInput(cfg()))));
    });
    it(`matches the golden nginx.conf and csync2.cfg for the ${name} cluster`, () => {
      golden(`nginx-${name}.conf`, renderNginxConf(cfg()));
      golden(`csync2-${name}.cfg`, renderCsync2Cfg(cfg()));
      if (cfg().gluu.ldap === 'openldap') golden(`openldap-replication-${name}.conf`, renderOpenldapReplication(cfg()));
    });
  }

  it('every step has a manual section, prerequisites that come before it, and notes', () => {
    const seen = new Set<string>();
    for (const s of STEPS) {
      assert.ok(s.section.match(/^\d\. /), s.id);
      for (const r of s.requires) assert.ok(seen.has(r), `${s.id} requires ${r}, which comes earlier`);
      seen.add(s.id);
      // On a cluster the step applies to (the OpenLDAP steps on the example with OpenLDAP).
      const cfg =
        s.ldap === 'openldap' ? parseClusterFile(EXAMPLE_CLUSTER_FILE.replace('ldap: opendj', 'ldap: openldap')).config! : manual();
      const p = renderStep(s.id, planInput(cfg));
      assert.equal(p.resolved.skipReason, undefined, s.id);
      assert.ok(
        p.notes.some((n) => /idempotent/i.test(n)),
        `${s.id} says whether it is idempotent`,
      );
    }
  });

  it('never puts a password on a command line: OpenDJ tools get password files', () => {
    for (const c of [manual(), four()]) {
      for (const s of STEPS) {
        const p = renderStep(s.id, planInput(c));
        const scripts = [
          ...execs([...p.before, ...p.targets.flatMap((t) => t.actions), ...p.after]).map((a) => a.script.text),
          ...p.targets.flatMap((t) => [t.check?.script.text, t.verify?.script.text]).filter(Boolean),
        ];
        for (const text of scripts) {
          assert.doesNotMatch(text!, /(^|\s)(-w|--bindPassword[12]?|--adminPassword|requirepass|-a)\s/, `${s.id}: ${text}`);
        }
        for (const a of execs([...p.before, ...p.targets.flatMap((t) => t.actions), ...p.after])) {
          if (/\/bin\/(dsconfig|dsreplication) /.test(a.script.text)) {
            assert.ok(a.secretFiles?.length, `${s.id}: ${a.title} gets its password from a file`);
            for (const f of a.secretFiles!) assert.ok(a.script.text.includes(f.path));
          }
        }
      }
    }
  });

  it('scales to N nodes: dsreplication per other node, crypto per node, all nodes in nginx and LDAP auth', () => {
    const c = four();
    const enable = execs(allActions('replication-enable', c));
    assert.equal(enable.length, 3);
    assert.deepEqual(
      enable.map((a) => /--host2 (\S+)/.exec(a.script.text)![1]),
      ['idp2.example.org', 'idp3.example.org', 'idp4.example.org'],
    );
    assert.ok(enable.every((a) => a.script.text.includes('--host1 idp1.example.org')));
    assert.deepEqual(
      execs(allActions('replication-init', c)).map((a) => /--hostDestination (\S+)/.exec(a.script.text)![1]),
      ['idp2.example.org', 'idp3.example.org', 'idp4.example.org'],
    );
    assert.deepEqual(
      execs(allActions('replication-secure', c)).map((a) => /dsconfig -h (\S+)/.exec(a.script.text)![1]),
      ['idp1.example.org', 'idp2.example.org', 'idp3.example.org', 'idp4.example.org'],
    );
    const nginx = renderNginxConf(c);
    assert.equal(nginx.match(/server idp\d\.example\.org:443 max_fails=2 fail_timeout=10s;/g)!.length, 8);
    const auth = allActions('ldap-idp-auth', c)[0];
    assert.deepEqual(auth.kind === 'ldap' && auth.change.servers, [
      'idp1.example.org:1636',
      'idp2.example.org:1636',
      'idp3.example.org:1636',
      'idp4.example.org:1636',
    ]);
    assert.equal(renderCsync2Cfg(c).match(/^ {4}host idp\d\.example\.org;$/gm)!.length, 4);
  });

  it('staggers csync2 cron runs evenly over the interval', () => {
    assert.deepEqual([...csync2CronSchedules(manual()).values()], ['0-59/10 * * * *', '5-59/10 * * * *']);
    assert.deepEqual(
      [...csync2CronSchedules(four()).values()],
      ['0-59/10 * * * *', '2-59/10 * * * *', '5-59/10 * * * *', '7-59/10 * * * *'],
    );
    const flat = { ...four(), csync2: { ...four().csync2, staggered: false } };
    assert.deepEqual(new Set(csync2CronSchedules(flat).values()), new Set(['0-59/10 * * * *']));
  });

  it('wraps container commands per mode: chroot, ssh-console, none', () => {
    const step = (c: ClusterConfig) => formatStep(c, renderStep('run-setup', planInput(c)));
    assert.match(
      step(manual()),
      /^chroot \/opt\/gluu-server-3\.1\.5 \/bin\/bash -c 'cd \/install\/community-edition-setup && \.\/setup\.py'$/m,
    );
    assert.match(
      step(four()),
      /^ssh -p 60022 -i \/etc\/gluu\/keys\/gluu-console -o BatchMode=yes -o StrictHostKeyChecking=accept-new root@localhost 'cd \/install\/community-edition-setup && \.\/setup\.py'$/m,
    );
    const none = { ...manual(), gluu: { ...manual().gluu, container: 'none' as const } };
    assert.match(step(none), /^cd \/install\/community-edition-setup && \.\/setup\.py$/m);
  });

  it("fixes the manual's nginx sample: redirect host, listen 443 ssl, sticky /identity and /idp, all routes", () => {
    const conf = renderNginxConf(manual());
    assert.match(conf, /return 301 https:\/\/loadbalancer\.example\.org\$request_uri;/);
    assert.doesNotMatch(conf, /loadbalance\.example|ssl on;/);
    assert.match(conf, /listen 443 ssl;/);
    for (const [loc, up] of [
      ['~ ^(/)$', 'backend'],
      ['/.well-known', 'backend/.well-known'],
      ['/oxauth', 'backend/oxauth'],
      ['/identity', 'backend_id/identity'],
      ['/idp', 'backend_id/idp'],
      ['/cas', 'backend/cas'],
      ['/asimba', 'backend/asimba'],
      ['/passport', 'backend/passport'],
    ]) {
      assert.ok(conf.includes(`location ${loc} {\n            proxy_pass https://${up};`), loc);
    }
    assert.equal(conf.match(/proxy_set_header {8}X-Forwarded-For \$proxy_add_x_forwarded_for;/g)!.length, 8);
  });

  it('keystores: cacerts listed once per node, then <lb>_<name> imported for each certificate unless it holds it (a stale one deleted first), missing files skipped', () => {
    const text = formatStep(manual(), renderStep('keystores', planInput(manual())));
    const nodes = manual().nodes.length;
    // once in each node's one action (one JVM start), not once per certificate
    assert.equal(text.split(' -list -v ').length - 1, nodes, text);
    for (const n of ['httpd', 'shibIDP', 'idp-encryption', 'idp-signing', 'asimba', 'opendj'])
      assert.match(text, new RegExp(`^put ${n} loadbalancer\\.example\\.org_${n}( &&|')?$`, 'm'), n);
    assert.ok(!text.includes('put openldap'));
    assert.ok(
      text.includes(
        '{ [ -z "$have" ] || /opt/jre/bin/keytool -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC -J-Duser.language=en -delete -alias "$2" ',
      ),
    );
    assert.ok(text.includes('-import -trustcacerts -alias "$2" -file /etc/certs/"$1".crt '));
    assert.ok(text.includes('[ -f /etc/certs/"$1".crt ] || { echo "skip $1.crt: not on this node"; return 0; }'));
  });

  it('redis binds to the cache address with requirepass, and the preview says so and masks it', () => {
    const text = formatStep(manual(), renderStep('redis', planInput(manual())));
    assert.match(text, /bind 159\.203\.126\.10 127\.0\.0\.1/);
    assert.match(text, /requirepass ••••/);
    assert.match(text, /Security: Redis listens on 159\.203\.126\.10 and 127\.0\.0\.1 only and requires a password/);
  });

  it('csync2 certificates share one subject', () => {
    const text = formatStep(manual(), renderStep('csync2', planInput(manual())));
    assert.match(text, /-subj \/CN=csync2/);
    assert.equal((text.match(/openssl req/g) ?? []).length, 1, 'one certificate, copied to the other nodes');
  });

  it('uses the workspace copy of a generated file when there is one', () => {
    const edited = '# my nginx\nevents {}\nhttp {}\n';
    const p = renderStep('nginx', planInput(manual(), { 'nginx.conf': edited }));
    const upload = p.targets[0].actions.find((a) => a.kind === 'upload');
    assert.deepEqual(upload?.kind === 'upload' && upload.content, [edited]);
  });

  it('nginx: keeps the first backup of nginx.conf, and a failed nginx -t puts back the file this run replaced', () => {
    const install = execs(allActions('nginx', manual())).find((a) => a.title.startsWith('install it'))!.script.text;
    const bak = '/etc/nginx/nginx.conf.gluu-cluster.bak';
    // Made once: only when there is none yet.
    assert.ok(install.includes(`test -e ${bak} || `), install);
    assert.equal(install.split(` ${bak}`).length - 1, 2, 'named twice: the test and the one copy');
    // The rollback restores what this run replaced, not the first backup.
    const rollback = install.slice(install.indexOf('nginx -t ||'));
    assert.ok(!rollback.includes(bak), rollback);
  });

  it('skips OpenDJ steps on OpenLDAP, and a cache step without a cache host, saying why', () => {
    const c = load('four-nodes-full.yaml');
    const p = renderStep('replication-enable', planInput(c));
    assert.deepEqual(p.targets, []);
    assert.match(formatStep(c, p), /Skipped: only for OpenDJ/);
    const noCache = load('manual-example.yaml');
    assert.equal(noCache.cache, undefined);
    assert.match(formatStep(noCache, renderStep('redis', planInput(noCache))), /Skipped: no cache host/);
  });

  it('filters a step to one node', () => {
    const p = forHost(renderStep('keystores', planInput(four())), 'idp3.example.org');
    assert.deepEqual(
      p.targets.map((t) => t.host),
      ['idp3.example.org'],
    );
    assert.throws(() => renderStep('nope', planInput(four())), /unknown step "nope"/);
  });

  it("on one node, a step that copies from the primary keeps the primary's preparation for it, and says where it runs", () => {
    const c = { ...four(), gluu: { ...four().gluu, ldap: 'openldap' as const } };
    const full = renderStep('openldap-init', planInput(c));
    const p = forHost(full, 'idp3.example.org');
    assert.ok(full.before.length > 0, 'the primary exports first');
    assert.deepEqual(p.before, full.before, "the primary's export stays");
    assert.deepEqual(
      p.targets.map((t) => t.host),
      ['idp3.example.org'],
    );
    assert.equal(p.resolved.targetLabel, 'idp1.example.org → idp3.example.org');
    const text = formatStep(c, p);
    assert.ok(!text.includes('idp2.example.org') && !text.includes('idp4.example.org'), text);
  });

  it('restarts nodes one at a time', () => {
    assert.equal(STEPS.find((s) => s.id === 'restart')!.sequential, true);
    assert.match(formatStep(four(), renderStep('restart', planInput(four()))), /one target at a time/);
  });
});

describe('the opendj-keystore step', () => {
  it("makes the key archive with umask 077 in a fresh folder of root's, never in OpenDJ's own folder (run for real on a copy)", async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, mkdirSync, rmSync, statSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { OPENDJ_ARCHIVE_DIR } = await import('../../src/core/plan/steps/opendjKeystore');
    const p = renderStep('opendj-keystore', planInput(four()));
    const all = [...p.before, ...p.targets.flatMap((t) => t.actions), ...p.after];
    const text = JSON.stringify(all);
    assert.ok(!text.includes('/opt/opendj/config/opendj_crts.tar'), 'no archive in the OpenDJ user’s folder');
    for (const a of all) if (a.kind === 'relay') assert.equal(a.to.path, `${OPENDJ_ARCHIVE_DIR}/opendj_crts.tar`);
    // The primary's archiving script, run on a scratch copy of the paths: 0700 folder, 0600 archive,
    // even under a permissive umask.
    const dir = mkdtempSync(path.join(tmpdir(), 'gluu-opendj-'));
    try {
      mkdirSync(path.join(dir, 'config'));
      for (const f of ['keystore', 'keystore.pin', 'truststore']) writeFileSync(path.join(dir, 'config', f), f);
      const script = execs(p.before)[0]
        .script.text.split(OPENDJ_ARCHIVE_DIR)
        .join(path.join(dir, 'private'))
        .split('/opt/opendj/config')
        .join(path.join(dir, 'config'));
      execFileSync('bash', ['-c', `umask 022; ${script}`]);
      assert.equal(statSync(path.join(dir, 'private')).mode & 0o777, 0o700);
      assert.equal(statSync(path.join(dir, 'private', 'opendj_crts.tar')).mode & 0o777, 0o600);
      assert.match(
        execFileSync('tar', ['-tf', path.join(dir, 'private', 'opendj_crts.tar')], { encoding: 'utf8' }),
        /^keystore\nkeystore\.pin\ntruststore\n$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('csync2.cfg rendering', () => {
  it("always excludes each node's own files (ox-ldap.properties, the salt), as csync2 sees them; never an empty exclude", async () => {
    const { checkCsync2Cfg } = await import('../../src/core/render/csync2Check');
    const c = parseClusterFile(EXAMPLE_CLUSTER_FILE.replace('csync2:\n', 'csync2:\n  exclude: []\n')).config!;
    const text = renderCsync2Cfg(c);
    const own =
      '/opt/gluu-server-3.1.5/etc/gluu/conf/ox-ldap.properties /opt/gluu-server-3.1.5/etc/gluu/conf/oxTrustLogRotationConfiguration.xml /opt/gluu-server-3.1.5/etc/gluu/conf/salt';
    assert.equal(text.match(/^ {4}exclude .*$/gm)?.join('\n'), `    exclude ${own};`);
    assert.deepEqual(checkCsync2Cfg(text), []);
    assert.match(
      renderCsync2Cfg(manual()),
      new RegExp(`^ {4}exclude \\*~ \\.\\* ${own.replace(/\./g, '\\.')};$`, 'm'),
      'the default list first',
    );
    const bare = parseClusterFile(EXAMPLE_CLUSTER_FILE.replace('container: chroot', 'container: none')).config!;
    assert.match(renderCsync2Cfg(bare), / \/etc\/gluu\/conf\/ox-ldap\.properties /, 'without a container, the path itself');
  });
});
