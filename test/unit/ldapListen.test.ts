/**
 * The ldap-listen step: its listen-address changes are applied (LDAPS handler disabled and
 * enabled, OpenDJ restarted) and proved by the listening sockets, never by the property; the
 * java.properties flag lands on dsreplication's line whatever setup wrote. The socket rule runs in
 * TypeScript and as the step's awk, in bash and dash, on ss and netstat outputs.
 */
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { EXAMPLE_CLUSTER_FILE } from '../../src/core/config/example';
import { parseClusterFile } from '../../src/core/config/parse';
import { listeningFunction, listensReachably } from '../../src/core/gluu/listening';
import type { ExecAction } from '../../src/core/plan/actions';
import { planInput, renderStep } from '../../src/core/plan/plan';
import { FakeTools, SHELLS } from './fakeTools';

const manual = () => parseClusterFile(EXAMPLE_CLUSTER_FILE).config!;
const ADDRESS = '159.203.126.10'; // idp1 in the manual's cluster

const SS_HEAD = 'State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process\n';
const NETSTAT_HEAD =
  'Active Internet connections (only servers)\nProto Recv-Q Send-Q Local Address           Foreign Address         State\n';
const ss = (...local: string[]) => SS_HEAD + local.map((l) => `LISTEN 0      50      ${l}     *:*\n`).join('');
const netstat = (...local: string[]) =>
  NETSTAT_HEAD + local.map((l) => `tcp6       0      0 ${l}                 :::*                    LISTEN\n`).join('');

// [name, tool, output, 4444 reachable, 1636 reachable]
const OUTPUTS: [string, 'ss' | 'netstat', string, boolean, boolean][] = [
  ['Java on the IPv6 wildcard (ss: *)', 'ss', ss('0.0.0.0:22', '*:4444', '*:1636'), true, true],
  ['IPv4 wildcard and [::]', 'ss', ss('0.0.0.0:4444', '[::]:1636'), true, true],
  [
    "Gluu's default: loopback, IPv4-mapped",
    'ss',
    ss('[::ffff:127.0.0.1]:4444', '[::ffff:127.0.0.1]:1636', '127.0.0.53%lo:53'),
    false,
    false,
  ],
  ['handler toggled, server not restarted yet', 'ss', ss('[::ffff:127.0.0.1]:4444', '[::]:1636'), false, true],
  ["the node's own address", 'ss', ss(`[::ffff:${ADDRESS}]:4444`, `${ADDRESS}:1636`), true, true],
  ['other ports that end alike', 'ss', ss('*:14444', '0.0.0.0:16360', '10.0.0.9:1636'), false, false],
  ['netstat: the IPv6 wildcard', 'netstat', netstat(':::4444', ':::1636'), true, true],
  ['netstat: loopback, IPv4-mapped', 'netstat', netstat('::ffff:127.0.0.1:4444', '0.0.0.0:1636'), false, true],
];

describe('listening sockets, read in TypeScript', () => {
  for (const [name, , output, admin, ldaps] of OUTPUTS) {
    it(name, () => {
      assert.equal(listensReachably(output, 4444, ADDRESS), admin, '4444');
      assert.equal(listensReachably(output, 1636, ADDRESS), ldaps, '1636');
    });
  }
});

describe('the ldap-listen step', () => {
  const plan = () => renderStep('ldap-listen', planInput(manual()));

  it('applies what it sets: the LDAPS handler disabled then enabled, then OpenDJ restarted', () => {
    const titles = (plan().targets[0].actions as ExecAction[]).map((a) => a.title);
    const actions = plan().targets[0].actions as ExecAction[];
    const toggle = actions.find((a) => /disable and enable/.test(a.title))!.script.text;
    assert.ok(toggle.indexOf('--set enabled:false') < toggle.indexOf('--set enabled:true'), toggle);
    assert.match(toggle, /--handler-name 'LDAPS Connection Handler' --set enabled:false && /);
    assert.ok(titles.indexOf("restart OpenDJ (applies the admin connector's new address)") > titles.indexOf('admin connector on 0.0.0.0'));
    assert.match(actions.at(-1)!.script.text, /systemctl restart opendj; else service opendj restart; fi/);
  });

  it('checks and verifies the listening sockets on the host, never the listen-address property', () => {
    for (const t of plan().targets) {
      for (const p of [t.check!, t.verify!]) {
        assert.equal(p.container, false, 'ss/netstat on the host, which shares the container’s network');
        assert.doesNotMatch(p.script.text, /listen-address|dsconfig/);
        assert.match(p.script.text, /listening 4444 && listening 1636/);
        assert.match(
          p.script.text,
          /grep -q disableEndpointIdentification \/opt\/gluu-server-3\.1\.5\/opt\/opendj\/config\/java\.properties/,
        );
      }
    }
  });

  for (const shell of SHELLS) {
    describe(`run in ${shell}`, () => {
      let tools: FakeTools;
      before(() => (tools = new FakeTools()));
      after(() => tools.cleanup());

      for (const [name, tool, output, admin, ldaps] of OUTPUTS) {
        it(`reads ${tool} as the TypeScript rule does: ${name}`, () => {
          const env = { [tool === 'ss' ? 'GC_FAKE_SS' : 'GC_FAKE_NETSTAT']: tools.file('sockets.txt', output) };
          for (const [port, expected] of [
            [4444, admin],
            [1636, ldaps],
          ] as const) {
            const r = tools.run(shell, `${listeningFunction(ADDRESS).text}; listening ${port}`, env);
            assert.equal(r.code === 0, expected, `${port}: ${r.stderr}`);
            assert.equal(listensReachably(output, port, ADDRESS), expected);
          }
        });
      }

      it('the check and the verification pass only with the flag in java.properties and both ports reachable', () => {
        const t = plan().targets[0];
        const props = tools.file(
          'java.properties',
          'dsreplication.java-args=-Xms8m -client -Dcom.sun.jndi.ldap.object.disableEndpointIdentification=true\n',
        );
        const local = (s: string) => s.split('/opt/gluu-server-3.1.5/opt/opendj/config/java.properties').join(props);
        const open = { GC_FAKE_SS: tools.file('open.txt', OUTPUTS[0][2]) };
        const closed = { GC_FAKE_SS: tools.file('closed.txt', OUTPUTS[3][2]) };
        for (const probe of [t.check!, t.verify!]) {
          assert.equal(tools.run(shell, local(probe.script.text), open).code, 0);
          assert.notEqual(tools.run(shell, local(probe.script.text), closed).code, 0);
        }
        writeFileSync(props, 'dsreplication.java-args=-Xms8m -client\n');
        assert.notEqual(tools.run(shell, local(t.check!.script.text), open).code, 0, 'no flag: not done');
        const waited = tools.run(shell, local(t.verify!.script.text), closed);
        assert.equal(waited.calls.filter((c) => c[0] === 'sleep').length, 0, 'the flag is missing: no waiting for ports');
        writeFileSync(props, 'dsreplication.java-args=-client -Dcom.sun.jndi.ldap.object.disableEndpointIdentification=true\n');
        const slow = tools.run(shell, local(t.verify!.script.text), closed);
        assert.notEqual(slow.code, 0);
        assert.equal(slow.calls.filter((c) => c[0] === 'sleep').length, 20, 'the verification waits for the ports up to 20 times');
      });

      // [what setup wrote, what the line must become]
      const FLAG = '-Dcom.sun.jndi.ldap.object.disableEndpointIdentification=true';
      const LINES: [string, string, string][] = [
        ["setup's usual line", 'dsreplication.java-args=-Xms8m -client', `dsreplication.java-args=-Xms8m -client ${FLAG}`],
        [
          'a line setup reduced (the exact-line sed would miss it)',
          'dsreplication.java-args=-client',
          `dsreplication.java-args=-client ${FLAG}`,
        ],
        ['no dsreplication line at all', '', `dsreplication.java-args=${FLAG}`],
        ['the flag already there', `dsreplication.java-args=-Xms8m -client ${FLAG}`, `dsreplication.java-args=-Xms8m -client ${FLAG}`],
      ];
      for (const [name, before, after] of LINES) {
        it(`puts the flag on dsreplication's java-args line, checked afterwards: ${name}`, () => {
          const props = tools.file('java.properties', `start-ds.java-args=-server\n${before ? `${before}\n` : ''}`);
          const script = (plan().targets[0].actions[0] as ExecAction).script.text.split('/opt/opendj/config/java.properties').join(props);
          const r = tools.run(shell, script);
          assert.equal(r.code, 0, r.stderr);
          const lines = readFileSync(props, 'utf8').split('\n');
          assert.equal(lines.filter((l) => l.startsWith('dsreplication.java-args=')).join('\n'), after);
          assert.equal(lines[0], 'start-ds.java-args=-server', 'other lines untouched');
          assert.deepEqual(
            r.calls.map((c) => c[0]),
            ['dsjavaproperties'],
          );
        });
      }

      it('fails, without running dsjavaproperties, when the flag cannot be written', () => {
        const script = (plan().targets[0].actions[0] as ExecAction).script.text
          .split('/opt/opendj/config/java.properties')
          .join(`${tools.dir}/missing/java.properties`);
        const r = tools.run(shell, script);
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /disableEndpointIdentification=true is not in/);
        assert.deepEqual(r.calls, []);
      });
    });
  }
});
