import * as assert from 'node:assert/strict';
import { addNode, checkNewNode, EditError, listNodeHosts, removeNode, setPrimary, textChange } from '../../src/core/config/edit';
import { EXAMPLE_CLUSTER_FILE } from '../../src/core/config/example';
import { parseClusterFile } from '../../src/core/config/parse';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { FIXTURES } from './paths';

const commentLines = (t: string) => t.split('\n').filter((l) => l.includes('#'));

describe('cluster file edits', () => {
  it('set as primary moves the flag and keeps every comment', () => {
    const out = setPrimary(EXAMPLE_CLUSTER_FILE, 'idp2.example.org');
    const c = parseClusterFile(out).config!;
    assert.deepEqual(
      c.nodes.map((n) => [n.host, n.primary]),
      [
        ['idp1.example.org', false],
        ['idp2.example.org', true],
      ],
    );
    assert.deepEqual(commentLines(out), commentLines(EXAMPLE_CLUSTER_FILE));
    // Only the node entries changed.
    const change = textChange(EXAMPLE_CLUSTER_FILE, out);
    assert.ok(EXAMPLE_CLUSTER_FILE.slice(0, change.start).includes('# The Gluu Server nodes.'));
  });

  it('add node appends a valid entry in block style and keeps comments', () => {
    const out = addNode(EXAMPLE_CLUSTER_FILE, { host: 'idp3.example.org', address: '203.0.113.12' });
    const r = parseClusterFile(out);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      r.config!.nodes.map((n) => n.host),
      ['idp1.example.org', 'idp2.example.org', 'idp3.example.org'],
    );
    assert.match(out, / {2}- host: idp3\.example\.org\n {4}address: 203\.0\.113\.12\n/);
    assert.deepEqual(commentLines(out), commentLines(EXAMPLE_CLUSTER_FILE));
  });

  it('add node follows flow style when the list uses it', () => {
    const text =
      'name: c\ngluu: { version: 3.1.5 }\nloadBalancer: { host: lb.example.org, address: 192.0.2.1 }\nnodes:\n  - { host: a.example.org, address: 192.0.2.2, primary: true } # first\n';
    const out = addNode(text, { host: 'b.example.org', address: '192.0.2.3' });
    assert.match(out, /- \{ host: b\.example\.org, address: 192\.0\.2\.3 \}/);
    assert.match(out, /# first/);
  });

  it('add node refuses bad or duplicate input with a reason', () => {
    assert.match(checkNewNode(EXAMPLE_CLUSTER_FILE, { host: 'x;y', address: '1.2.3.4' })!, /not a valid host name/);
    assert.match(checkNewNode(EXAMPLE_CLUSTER_FILE, { host: 'x.example.org', address: '1.2.3' })!, /not an IPv4 or IPv6 address/);
    assert.match(checkNewNode(EXAMPLE_CLUSTER_FILE, { host: 'IDP1.example.org', address: '1.2.3.4' })!, /already in the cluster/);
    assert.match(
      checkNewNode(EXAMPLE_CLUSTER_FILE, { host: 'x.example.org', address: '45.55.232.15' })!,
      /already used by loadbalancer\.example\.org/,
    );
    assert.equal(checkNewNode(EXAMPLE_CLUSTER_FILE, { host: 'x.example.org', address: '2001:db8::1' }), undefined);
    assert.throws(() => addNode(EXAMPLE_CLUSTER_FILE, { host: 'idp1.example.org', address: '1.2.3.4' }), EditError);
  });

  it('remove node removes just that entry', () => {
    const out = removeNode(EXAMPLE_CLUSTER_FILE, 'idp2.example.org');
    assert.deepEqual(listNodeHosts(out), ['idp1.example.org']);
    assert.deepEqual(commentLines(out), commentLines(EXAMPLE_CLUSTER_FILE));
    assert.ok(!out.includes('138.197.65.243'));
  });

  it('remove node refuses to remove the primary while others remain', () => {
    assert.throws(() => removeNode(EXAMPLE_CLUSTER_FILE, 'idp1.example.org'), /is the primary; make another node the primary first/);
  });

  it('edits refuse a file with YAML errors and name unknown nodes', () => {
    assert.throws(() => setPrimary('nodes: [\n', 'a'), /YAML errors/);
    assert.throws(() => setPrimary(EXAMPLE_CLUSTER_FILE, 'nope.example.org'), /no node "nope\.example\.org"/);
  });

  it('edit only the characters they must, in flow and block entries alike', () => {
    const full = readFileSync(path.join(FIXTURES, 'cluster-files', 'good', 'four-nodes-full.yaml'), 'utf8');
    // idp2 (flow entry) is primary; idp3 (block, "primary: false") becomes it.
    const p = setPrimary(full, 'idp3.example.org');
    assert.equal(
      p,
      full
        .replace('address: 10.0.0.2, primary: true }', 'address: 10.0.0.2, primary: false }')
        .replace('    primary: false\n    ssh:', '    primary: true\n    ssh:'),
    );
    // A block entry without the key gets it appended after its last line (nested maps included).
    const q = setPrimary(full, 'idp4');
    assert.equal(
      q,
      full.replace('primary: true }', 'primary: false }').replace('    address: fe80::1\n', '    address: fe80::1\n    primary: true\n'),
    );
    // A flow entry without the key gets ", primary: true".
    const r = setPrimary(full, 'idp1.example.org');
    assert.equal(
      r,
      full
        .replace('{ host: idp1.example.org, address: 10.0.0.1 }', '{ host: idp1.example.org, address: 10.0.0.1, primary: true }')
        .replace('primary: true }\n  - host: idp3', 'primary: false }\n  - host: idp3'),
    );
    assert.equal(
      parseClusterFile(r)
        .config!.nodes.filter((n) => n.primary)
        .map((n) => n.host)
        .join(),
      'idp1.example.org',
    );
    // Remove a block entry with a nested map: exactly its lines go.
    assert.equal(removeNode(full, 'idp3.example.org'), full.replace(/ {2}- host: idp3\.example\.org\n( {4}.*\n| {6}.*\n)*/, ''));
    // Add after a block entry ending the list.
    assert.equal(
      addNode(full, { host: 'idp5.example.org', address: '10.0.0.5' }),
      full.replace('    address: fe80::1\n', '    address: fe80::1\n  - host: idp5.example.org\n    address: 10.0.0.5\n'),
    );
  });

  it('handles a flow-style nodes list', () => {
    const text =
      'name: c\ngluu: { version: 3.1.5 }\nloadBalancer: { host: lb.example.org, address: 192.0.2.1 }\nnodes: [{ host: a.example.org, address: 192.0.2.2, primary: true }, { host: b.example.org, address: 192.0.2.3 }] # two\n';
    const added = addNode(text, { host: 'c.example.org', address: '192.0.2.4' });
    assert.match(added, /\{ host: b\.example\.org, address: 192\.0\.2\.3 \}, \{ host: c\.example\.org, address: 192\.0\.2\.4 \}\] # two/);
    assert.deepEqual(listNodeHosts(removeNode(added, 'b.example.org')), ['a.example.org', 'c.example.org']);
    assert.deepEqual(listNodeHosts(removeNode(added, 'c.example.org')), ['a.example.org', 'b.example.org']);
    assert.deepEqual(parseClusterFile(removeNode(added, 'c.example.org')).problems, []);
  });

  it('textChange finds the smallest replacement', () => {
    assert.deepEqual(textChange('abcdef', 'abXYef'), { start: 2, end: 4, text: 'XY' });
    assert.deepEqual(textChange('abc', 'abc'), { start: 3, end: 3, text: '' });
    assert.deepEqual(textChange('aaa', 'aaaa'), { start: 3, end: 3, text: 'a' });
    const before = 'x: 1\ny: 2\n';
    const after = 'x: 1\ny: 3\n';
    const c = textChange(before, after);
    assert.equal(before.slice(0, c.start) + c.text + before.slice(c.end), after);
  });
});
