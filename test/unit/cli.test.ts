import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { FIXTURES } from './paths';

function run(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(
    argv,
    (s) => (out += s),
    (s) => (err += s),
  ) as number;
  return { code, out, err };
}

describe('CLI', () => {
  it('validate: a good file exits 0 and says so', () => {
    const r = run('validate', '--config', path.join(FIXTURES, 'cluster-files', 'good', 'manual-example.yaml'));
    assert.equal(r.code, 0);
    assert.match(r.out, /cluster "example-cluster" with 2 nodes is valid/);
  });
  it('validate: a bad file exits 1 with FILE:LINE:COL problems', () => {
    const f = path.join(FIXTURES, 'cluster-files', 'bad', 'typo-key.yaml');
    const r = run('validate', '--config', f);
    assert.equal(r.code, 1);
    assert.equal(r.err, `${f}:5:3: error: unknown key "contaner" (did you mean "container"?) [unknown-key]\n`);
  });
  it('validate: a missing file exits 2 with the reason', () => {
    const r = run('validate', '--config', '/nonexistent/gluu-cluster.yaml');
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot read \/nonexistent\/gluu-cluster\.yaml: ENOENT/);
  });
  it('unknown commands and options exit 2 with usage', () => {
    assert.equal(run('frobnicate').code, 2);
    assert.equal(run('validate', '--nope').code, 2);
    assert.match(run('--help').out, /Usage: gluu-cluster/);
  });
  it('schema prints JSON', () => {
    assert.equal(JSON.parse(run('schema').out).title, 'Gluu Cluster file (gluu-cluster.yaml)');
  });
});

describe('CLI init', () => {
  it('writes the example once and refuses to overwrite', () => {
    const { mkdtempSync, readFileSync, rmSync } = require('node:fs') as typeof import('node:fs');
    const dir = mkdtempSync(path.join(require('node:os').tmpdir(), 'gluu-init-'));
    const f = path.join(dir, 'gluu-cluster.yaml');
    assert.equal(run('init', '--config', f).code, 0);
    assert.equal(run('validate', '--config', f).code, 0);
    const r = run('init', '--config', f);
    assert.equal(r.code, 1);
    assert.match(r.err, /the file exists/);
    assert.match(readFileSync(f, 'utf8'), /^# Gluu Cluster/);
    rmSync(dir, { recursive: true });
  });
});
