/**
 * The OpenLDAP replication file and how a node takes it: the generated text and its check, the
 * server ids, and the splice into a Gluu-shaped slapd.conf run for real (awk, then OpenLDAP's own
 * slaptest) with a hostile password. The run on real nodes is in test/integration.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EXAMPLE_CLUSTER_FILE } from '../../src/core/config/example';
import { parseClusterFile } from '../../src/core/config/parse';
import type { GluuNode } from '../../src/core/config/types';
import { MAX_SERVER_ID, serverIds } from '../../src/core/gluu/openldap';
import { planInput, renderStep } from '../../src/core/plan/plan';
import { spliceReplication } from '../../src/core/plan/steps/openldapScripts';
import { PASSWORD_PLACEHOLDER, checkOpenldapReplication, renderOpenldapReplication } from '../../src/core/render/openldapReplication';

const config = () => parseClusterFile(EXAMPLE_CLUSTER_FILE.replace('ldap: opendj', 'ldap: openldap')).config!;
const PASSWORD = `p"w\\d' $x ;&|<>`;

/** A slapd.conf laid out like Gluu 3.1.x's (global settings, o=gluu, o=site), runnable by Debian's slaptest. */
function gluuSlapdConf(dir: string): string {
  return [
    'include /etc/ldap/schema/core.schema',
    'include /etc/ldap/schema/cosine.schema',
    `pidfile ${dir}/slapd.pid`,
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    '',
    'database mdb',
    'suffix "o=gluu"',
    'rootdn "cn=directory manager,o=gluu"',
    'rootpw {SSHA}x',
    `directory ${dir}/main_db`,
    'index objectClass eq',
    '',
    'database mdb',
    'suffix "o=site"',
    'rootdn "cn=directory manager,o=site"',
    `directory ${dir}/site_db`,
    '',
  ].join('\n');
}

describe('OpenLDAP replication', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'gluu-openldap-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the splice as the node would; returns its stdout and exit code. */
  const splice = (conf: string, fragment: string, password = PASSWORD) => {
    for (const d of ['main_db', 'site_db', 'accesslog_db', 'accesslog_site_db']) mkdirSync(path.join(dir, d), { recursive: true });
    writeFileSync(path.join(dir, 'slapd.conf'), conf);
    writeFileSync(path.join(dir, 'fragment.conf'), fragment);
    writeFileSync(path.join(dir, 'pw'), password, { mode: 0o600 });
    const r = spawnSync(
      'sh',
      ['-c', spliceReplication(path.join(dir, 'slapd.conf'), path.join(dir, 'fragment.conf'), path.join(dir, 'pw')).text],
      {
        encoding: 'utf8',
      },
    );
    return { out: r.stdout, code: r.status, err: r.stderr };
  };
  /** The generated file with its databases' folders moved into the test folder. */
  const fragment = () => renderOpenldapReplication(config()).replaceAll('/opt/gluu/data/', `${dir}/`);

  it('splices each section where slapd reads it, fills in the password quoted, and slaptest accepts the result', () => {
    const r = splice(gluuSlapdConf(dir), fragment());
    assert.equal(r.code, 0, r.err);
    const lines = r.out.split('\n');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    // Global before the first database; each database's part at the end of its own section.
    assert.ok(at(/^# BEGIN gluu-cluster replication: global/) < at(/^database mdb/));
    assert.ok(at(/^serverID \d+ ldaps:\/\/idp1\.example\.org:1636\/$/) < at(/^suffix "o=gluu"/));
    assert.ok(at(/^suffix "o=gluu"/) < at(/^# BEGIN gluu-cluster replication: database o=gluu/));
    assert.ok(at(/^# END gluu-cluster replication: database o=gluu/) < at(/^suffix "o=site"/));
    assert.ok(at(/^suffix "o=site"/) < at(/^# BEGIN gluu-cluster replication: database o=site/));
    assert.ok(!r.out.includes(PASSWORD_PLACEHOLDER));
    assert.ok(r.out.includes(`credentials="p\\"w\\\\d' $x ;&|<>"`), 'the password, double-quoted and escaped as slapd.conf reads it');
    writeFileSync(path.join(dir, 'spliced.conf'), r.out);
    const test = spawnSync('slaptest', ['-u', '-f', path.join(dir, 'spliced.conf')], { encoding: 'utf8' });
    assert.equal(test.status, 0, test.stderr);
    // slapd reads the password back exactly: converted to cn=config, each syncrepl shows its credentials.
    mkdirSync(path.join(dir, 'slapd.d'));
    // slaptest opens the databases read-only: slapadd (of nothing) creates them first.
    for (const b of ['cn=accesslog', 'cn=accesslog-site', 'o=gluu', 'o=site'])
      execFileSync('slapadd', ['-q', '-f', path.join(dir, 'spliced.conf'), '-b', b, '-l', '/dev/null'], { stdio: 'pipe' });
    execFileSync('slaptest', ['-f', path.join(dir, 'spliced.conf'), '-F', path.join(dir, 'slapd.d')], { stdio: 'pipe' });
    const ldif = execFileSync('grep', ['-rh', '-A3', '^olcSyncrepl', path.join(dir, 'slapd.d')], { encoding: 'utf8' }).replace(/\n /g, '');
    const values = [...ldif.matchAll(/^olcSyncrepl(::?) (.*)$/gm)].map((m) =>
      m[1] === '::' ? Buffer.from(m[2], 'base64').toString('utf8') : m[2],
    );
    // cn=config shows the value as slapd holds it, between quotes it does not escape again.
    const creds = values.map((v) => /credentials="(.*?)" keepalive=/.exec(v)![1]);
    assert.ok(creds.length === 4 && creds.every((c) => c === PASSWORD), 'four syncrepl with the password exactly (values not printed)');
  });

  it('splicing again replaces its blocks instead of adding more', () => {
    const once = splice(gluuSlapdConf(dir), fragment()).out;
    const twice = splice(once, fragment()).out;
    assert.equal(twice, once);
    const edited = splice(once, fragment().replace('logpurge 07+00:00 01+00:00', 'logpurge 03+00:00 01+00:00'));
    assert.equal(edited.out.match(/^logpurge /gm)?.length, 2);
    assert.match(edited.out, /^logpurge 03\+00:00 01\+00:00$/m);
  });

  it('leaves out the o=site part where the node has no o=site, and refuses a slapd.conf without a database', () => {
    const noSite = gluuSlapdConf(dir).split('\n\ndatabase mdb\nsuffix "o=site"')[0] + '\n';
    const r = splice(noSite, fragment());
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out, /replication: database o=site/);
    assert.match(r.out, /replication: database o=gluu/);
    assert.equal(splice('include /etc/ldap/schema/core.schema\n', fragment()).code, 3);
  });

  it('checks the file against the cluster: a serverID and a syncrepl for each node, no password in it', () => {
    const c = config();
    assert.deepEqual(checkOpenldapReplication(renderOpenldapReplication(c), c), []);
    const text = renderOpenldapReplication(c);
    const problems = (t: string) => checkOpenldapReplication(t, c).map((p) => p.message);
    assert.match(
      problems(text.replace(`credentials=${PASSWORD_PLACEHOLDER}`, 'credentials="secret"')).join('\n'),
      /write credentials=\$\{DIRECTORY_MANAGER_PASSWORD\}/,
    );
    const withoutIdp2 = text
      .split('\n')
      .filter((l) => !l.includes('ldaps://idp2.example.org:1636/'))
      .join('\n');
    assert.deepEqual(problems(withoutIdp2), [
      'no "serverID N ldaps://idp2.example.org:1636/" for idp2.example.org',
      '"database o=gluu" has no syncrepl with provider=ldaps://idp2.example.org:1636/: idp2.example.org would not replicate to it',
      '"database o=site" has no syncrepl with provider=ldaps://idp2.example.org:1636/: idp2.example.org would not replicate to it',
    ]);
    assert.match(problems(text.replace('#== global ==', '')).join('\n'), /no "#== global ==" section/);
  });

  it("gives each node a server id of its own name: another node's coming or going never renumbers it", () => {
    const nodes = config().nodes;
    const ids = serverIds(nodes);
    assert.equal(new Set(ids.values()).size, nodes.length);
    for (const id of ids.values()) assert.ok(id >= 1 && id <= MAX_SERVER_ID);
    const third = { ...nodes[1], host: 'idp3.example.org', index: 2, primary: false } as GluuNode;
    const grown = serverIds([...nodes, third]);
    for (const n of nodes) assert.equal(grown.get(n.host), ids.get(n.host));
    assert.equal(serverIds([nodes[0], third]).get(nodes[0].host), ids.get(nodes[0].host));
    // Two names on the same id: the later one moves to the next free id.
    // 300 names make some share a hash: each still gets an id of its own.
    const many = Array.from({ length: 300 }, (_, i) => ({ ...nodes[1], host: `n${i}.example.org`, index: i, primary: false }) as GluuNode);
    assert.equal(new Set(serverIds(many).values()).size, 300);
  });

  it('the plan pushes the same file to every node and proves replication from the primary', () => {
    const plan = renderStep('openldap-replication', planInput(config()));
    assert.deepEqual(
      plan.targets.map((t) => t.host),
      ['idp1.example.org', 'idp2.example.org'],
    );
    assert.equal(plan.step.sequential, true, 'one node restarts at a time');
    assert.match(plan.after[0].title, /an entry written on each node appears on every other/);
    assert.ok(!JSON.stringify(plan).includes('credentials="'), 'no password in what the plan sends as text');
    const init = renderStep('openldap-init', planInput(config()));
    assert.match(init.step.rerunLoses!, /replaced by the primary's again/);
    assert.ok(JSON.stringify(init).includes('-S'), 'slapadd gets the node server id');
  });
});
