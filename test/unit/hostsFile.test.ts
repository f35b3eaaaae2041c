/**
 * The hosts step's reading of /etc/hosts, run with awk on sample files: a name the file already
 * maps to its address is not added again (a duplicate made slapd bind one address twice), a name
 * mapped elsewhere is refused with the line, and the block is replaced, never stacked.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EXAMPLE_CLUSTER_FILE } from '../../src/core/config/example';
import { parseClusterFile } from '../../src/core/config/parse';
import { hostsAwk } from '../../src/core/plan/steps/hosts';

const config = parseClusterFile(EXAMPLE_CLUSTER_FILE).config!;
const [lb, idp1, idp2] = [config.loadBalancer, config.nodes[0], config.nodes[1]];

describe('/etc/hosts as the hosts step reads it', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'gluu-hosts-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const run = (mode: 'check' | 'write', text: string) => {
    const file = path.join(dir, 'hosts');
    writeFileSync(file, text);
    // The same in dash (sh) and bash: the nodes' shells.
    const [dash, bash] = ['sh', 'bash'].map((shell) => spawnSync(shell, ['-c', hostsAwk(config, mode, file).text], { encoding: 'utf8' }));
    assert.deepEqual([dash.status, dash.stdout, dash.stderr], [bash.status, bash.stdout, bash.stderr]);
    return { code: bash.status, out: bash.stdout, err: bash.stderr };
  };

  it('adds every cluster name to a fresh file, between the markers; then the check passes', () => {
    const w = run('write', '127.0.0.1 localhost\n');
    assert.equal(w.code, 0, w.err);
    assert.equal(
      w.out,
      `127.0.0.1 localhost\n# BEGIN gluu-cluster\n${lb.address} ${lb.host}\n${idp1.address} ${idp1.host}\n${idp2.address} ${idp2.host}\n# END gluu-cluster\n`,
    );
    assert.equal(run('check', '127.0.0.1 localhost\n').code, 1);
    assert.equal(run('check', w.out).code, 0);
    assert.equal(run('write', w.out).out, w.out, 'run again: the same file');
  });

  it('does not add a name the file already maps to its address (aliases and tabs too)', () => {
    const text = `127.0.0.1 localhost\n${idp1.address}\t${idp1.host.toUpperCase()} idp1 # the node itself\n`;
    const w = run('write', text);
    assert.equal(w.code, 0, w.err);
    assert.equal(w.out.split('\n').filter((l) => l.includes(idp1.address)).length, 1, w.out);
    assert.equal(run('check', w.out).code, 0);
  });

  it('refuses a name the file maps to another address, naming the line; commented lines do not count', () => {
    const text = `127.0.0.1 localhost\n# ${idp2.address} old\n10.9.9.9 ${idp2.host}\n`;
    const w = run('write', text);
    assert.equal(w.code, 4);
    assert.match(
      w.err,
      new RegExp(
        `10\\.9\\.9\\.9 ${idp2.host.replace(/\./g, '\\.')} \\(outside the gluu-cluster lines\\), but the cluster file says ${idp2.address.replace(/\./g, '\\.')}`,
      ),
    );
    assert.equal(run('check', text).code, 4);
    assert.equal(run('write', `127.0.0.1 localhost\n# 10.9.9.9 ${idp2.host}\n`).code, 0);
  });
});
