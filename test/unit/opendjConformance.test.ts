/**
 * Every dsreplication, dsconfig and ldapsearch invocation the plans can run is read out of the
 * exact commands sent over SSH (POSIX-quoted, wrapped for the container: chroot and ssh-console)
 * and checked against OpenDJ 3.0's grammar (test/unit/opendjGrammar.ts, a table whose rows name
 * their source files): known options only, values where they belong, exclusions, required
 * options. OpenDJ cannot run here; its grammar can be checked.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE_CLUSTER_FILE } from '../../src/core/config/example';
import { parseClusterFile } from '../../src/core/config/parse';
import type { ClusterConfig, ContainerMode } from '../../src/core/config/types';
import { wrapIf } from '../../src/core/gluu/container';
import type { Probe } from '../../src/core/plan/actions';
import { planInput, renderPlan } from '../../src/core/plan/plan';
import { DSCONFIG_GRAMMAR, DSREPLICATION, GRAMMARS, LDAPSEARCH_GRAMMAR, problems } from './opendjGrammar';
import { FIXTURES } from './paths';
import { commands, tokenize } from './shellWords';

const manual = (): ClusterConfig => parseClusterFile(EXAMPLE_CLUSTER_FILE).config!;
const four = (): ClusterConfig =>
  parseClusterFile(readFileSync(path.join(FIXTURES, 'cluster-files', 'good', 'four-nodes-opendj.yaml'), 'utf8')).config!;
const inMode = (c: ClusterConfig, container: ContainerMode): ClusterConfig => ({ ...c, gluu: { ...c.gluu, container } });

const TOOLS = Object.keys(GRAMMARS);
const toolOf = (program: string) => TOOLS.find((t) => program === t || program.endsWith(`/${t}`));

/** Every command the plan sends (actions, checks, verifications), as sent: wrapped for the container. */
function sentCommands(config: ClusterConfig): { where: string; text: string; script: string }[] {
  const out: { where: string; text: string; script: string }[] = [];
  for (const p of renderPlan(planInput(config))) {
    for (const a of [...p.before, ...p.targets.flatMap((t) => t.actions), ...p.after]) {
      if (a.kind === 'exec' || a.kind === 'interactive')
        out.push({ where: `${p.step.id}: ${a.title}`, text: wrapIf(config, a.script, a.container).text, script: a.script.text });
    }
    for (const t of p.targets) {
      for (const [kind, probe] of [
        ['check', t.check],
        ['verify', t.verify],
      ] as [string, Probe | undefined][]) {
        if (probe)
          out.push({
            where: `${p.step.id}: ${kind} on ${t.host}`,
            text: wrapIf(config, probe.script, probe.container).text,
            script: probe.script.text,
          });
      }
    }
  }
  return out;
}

const invocations = (text: string) =>
  commands(text)
    .map((c) => ({ tool: toolOf(c[0]), args: c.slice(1) }))
    .filter((i): i is { tool: string; args: string[] } => i.tool !== undefined);

describe('OpenDJ conformance of the rendered plans', () => {
  for (const [name, cluster] of [
    ['manual-example', manual],
    ['four-nodes', four],
  ] as const) {
    for (const mode of ['chroot', 'ssh-console'] as const) {
      it(`every dsreplication/dsconfig/ldapsearch call of the ${name} cluster (${mode}) parses by OpenDJ 3.0's grammar`, () => {
        const config = inMode(cluster(), mode);
        const seen: Record<string, number> = {};
        const subcommands = new Set<string>();
        for (const { where, text, script } of sentCommands(config)) {
          const found = invocations(text);
          // Nothing lost in the container's quoting: as many calls as the script names each tool.
          for (const tool of TOOLS) {
            const named = script.split(`/opt/opendj/bin/${tool} `).length - 1;
            assert.equal(found.filter((f) => f.tool === tool).length, named, `${where}: ${tool} calls read from the ${mode} command`);
          }
          for (const { tool, args } of found) {
            assert.deepEqual(problems(tool, args), [], `${where}: ${tool} ${args.join(' ')}`);
            seen[tool] = (seen[tool] ?? 0) + 1;
            const sub = args.find((a) => GRAMMARS[tool].subcommands?.[a]);
            if (sub) subcommands.add(`${tool} ${sub}`);
          }
        }
        assert.ok(seen.dsreplication > 0 && seen.dsconfig > 0 && seen.ldapsearch > 0, JSON.stringify(seen));
        assert.deepEqual([...subcommands].sort(), [
          'dsconfig get-crypto-manager-prop',
          'dsconfig set-administration-connector-prop',
          'dsconfig set-connection-handler-prop',
          'dsconfig set-crypto-manager-prop',
          'dsreplication enable',
          'dsreplication initialize',
          'dsreplication status',
        ]);
      });
    }
  }

  it('finds the same calls in a script as sent in every container mode', () => {
    const texts = (mode: ContainerMode) =>
      sentCommands(inMode(four(), mode))
        .flatMap(({ text }) => invocations(text).map((i) => [i.tool, ...i.args].join('\u0000')))
        .sort();
    const bare = texts('none');
    assert.ok(bare.length > 30, `${bare.length} calls`);
    assert.deepEqual(texts('chroot'), bare);
    assert.deepEqual(texts('ssh-console'), bare);
  });
});

describe('the OpenDJ grammar table', () => {
  const enable = (extra: string[] = []) => [
    'enable',
    '--host1',
    'idp1.example.org',
    '--port1',
    '4444',
    '--bindDN1',
    'cn=directory manager',
    '--bindPasswordFile1',
    '/root/pw',
    '--host2',
    'idp2.example.org',
    '--port2',
    '4444',
    '--bindDN2',
    'cn=directory manager',
    '--bindPasswordFile2',
    '/root/pw',
    '--adminUID',
    'admin',
    '--adminPasswordFile',
    '/root/pw',
    '--baseDN',
    'o=gluu',
    '-X',
    '-n',
    ...extra,
  ];
  const dsconfig = (...sub: string[]) => [
    '-h',
    'localhost',
    '-p',
    '4444',
    '-D',
    'cn=directory manager',
    '-j',
    '/root/pw',
    '-X',
    '-n',
    ...sub,
  ];

  it('names the source of every row', () => {
    for (const [tool, g] of Object.entries(GRAMMARS)) {
      for (const r of g.globals) assert.match(r.source, /\.java/, `${tool} --${r.long}`);
      for (const [sub, s] of Object.entries(g.subcommands ?? {})) {
        assert.match(s.source, /\.java/, `${tool} ${sub}`);
        for (const r of s.options) assert.match(r.source, /\.java/, `${tool} ${sub} --${r.long}`);
      }
    }
  });

  it("accepts the manual's own commands (passwords on the command line are grammatical, only unwise)", () => {
    const manualWords = (line: string) => commands(line)[0].slice(1);
    for (const line of [
      `/opt/opendj/bin/dsreplication enable --host1 idp1.example.org --port1 4444 --bindDN1 "cn=directory manager" --bindPassword1 secret --replicationPort1 8989 --host2 idp2.example.org --port2 4444 --bindDN2 "cn=directory manager" --bindPassword2 secret --replicationPort2 8989 --adminUID admin --adminPassword secret --baseDN "o=gluu" -X -n`,
      `/opt/opendj/bin/dsreplication initialize --baseDN "o=gluu" --adminUID admin --adminPassword secret --hostSource idp1.example.org --portSource 4444  --hostDestination idp2.gluu.org --portDestination 4444 -X -n`,
      `/opt/opendj/bin/dsreplication status -n -X -h idp1.example.org -p 4444 -I admin -w secret`,
      `/opt/opendj/bin/dsconfig -h localhost -p 4444 -D 'cn=directory manager' -w secret -n set-connection-handler-prop --handler-name 'LDAPS Connection Handler' --set enabled:true --set listen-address:0.0.0.0 -X`,
      `/opt/opendj/bin/dsconfig -h idp1.example.org -p 4444 -D "cn=Directory Manager" -w secret --trustAll -n set-crypto-manager-prop    --set ssl-encryption:true`,
    ]) {
      const tool = toolOf(commands(line)[0][0])!;
      assert.deepEqual(problems(tool, manualWords(line)), [], line);
    }
  });

  it('fails on a misspelled or unknown option, and on every other way a call can be wrong', () => {
    assert.deepEqual(problems('dsreplication', enable()), []);
    const cases: [string, string[], RegExp][] = [
      ['dsreplication', enable(['--bindPasswordFle1', '/root/pw']), /unknown option --bindPasswordFle1 for enable/],
      ['dsreplication', enable(['--frobnicate']), /unknown option --frobnicate/],
      ['dsreplication', enable(['-x']), /unknown option -x/],
      [
        'dsreplication',
        ['-n', '-X', 'status', '-h', 'a', '-p', '4444', '-I', 'admin', '-j', '/pw', '--hostSource', 'a'],
        /unknown option --hostSource for status/,
      ],
      ['dsreplication', ['enabel', '-n'], /unknown subcommand enabel/],
      ['dsreplication', enable(['--secureReplication1=true']), /--secureReplication1 is a flag and takes no value/],
      ['dsreplication', [...enable(), '--replicationPort1'], /--replicationPort1 needs a value/],
      ['dsreplication', enable(['--adminPassword', 'secret']), /--adminPassword excludes --adminPasswordFile/],
      ['dsreplication', enable(['--bindPassword1', 'secret']), /--bindPassword1 excludes --bindPasswordFile1/],
      ['dsreplication', enable().filter((a, i, all) => a !== '--baseDN' && all[i - 1] !== '--baseDN'), /--baseDN required for enable/],
      [
        'dsreplication',
        enable().filter((a, i, all) => a !== '--adminPasswordFile' && all[i - 1] !== '--adminPasswordFile'),
        /--adminPassword or --adminPasswordFile required/,
      ],
      ['dsreplication', enable(['--adminUID', 'admin']), /--adminUID given twice/],
      ['dsreplication', enable(['--port2', 'http']), /--port2: "http" is not a valid value/],
      ['dsreplication', enable().map((a) => (a === 'idp2.example.org' ? 'IDP1.example.org' : a)), /pairs a server with itself/],
      ['dsreplication', ['status', '-Q', '-n', '-h', 'a', '-I', 'admin', '-j', '/pw'], /status refuses --quiet/],
      [
        'dsreplication',
        ['disable', '-n', '-h', 'a', '-D', 'cn=x', '-I', 'admin', '-j', '/pw', '--disableAll'],
        /--adminUID excludes --bindDN/,
      ],
      ['dsreplication', [...enable(), 'o=site'], /unexpected arguments: o=site/],
      [
        'dsconfig',
        dsconfig('set-connection-handler-prop', '--handler-name', 'LDAPS', '--set', 'listen-adress:0.0.0.0'),
        /unknown property "listen-adress"/,
      ],
      ['dsconfig', dsconfig('set-connection-handler-prop', '--set', 'enabled:true'), /--handler-name required/],
      ['dsconfig', dsconfig('set-crypto-manager-prop', '--set', 'ssl-encryption:yes'), /not NAME:VALUE with a valid value/],
      ['dsconfig', dsconfig('get-crypto-manager-prop', '--property', 'ssl-encryption', '-s', '-v'), /--script-friendly excludes --verbose/],
      ['dsconfig', [...dsconfig('get-crypto-manager-prop'), '-w', 'secret'], /--bindPassword excludes --bindPasswordFile/],
      ['dsconfig', dsconfig('set-crypto-manager-prop', '--handler-name', 'x'), /unknown option --handler-name for set-crypto-manager-prop/],
      ['dsconfig', dsconfig(), /no subcommand/],
      [
        'ldapsearch',
        ['-h', 'a', '-p', '1636', '-Z', '-X', '-D', 'cn=x', '-j', '/pw', '-s', 'base', '(objectClass=*)'],
        /--baseDN required/,
      ],
      ['ldapsearch', ['-b', 'o=site', '-s', 'bsae', '(objectClass=*)'], /--searchScope: "bsae"/],
      ['ldapsearch', ['-b', 'o=site', '-Z', '-q', '(objectClass=*)'], /--useSSL excludes --useStartTLS/],
      ['ldapsearch', ['-b', 'o=site'], /needs at least 1 trailing argument/],
    ];
    for (const [tool, args, expected] of cases) {
      const found = problems(tool, args);
      assert.ok(
        found.some((p) => expected.test(p)),
        `${tool} ${args.join(' ')}: expected ${expected}, got ${JSON.stringify(found)}`,
      );
    }
  });

  it('reads long names without regard to case, short ones with, and -Xn and --name=value forms', () => {
    assert.deepEqual(problems('dsreplication', enable(['--SECUREREPLICATION1'])), []);
    assert.deepEqual(problems('dsreplication', [...enable().slice(0, -2), '-Xn']), []);
    assert.deepEqual(problems('dsreplication', enable(['--replicationPort1=8989'])), []);
    assert.match(problems('dsconfig', dsconfig('get-crypto-manager-prop', '-S')).join(), /unknown option -S/);
    // The table's tools: ldapmodify for the health check's replication probe.
    assert.deepEqual(Object.keys(GRAMMARS), ['dsreplication', 'dsconfig', 'ldapsearch', 'ldapmodify']);
    assert.ok(DSREPLICATION.subcommands!.status && DSCONFIG_GRAMMAR.subcommands!['set-crypto-manager-prop'] && LDAPSEARCH_GRAMMAR.trailing);
  });
});

describe('the shell reader the conformance test relies on', () => {
  it('reads quoting, substitutions, redirections and nested shells as the shell does', () => {
    assert.deepEqual(tokenize(`a 'b c' "d \\"e\\" $f" g\\ h`), [
      { kind: 'word', value: 'a' },
      { kind: 'word', value: 'b c' },
      { kind: 'word', value: 'd "e" $f' },
      { kind: 'word', value: 'g h' },
    ]);
    const text = `chroot /opt/x /bin/bash -c 'st=$(/opt/opendj/bin/dsreplication status -h '\\''a b'\\'' 2>&1 >/dev/null); case $rc in 0) ;; 8) echo x >&2;; esac; n=$((n+1))'`;
    assert.deepEqual(
      commands(text).filter((c) => c[0].endsWith('dsreplication')),
      [['/opt/opendj/bin/dsreplication', 'status', '-h', 'a b']],
    );
    const ssh = `ssh -p 60022 -i /k -o BatchMode=yes root@localhost '/opt/opendj/bin/dsconfig -D '\\''cn=directory manager'\\'' -n'`;
    assert.deepEqual(
      commands(ssh).filter((c) => c[0].endsWith('dsconfig')),
      [['/opt/opendj/bin/dsconfig', '-D', 'cn=directory manager', '-n']],
    );
    assert.throws(() => tokenize('echo `date`'), /backquotes/);
    assert.deepEqual(commands('x="$(/opt/opendj/bin/dsconfig -n)"'), [['/opt/opendj/bin/dsconfig', '-n']]);
  });
});
