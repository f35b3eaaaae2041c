/**
 * The editor's nginx -t check with the real nginx of this machine, on a workspace nginx.conf that
 * would run code or read other files if nginx read it: a library whose constructor leaves a mark
 * when it is loaded, and an included file whose error_log leaves one when it is opened.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { checkNginxConf, findNginx } from '../../src/core/render/nginxCheck';

describe("the editor's nginx -t check on a hostile nginx.conf, with real nginx", function () {
  this.timeout(60000);
  let dir: string;
  before(() => assert.ok(findNginx(), 'nginx is installed (scripts/install-system-deps.sh)'));
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'gluu-nginx-canary-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('never loads the library of a load_module line', async () => {
    const mark = path.join(dir, 'library-ran');
    const source = path.join(dir, 'canary.c');
    writeFileSync(
      source,
      `#include <fcntl.h>\n#include <unistd.h>\n__attribute__((constructor)) static void ran(void) { int fd = open(${JSON.stringify(mark)}, O_CREAT | O_WRONLY, 0644); if (fd >= 0) close(fd); }\n`,
    );
    const library = path.join(dir, 'canary.so');
    execFileSync('gcc', ['-shared', '-fPIC', '-o', library, source]);
    const r = await checkNginxConf(`load_module ${library};\nevents {}\n`, {});
    assert.equal(existsSync(mark), false, 'the library was loaded');
    assert.equal(r.problems[0]?.line, 0);
    assert.equal(r.ok, false);
  });

  it('never reads an included file', async () => {
    const mark = path.join(dir, 'included-file-read.log');
    mkdirSync(path.join(dir, 'conf.d'));
    writeFileSync(path.join(dir, 'conf.d', 'a.conf'), `error_log ${mark};\n`);
    const r = await checkNginxConf(`events {}\ninclude ${dir}/conf.d/*.conf;\n`, {});
    assert.equal(existsSync(mark), false, 'the included file was read');
    assert.equal(r.problems[0]?.line, 1);
  });
});
