/**
 * The replication checks' pure parts: contextCSN comparison, slapd.conf's syncrepl peers, the
 * probe's report, OpenDJ's dsreplication status (outputs built from CLI-FACTS.md's grammar: TAB
 * cells, trailing empty cells dropped) and the OpenDJ commands against OpenDJ 3.0's grammar.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { EXAMPLE_CLUSTER_FILE } from '../../src/core/config/example';
import { parseClusterFile } from '../../src/core/config/parse';
import type { ClusterConfig } from '../../src/core/config/types';
import { entryVerdict } from '../../src/core/health/checks/replication';
import { configDifferences, configVerdict } from '../../src/core/health/checks/configAgreement';
import { csnLags, csnVerdict, parseCsn } from '../../src/core/health/checks/contextCsn';
import { aomcAgeMs, opendjProbeTools, statusCommand, statusVerdict } from '../../src/core/health/checks/opendjReplication';
import { parseProbe, probeVerdict } from '../../src/core/health/checks/probeReport';
import { parseProviders, providersScript, syncreplVerdict } from '../../src/core/health/checks/syncreplPeers';
import { LdapSearchFailed, ldapSearchCommand, ldapSearchesOn, parseLdif, type LdapEntry } from '../../src/core/health/ldapSearch';
import { withPasswordFile, type HealthContext } from '../../src/core/health/context';
import { probeLoop } from '../../src/core/plan/steps/replicationProbe';
import { sh } from '../../src/core/ssh/shell';
import { renderOpenldapReplication } from '../../src/core/render/openldapReplication';
import { problems } from './opendjGrammar';
import { commands } from './shellWords';

const opendj = (): ClusterConfig => parseClusterFile(EXAMPLE_CLUSTER_FILE).config!;
const openldap = (): ClusterConfig => parseClusterFile(EXAMPLE_CLUSTER_FILE.replace('ldap: opendj', 'ldap: openldap')).config!;
const PW = 's3cret "pw" $(x)';

describe('health: contextCSN', () => {
  const at = (t: string, sid: string) => `${t}Z#000000#${sid}#000000`;
  it('reads the time and server id of a CSN', () => {
    const c = parseCsn(at('20261130060011.298089', '01d'))!;
    assert.equal(c.sid, '01d');
    assert.equal(c.ms, Date.UTC(2026, 10, 30, 6, 0, 11) + 298);
    assert.equal(parseCsn('garbage'), undefined);
  });

  it('agrees when every node has the same value per server id', () => {
    const v = [at('20261130060011.298089', '01d'), at('20261130060017.739606', '118')];
    const lags = csnLags(
      new Map([
        [
          'o=gluu',
          new Map([
            ['a', v],
            ['b', [...v].reverse()],
          ]),
        ],
      ]),
    );
    assert.deepEqual(lags.get('a'), []);
    assert.equal(csnVerdict('a', lags.get('a')!).state, 'ok');
  });

  it('a node behind by a few seconds is a warning, over 60 s or a missing server id critical, naming the host', () => {
    const a = [at('20261130060011.000000', '01d'), at('20261130060100.000000', '118')];
    const b = [at('20261130060011.000000', '01d'), at('20261130060095.000000'.replace('95', '55'), '118')];
    const lags = csnLags(
      new Map([
        [
          'o=gluu',
          new Map([
            ['a', a],
            ['b', b],
          ]),
        ],
      ]),
    );
    const v = csnVerdict('b', lags.get('b')!, new Map([['118', 'a']]));
    assert.equal(v.state, 'warning');
    assert.equal(v.value, 5000);
    assert.match(v.reason, /^b is behind: o=gluu: 5\.0 s behind a in the changes of a \(server id 280\)/);
    const far = csnLags(
      new Map([
        [
          'o=gluu',
          new Map([
            ['a', [at('20261130070000.000000', '118')]],
            ['b', [at('20261130060000.000000', '118')]],
          ]),
        ],
      ]),
    );
    assert.equal(csnVerdict('b', far.get('b')!).state, 'critical');
    const missing = csnLags(
      new Map([
        [
          'o=site',
          new Map([
            ['a', [at('20261130060000.000000', '118')]],
            ['b', []],
          ]),
        ],
      ]),
    );
    const m = csnVerdict('b', missing.get('b')!);
    assert.equal(m.state, 'critical');
    assert.match(m.reason, /o=site: no change from server id 280, which a has/);
  });
});

describe('health: syncrepl peers in slapd.conf', () => {
  const conf = (config: ClusterConfig, drop?: RegExp) => {
    // The generated block as the step splices it into each database of Gluu's slapd.conf.
    const fragment = renderOpenldapReplication(config).split('\n');
    const dbPart = (suffix: string) => {
      const start = fragment.indexOf(`#== database ${suffix} ==`);
      const end = fragment.findIndex((l, i) => i > start && l.startsWith('#=='));
      return fragment.slice(start + 1, end < 0 ? undefined : end).filter((l) => !drop?.test(l) || !l.includes(`"${suffix}"`));
    };
    return [
      'include x',
      'database mdb',
      'suffix "o=gluu"',
      'rootpw {SSHA}x',
      ...dbPart('o=gluu'),
      'database mdb',
      'suffix "o=site"',
      ...dbPart('o=site'),
    ].join('\n');
  };
  const run = (text: string) =>
    execFileSync('sh', ['-c', providersScript().text.replace('/opt/symas/etc/openldap/slapd.conf', '/dev/stdin')], {
      input: text,
      encoding: 'utf8',
    });

  it('reads each database and its providers with the real awk, never a credential', () => {
    const out = run(conf(openldap()));
    assert.ok(!out.includes('credentials'), out);
    const p = parseProviders(out);
    assert.deepEqual([...p.keys()], ['o=gluu', 'o=site']);
    assert.deepEqual(p.get('o=gluu'), ['ldaps://idp1.example.org:1636/', 'ldaps://idp2.example.org:1636/']);
    const v = syncreplVerdict(openldap(), 'idp1.example.org', p);
    assert.equal(v.state, 'ok', v.reason);
  });

  it('a missing syncrepl is critical, naming the peer, with the openldap-replication step', () => {
    const p = parseProviders(run(conf(openldap(), /provider=ldaps:\/\/idp2/)));
    const v = syncreplVerdict(openldap(), 'idp1.example.org', p);
    assert.equal(v.state, 'critical');
    assert.equal(v.fixStep, 'openldap-replication');
    assert.match(v.reason, /^idp1\.example\.org's .*slapd\.conf has no syncrepl for o=gluu from idp2\.example\.org/);
  });

  it('joins continuation lines', () => {
    const p = parseProviders(run('database mdb\nsuffix "o=gluu"\nsyncrepl rid=1\n  provider=ldaps://idp2.example.org:1636/\n  binddn=x\n'));
    assert.deepEqual(p.get('o=gluu'), ['ldaps://idp2.example.org:1636/']);
  });
});

describe('health: the replication probe', () => {
  const words = ['ldaps://a:1636/', 'ldaps://b:1636/'];
  const hostOf = (w: string) => w.replace(/^ldaps:\/\/|:1636\/$/g, '');

  it('ok with the slowest delay; a probe that did not arrive is critical on the receiving node', () => {
    const e = parseProbe(
      ['probe-arrived ldaps://a:1636/ ldaps://b:1636/ o=gluu 40', 'probe-arrived ldaps://b:1636/ ldaps://a:1636/ o=gluu 12', 'noise'].join(
        '\n',
      ),
    );
    assert.equal(probeVerdict('b', words[1], e, hostOf, 5).state, 'ok');
    assert.equal(probeVerdict('b', words[1], e, hostOf, 5).value, 40);
    const broken = parseProbe(
      'probe-missing ldaps://a:1636/ ldaps://b:1636/ o=gluu\nprobe-arrived ldaps://b:1636/ ldaps://a:1636/ o=gluu 12\n',
    );
    const v = probeVerdict('b', words[1], broken, hostOf, 5, 'openldap-replication');
    assert.equal(v.state, 'critical');
    assert.equal(v.reason, 'an entry written on a under o=gluu did not reach b within 5 s');
    assert.equal(v.fixStep, 'openldap-replication');
    assert.equal(probeVerdict('a', words[0], broken, hostOf, 5).state, 'ok');
  });

  it('a write that fails on a node is critical there (no step fixes a stopped server); the others cannot tell', () => {
    const e = parseProbe(
      "probe-unwritten ldaps://b:1636/ o=gluu ldap_sasl_bind(SIMPLE): Can't contact LDAP server (-1)\nprobe-unread ldaps://a:1636/ ldaps://b:1636/ o=gluu\n",
    );
    const b = probeVerdict('b', words[1], e, hostOf, 5, 'openldap-replication');
    assert.equal(b.state, 'critical');
    assert.match(b.reason, /^the probe entry could not be written on b under o=gluu: .*Can't contact LDAP server/);
    assert.equal(b.fixStep, undefined, 'its server does not answer: the replication step cannot start it');
    assert.equal(probeVerdict('a', words[0], e, hostOf, 5).state, 'unknown');
    const refused = parseProbe(
      'probe-unwritten ldaps://b:1636/ o=gluu ldap_add: Insufficient access (50)\nprobe-missing ldaps://a:1636/ ldaps://b:1636/ o=gluu\n',
    );
    assert.equal(
      probeVerdict('b', words[1], refused, hostOf, 5, 'openldap-replication').fixStep,
      'openldap-replication',
      'it answers, refuses the write, and did not receive a',
    );
    const onlyDown = parseProbe('probe-unwritten ldaps://b:1636/ o=gluu x\n');
    assert.equal(probeVerdict('b', words[1], onlyDown, hostOf, 5, 'openldap-replication').fixStep, undefined);
  });

  for (const shell of ['dash', 'bash']) {
    it(`the report loop runs in ${shell}: every pair of 3 nodes and 2 bases reported, every probe removed or named (fake LDAP tools on files)`, () => {
      const dir = execFileSync('mktemp', ['-d'], { encoding: 'utf8' }).trim();
      // A node is a folder of entries named by DN. "Replication": an entry added on a also lands on
      // b and c, one added on b on a, one added on c nowhere else; c refuses deletes.
      const tools = sh`peers() { case $1 in a) echo b c;; b) echo a;; esac; }
seen() { [ -e ${dir}/"$1/$2" ]; }
probes() { ls ${dir}/"$1" | sed -n "s/^cn=\($4[^,]*\),$2\$/\1/p"; }
add() { dn=$(sed -n 's/^dn: //p'); for n in "$1" $(peers "$1"); do : > ${dir}/"$n/$dn"; done; }
del() { [ "$1" != c ] || return 1; for n in "$1" $(peers "$1"); do rm -f ${dir}/"$n/$2"; done; }`;
      execFileSync('mkdir', ['-p', `${dir}/a`, `${dir}/b`, `${dir}/c`]);
      const bases = [
        { suffix: 'o=gluu', manager: 'cn=dm' },
        { suffix: 'o=site', manager: 'cn=dm,o=site' },
      ];
      const script = probeLoop(tools, ['a', 'b', 'c'], bases, 1, 'report');
      const started = Date.now();
      const out = execFileSync(shell, ['-c', script.text], { encoding: 'utf8' });
      const took = Date.now() - started;
      const e = parseProbe(out);
      const pairs = (l: { from: string; to: string; suffix: string }[]) => l.map((x) => `${x.from}>${x.to} ${x.suffix}`).sort();
      const both = (...p: string[]) => p.flatMap((x) => [`${x} o=gluu`, `${x} o=site`]).sort();
      assert.deepEqual(pairs(e.arrived), both('a>b', 'a>c', 'b>a'), out);
      assert.deepEqual(pairs(e.missing), both('b>c', 'c>a', 'c>b'), out);
      // Milliseconds from the write to the round that saw it: within the script's own run time
      // (not within the 1 s wait: a writer's clock starts before the shared deadline is set, and
      // a loaded machine's round can end after it).
      assert.ok(
        e.arrived.every((a) => Number.isInteger(a.ms) && a.ms >= 0 && a.ms <= took),
        `${out}\nthe script ran ${took} ms`,
      );
      assert.deepEqual(e.unwritten, []);
      // c's own entries could not be deleted: named, and only there.
      assert.deepEqual(e.left.map((l) => `${l.on} ${l.suffix} ${l.dn.replace(/probe-\d+-\d+-/, 'probe-')}`).sort(), [
        'c o=gluu cn=gluu-cluster-probe-c,o=gluu',
        'c o=site cn=gluu-cluster-probe-c,o=site',
      ]);
      const remaining = execFileSync('sh', ['-c', `cd ${dir} && ls a b c`], { encoding: 'utf8' });
      assert.equal(remaining.match(/probe/g)?.length, 2, remaining);
      execFileSync('rm', ['-rf', dir]);
    });

    it(`the report loop in ${shell} does not wait for a node whose search fails: its entries are reported unread at once`, () => {
      const dir = execFileSync('mktemp', ['-d'], { encoding: 'utf8' }).trim();
      // b's server stops answering searches after the writes: a's entries are not waited for there.
      const tools = sh`seen() { [ -e ${dir}/"$1/$2" ]; }
probes() { [ "$1" != b ] || return 255; ls ${dir}/"$1" | sed -n "s/^cn=\($4[^,]*\),$2\$/\1/p"; }
add() { dn=$(sed -n 's/^dn: //p'); for n in a b; do : > ${dir}/"$n/$dn"; done; }
del() { for n in a b; do rm -f ${dir}/"$n/$2"; done; }`;
      execFileSync('mkdir', ['-p', `${dir}/a`, `${dir}/b`]);
      const t0 = Date.now();
      const out = execFileSync(shell, ['-c', probeLoop(tools, ['a', 'b'], [{ suffix: 'o=gluu', manager: 'cn=dm' }], 5, 'report').text], {
        encoding: 'utf8',
      });
      const took = Date.now() - t0;
      execFileSync('rm', ['-rf', dir]);
      const e = parseProbe(out);
      assert.deepEqual(
        e.unread.map((x) => `${x.from}>${x.to} ${x.suffix}`),
        ['a>b o=gluu'],
        out,
      );
      assert.deepEqual(
        e.arrived.map((x) => `${x.from}>${x.to}`),
        ['b>a'],
        out,
      );
      assert.deepEqual([e.missing, e.left], [[], []], out);
      assert.ok(took < 4000, `returned after ${took} ms, not after the 5 s wait`);
      const b = probeVerdict('b', 'b', e, (w) => w, 5, 'openldap-replication');
      assert.equal(b.state, 'critical');
      assert.equal(b.reason, "LDAP on b did not answer the probe's search under o=gluu");
      assert.equal(b.fixStep, undefined, 'no step starts a server');
    });
  }
});

describe('health: entry counts', () => {
  it('differing counts are a warning with the numbers', () => {
    const counts = new Map([
      ['a', new Map([['o=gluu', 10]])],
      ['b', new Map([['o=gluu', 9]])],
    ]);
    const v = entryVerdict('b', counts);
    assert.equal(v.state, 'warning');
    assert.equal(v.reason, 'b has 9 entries under o=gluu, a 10');
    assert.equal(entryVerdict('a', new Map([['a', new Map([['o=gluu', 3]])]])).state, 'ok');
  });
});

describe('health: the Gluu configuration on every node', () => {
  const APPLIANCE = 'inum=@!1111,ou=appliances,o=gluu';
  const entry = (dn: string, attributes: Record<string, string[]>): LdapEntry => ({ dn, attributes });
  const node = (cache: string, idp = ['{"a":1}', '{"b":2}']) => [
    entry('ou=appliances,o=gluu', { ou: ['appliances'] }),
    entry(APPLIANCE, { oxCacheConfiguration: [cache], oxIDPAuthentication: idp }),
  ];

  it('the same values on every node (order of values and case of names aside): ok on each', () => {
    const same = new Map([
      ['idp1', node('{"cacheProviderType":"REDIS"}')],
      [
        'idp2',
        [
          entry('ou=appliances,o=gluu', { OU: ['appliances'] }),
          entry(APPLIANCE, { oxcacheconfiguration: ['{"cacheProviderType":"REDIS"}'], oxIDPAuthentication: ['{"b":2}', '{"a":1}'] }),
        ],
      ],
    ]);
    assert.deepEqual(configDifferences(same), []);
    const v = configVerdict('idp1', [], 2, true);
    assert.equal(v.state, 'ok');
    assert.equal(v.reason, 'idp1 holds the same Gluu configuration as every other node (2 entries under ou=appliances)');
    assert.equal(
      configVerdict('idp1', [], 2, true, ['idp2']).reason,
      'idp1 holds the same Gluu configuration as every other node that could be read (not idp2) (2 entries under ou=appliances)',
    );
  });

  it('a value that differs with replication caught up is critical on both nodes, naming the attribute, never the values', () => {
    const diffs = configDifferences(
      new Map([
        ['idp1', node('{"password":"s3cret-one"}')],
        ['idp2', node('{"password":"s3cret-two"}')],
      ]),
    );
    assert.equal(diffs.length, 1);
    assert.equal(diffs[0].attribute, 'oxcacheconfiguration');
    for (const host of ['idp1', 'idp2']) {
      const v = configVerdict(host, diffs, 2, true);
      assert.equal(v.state, 'critical');
      assert.match(
        v.reason,
        /^oxCacheConfiguration of inum=@!1111,ou=appliances,o=gluu differs \(value digests\): idp1 has [0-9a-f]{8}, idp2 has [0-9a-f]{8} although every node has applied every change/,
      );
      assert.match(v.reason, /Write the value you want again on one node/);
      assert.ok(!JSON.stringify(v).includes('s3cret'), 'values are never shown');
    }
  });

  it("oxTrust's status readings (free memory, last update…) are left out: each node writes its own", () => {
    const reading = (mem: string) => [
      node('x')[0],
      entry(APPLIANCE, { oxCacheConfiguration: ['x'], gluuFreeMemory: [mem], gluuLastUpdate: [mem] }),
    ];
    assert.deepEqual(
      configDifferences(
        new Map([
          ['idp1', reading('40')],
          ['idp2', reading('55')],
        ]),
      ),
      [],
    );
  });

  it('while replication has not caught up the same difference is only a warning', () => {
    const diffs = configDifferences(
      new Map([
        ['idp1', node('x')],
        ['idp2', node('y')],
      ]),
    );
    const v = configVerdict('idp2', diffs, 2, false);
    assert.equal(v.state, 'warning');
    assert.match(v.reason, /: replication has not caught up yet \(see contextCSN\)/);
  });

  it('an entry or attribute one node lacks; with three nodes only the odd one out and the others it differs from', () => {
    const diffs = configDifferences(
      new Map([
        ['idp1', node('x')],
        ['idp2', node('x').slice(0, 1)],
        ['idp3', [node('x')[0], entry(APPLIANCE, { oxCacheConfiguration: ['x'] })]],
      ]),
    );
    assert.deepEqual(
      diffs.map((d) => [d.dn, d.attribute, [...d.byHost.values()].filter((v) => v === 'missing').length]),
      [
        [APPLIANCE, undefined, 1],
        [APPLIANCE, 'oxidpauthentication', 1],
      ],
      'the entry missing on idp2, and an attribute idp3 lacks against idp1',
    );
    assert.match(configVerdict('idp2', diffs, 1, true).reason, /^inum=@!1111,ou=appliances,o=gluu is missing on idp2 although/);
    const three = configDifferences(
      new Map([
        ['idp1', node('x')],
        ['idp2', node('x')],
        ['idp3', node('x', ['{"a":1}'])],
      ]),
    );
    assert.deepEqual(
      three.map((d) => d.attribute),
      ['oxidpauthentication'],
    );
    assert.equal(configVerdict('idp1', three, 2, true).state, 'critical', 'idp1 differs from idp3');
    assert.match(configVerdict('idp3', three, 2, true).reason, /idp1 has ([0-9a-f]{8}), idp2 has \1, idp3 has (?!\1)[0-9a-f]{8}/);
  });
});

describe('health: the LDAP reader', () => {
  it('runs several searches in one command and reads each answer: entries, a missing base, a failure', async () => {
    const config = openldap();
    const sent: string[] = [];
    const answer = (stdout: string, stderr = '') =>
      ({
        config,
        secret: async () => PW,
        exec: async (_host: string, script: { text: string }) => {
          sent.push(script.text);
          return { code: 0, stdout, stderr, ms: 1 };
        },
      }) as unknown as HealthContext;
    const requests = ['o=gluu', 'o=site'].map((base) => ({
      base,
      scope: 'base' as const,
      filter: '(objectClass=*)',
      attributes: ['contextCSN'],
    }));
    const ok = '@@begin 0\ndn: o=gluu\ncontextCSN: 1#000000#001#000000\n\n\n@@end 0 0\n@@begin 1\n\n@@end 1 32\n';
    const [gluu, site] = await ldapSearchesOn(answer(ok, '@@begin 0\n@@begin 1\nNo such object (32)\n'), 'idp1.example.org', requests);
    assert.deepEqual(
      gluu.map((e) => e.attributes.contextCSN),
      [['1#000000#001#000000']],
    );
    assert.deepEqual(site, []);
    assert.equal(sent.length, 1, 'one command');
    assert.equal(sent[0].match(/\/ldapsearch /g)?.length, 2);
    assert.ok(!sent[0].includes(PW), 'the password only on stdin');
    const down = '@@begin 0\n\n@@end 0 255\n@@begin 1\n\n@@end 1 255\n';
    const why = "@@begin 0\nldap_sasl_bind(SIMPLE): Can't contact LDAP server (-1)\n\tadditional info: refused\n@@begin 1\nx\n";
    await assert.rejects(ldapSearchesOn(answer(down, why), 'idp1.example.org', requests), (e: unknown) => {
      assert.ok(e instanceof LdapSearchFailed && e.code === 255, String(e));
      assert.match(
        (e as Error).message,
        /exited 255: ldap_sasl_bind\(SIMPLE\): Can't contact LDAP server \(-1\) additional info: refused$/,
      );
      return true;
    });
  });

  it('parses LDIF: base64 values decoded, wrapped lines joined, names kept', () => {
    const text = [
      'dn: inum=@!1,ou=appliances,o=gluu',
      `oxIDPAuthentication:: ${Buffer.from('{"a":"é"}').toString('base64')}`,
      'description: one',
      ' two',
      '',
      '# comment',
      'dn:: ' + Buffer.from('cn=é,o=gluu').toString('base64'),
      '',
    ].join('\n');
    const e = parseLdif(text);
    assert.equal(e.length, 2);
    assert.deepEqual(e[0].attributes.oxIDPAuthentication, ['{"a":"é"}']);
    assert.deepEqual(e[0].attributes.description, ['onetwo']);
    assert.equal(e[1].dn, 'cn=é,o=gluu');
  });

  it('puts the password in a file only, never in argv (both flavours)', () => {
    for (const config of [openldap(), opendj()]) {
      const script = withPasswordFile(
        ldapSearchCommand(config, 'idp2.example.org', {
          base: 'o=gluu',
          scope: 'base',
          filter: '(objectClass=*)',
          attributes: ['contextCSN'],
        }),
      ).text;
      assert.ok(!script.includes(PW));
      assert.match(script, config.gluu.ldap === 'openldap' ? / -y "\$pw" / : / -j "\$pw" /);
    }
  });
});

describe('health: OpenDJ replication status', () => {
  const row = (...cells: string[]) => cells.join('\t');
  const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
  const healthy = [
    row('o=gluu', 'idp1.example.org:4444', '120', 'true', '12345', '3214', '8989', '0', '', 'true'),
    row('o=gluu', 'idp2.example.org:4444', '120', 'true', '23456', '4321', '8989', '0', '', 'true'),
    row('o=site', 'idp1.example.org:4444', '2', 'true', '1111', '3214', '8989', '0', '', 'true'),
    row('o=site', 'idp2.example.org:4444', '2', 'true', '2222', '4321', '8989', '0', '', 'true'),
    // A replication server with no replica of the suffix: empty first cell (replicationStatus.ts).
    row('', 'idp1.example.org:4444', '', 'true', '', '3214', '8989'),
  ].join('\n');

  it('every node listed and enabled for each base DN, no missing change: ok', () => {
    const v = statusVerdict(opendj(), 'idp2.example.org', healthy, NOW);
    assert.equal(v.state, 'ok', v.reason);
    assert.match(v.reason, /o=gluu and o=site/);
  });

  it('missing changes are a warning; an oldest missing change over 60 s critical', () => {
    const some = healthy.replace(
      row('o=gluu', 'idp2.example.org:4444', '120', 'true', '23456', '4321', '8989', '0', ''),
      row('o=gluu', 'idp2.example.org:4444', '118', 'true', '23456', '4321', '8989', '2', String(NOW - 5000)),
    );
    const w = statusVerdict(opendj(), 'idp2.example.org', some, NOW);
    assert.equal(w.state, 'warning');
    assert.equal(w.reason, 'idp2.example.org misses 2 change(s) of o=gluu, the oldest 5 s old');
    const old = some.replace(String(NOW - 5000), new Date(NOW - 120000).toString());
    const c = statusVerdict(opendj(), 'idp2.example.org', old, NOW);
    assert.equal(c.state, 'critical', c.reason);
    assert.match(c.reason, /the oldest 120 s old/);
  });

  it('a node not listed, or listed without replication (only three cells), is critical with replication-enable', () => {
    const gone = healthy
      .split('\n')
      .filter((l) => !l.startsWith('o=gluu\tidp2'))
      .join('\n');
    const v = statusVerdict(opendj(), 'idp2.example.org', gone, NOW);
    assert.equal(v.state, 'critical');
    assert.equal(v.reason, 'idp2.example.org is not listed for o=gluu in dsreplication status');
    assert.equal(v.fixStep, 'replication-enable');
    const off = healthy.replace(/^o=gluu\tidp2\.example\.org:4444\t120\t.*$/m, row('o=gluu', 'idp2.example.org:4444', '120'));
    assert.match(statusVerdict(opendj(), 'idp2.example.org', off, NOW).reason, /replication of o=gluu is not enabled on idp2/);
  });

  it('reads the age of the oldest missing change as OpenDJ may print it', () => {
    assert.equal(aomcAgeMs('', NOW), undefined);
    assert.equal(aomcAgeMs(String(NOW - 7000), NOW), 7000);
    assert.equal(aomcAgeMs('7000', NOW), 7000);
    assert.equal(aomcAgeMs(new Date(NOW - 90000).toString(), NOW), 90000);
  });

  it('its commands parse by OpenDJ 3.0 grammar, the password only in a file', () => {
    const config = opendj();
    // The probe loop calls the tools only through these functions (its arithmetic is beyond the test's shell reader).
    // The functions' arguments as a call would give them: a host and an entry's DN.
    const script = withPasswordFile(opendjProbeTools(config))
      .text.replaceAll('"$1"', 'idp2.example.org')
      .replaceAll('"$2"', "'cn=probe,o=gluu'")
      .replaceAll('"(cn=$4*)"', "'(cn=gluu-cluster-probe-1-2-*)'");
    const status = withPasswordFile(statusCommand(config, 'idp1.example.org')).text;
    const seen: string[] = [];
    for (const c of [...commands(script), ...commands(status)]) {
      const tool = ['dsreplication', 'ldapsearch', 'ldapmodify'].find((t) => c[0] === `/opt/opendj/bin/${t}`);
      if (!tool) continue;
      seen.push(tool);
      assert.deepEqual(problems(tool, c.slice(1)), [], c.join(' '));
      assert.ok(c.includes('-j') && !c.includes('-w'), `password by file only: ${c.join(' ')}`);
    }
    assert.deepEqual([...new Set(seen)].sort(), ['dsreplication', 'ldapmodify', 'ldapsearch']);
    assert.ok(!script.includes(PW) && !status.includes(PW));
  });
});
