import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './paths';

describe('the extension bundle', function () {
  this.timeout(60000);
  before(() => execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' }));

  it('loads without evaluating the core, the YAML parser, ssh2, ldapts or the LDAP editor (they load on first use)', () => {
    // A child process with a stand-in for the editor's `vscode` module: only module loading is observed.
    const script = `
      const Module = require('module');
      const load = Module._load;
      Module._load = function (request, parent, isMain) {
        if (request === 'vscode') return {};
        return load.apply(this, arguments);
      };
      require(${JSON.stringify(path.join(ROOT, 'dist', 'extension.js'))});
      const loaded = Object.keys(require.cache).map((f) => f.replace(${JSON.stringify(ROOT)}, ''));
      process.stdout.write(JSON.stringify(loaded));`;
    const loaded: string[] = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    assert.deepEqual(loaded, ['/dist/extension.js']);
  });

  it('loads each lazily loaded bundle with every require resolved (esbuild leaves unresolvable requires to fail at run time)', () => {
    const script = `
      const Module = require('module');
      const load = Module._load;
      Module._load = function (request) {
        if (request === 'vscode') return {};
        return load.apply(this, arguments);
      };
      for (const b of ['core', 'run', 'ldapEditor']) {
        require(${JSON.stringify(path.join(ROOT, 'dist'))} + '/' + b + '.js');
      }
      process.stdout.write('ok');`;
    assert.equal(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }), 'ok');
  });

  it('keeps the activation bundle small', () => {
    const size = statSync(path.join(ROOT, 'dist', 'extension.js')).size;
    assert.ok(size < 40_000, `dist/extension.js is ${size} bytes`);
  });
});
