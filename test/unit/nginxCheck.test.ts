/**
 * The editor's nginx -t check on a workspace nginx.conf never runs code or reads files the file
 * names: a stand-in nginx that leaves a mark when it is started shows whether it was.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { checkNginxConf, findNginx, tempPathDirectives } from '../../src/core/render/nginxCheck';

const GOOD = 'events {}\nhttp {\n    server {\n        listen 8080;\n    }\n}\n';

/**
 * checkNginxConf(conf) in a new node process (the stand-in certificate is made once per process,
 * by its first check), started as `command` + its arguments + node's; returns its result.
 */
async function checkInNewProcess(conf: string, command: string[] = [], env: NodeJS.ProcessEnv = process.env) {
  const { execFileSync } = await import('node:child_process');
  const module = path.join(__dirname, '..', '..', 'src', 'core', 'render', 'nginxCheck.js');
  const script = `require(${JSON.stringify(module)}).checkNginxConf(${JSON.stringify(conf)}, {}).then((r) => process.stdout.write(JSON.stringify(r)))`;
  const argv = [...command, process.execPath, '-e', script];
  const out = execFileSync(argv[0], argv.slice(1), { encoding: 'utf8', env });
  return JSON.parse(out) as { ok: boolean; problems: { line?: number; message: string }[] };
}

describe('the nginx -t check of a workspace nginx.conf', () => {
  let dir: string;
  let nginx: string;
  let mark: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'gluu-nginx-stub-'));
    // Whoever the check runs nginx as may start the stand-in and leave its mark (its user id).
    chmodSync(dir, 0o755);
    mkdirSync(path.join(dir, 'marks'), { mode: 0o777 });
    chmodSync(path.join(dir, 'marks'), 0o777);
    mark = path.join(dir, 'marks', 'nginx-was-run');
    nginx = path.join(dir, 'nginx');
    writeFileSync(nginx, `#!/bin/sh\nid -u > '${mark}'\n`);
    chmodSync(nginx, 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Checks `text` with the stand-in nginx: the problems, and whether nginx was started. */
  const check = async (text: string) => {
    const r = await checkNginxConf(text, {}, nginx);
    return { ...r, ran: existsSync(mark) };
  };

  it('does not start nginx for a load_module line, and says so at that line', async () => {
    const r = await check(`# a module\nload_module /tmp/canary.so;\n${GOOD}`);
    assert.equal(r.ran, false, 'nginx was started');
    assert.equal(r.ok, false);
    assert.deepEqual(
      r.problems.map((p) => [p.line, p.severity]),
      [[1, 'warning']],
    );
    assert.match(r.problems[0].message, /"load_module \/tmp\/canary\.so" would load and run code/);
  });

  it('finds the directive as nginx reads it: quoted, escaped, after another one on the line', async () => {
    for (const line of [
      '"load_module" /tmp/canary.so;',
      "'load_module' '/tmp/canary.so';",
      'worker_processes 1; load_module /tmp/canary.so;',
    ]) {
      const r = await check(`${line}\n${GOOD}`);
      assert.equal(r.ran, false, line);
      assert.equal(r.problems[0]?.line, 0, line);
    }
  });

  it('does not start nginx for other directives that load code: ssl_engine, perl, njs, lua, an OpenSSL engine key, a library', async () => {
    for (const [text, line] of [
      ['ssl_engine evil;\n', 0],
      ['http {\n    perl_modules /tmp/perl;\n    perl_require evil.pm;\n}\n', 1],
      ['http {\n    js_import /tmp/evil.js;\n}\n', 1],
      ['http {\n    init_by_lua_block { os.execute("id") }\n}\n', 1],
      ['http {\n    server { listen 443 ssl; ssl_certificate_key engine:evil:key; }\n}\n', 1],
      ['http {\n    some_plugin /opt/plugins/evil.so;\n}\n', 1],
    ] as const) {
      const r = await check(`events {}\n${text}`);
      assert.equal(r.ran, false, text);
      assert.equal(r.problems[0]?.line, line + 1, text);
    }
  });

  it('does not start nginx for a file that includes others or names files outside the check', async () => {
    for (const [text, line, what] of [
      ['include /tmp/x/*.conf;\n', 0, /"include \/tmp\/x\/\*\.conf" reads a file/],
      ['http {\n    include mime.types;\n}\n', 1, /"include mime\.types"/],
      ['http {\n    server {\n        ssl_dhparam /etc/ssl/dh.pem;\n    }\n}\n', 2, /"ssl_dhparam \/etc\/ssl\/dh\.pem"/],
      ['http {\n    server {\n        ssl_password_file ../../secret;\n    }\n}\n', 2, /"ssl_password_file \.\.\/\.\.\/secret"/],
    ] as const) {
      const r = await check(`events {}\n${text}`);
      assert.equal(r.ran, false, text);
      assert.equal(r.problems[0]?.line, line + 1, text);
      assert.match(r.problems[0].message, what);
    }
  });

  it('starts nginx for an ordinary file, whose certificates, logs and pid it replaces with its own', async () => {
    const r = await check(
      'pid /run/nginx.pid;\nerror_log /var/log/nginx/error.log;\nevents {}\nhttp {\n    access_log /var/log/nginx/access.log;\n    server {\n        listen 443 ssl;\n        server_name gluu.example.so;\n        ssl_certificate /etc/nginx/ssl/httpd.crt;\n        ssl_certificate_key /etc/nginx/ssl/httpd.key;\n        location /oxauth { proxy_pass https://backend/oxauth; }\n    }\n}\n',
    );
    assert.equal(r.ran, true);
  });

  it('runs nginx as nobody (uid 65534) when the editor runs as root', async function () {
    if (process.getuid?.() !== 0) this.skip();
    const r = await check(GOOD);
    assert.equal(r.ran, true);
    assert.equal(readFileSync(mark, 'utf8').trim(), '65534');
  });

  it("reports nginx's errors at the line of the file, also after a path it replaced that spans lines (real nginx)", async () => {
    assert.ok(findNginx(), 'nginx is installed (scripts/install-system-deps.sh)');
    const text =
      'events {}\nhttp {\n    server {\n        listen 443 ssl;\n        ssl_certificate "/etc/nginx/\nssl/httpd.crt";\n        ssl_certificate_key /etc/nginx/ssl/httpd.key;\n        bogus_directive;\n    }\n}\n';
    const r = await checkNginxConf(text, {});
    assert.equal(r.ok, false);
    assert.deepEqual(
      r.problems.map((p) => p.line),
      [7],
    );
    assert.match(r.problems[0].message, /unknown directive "bogus_directive"/);
  });

  it('works as root under a private 0700 TMPDIR, which nobody cannot enter (real nginx)', async function () {
    if (process.getuid?.() !== 0) this.skip();
    const priv = mkdtempSync(path.join(tmpdir(), 'gluu-private-tmp-'));
    chmodSync(priv, 0o700);
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = priv;
    try {
      const r = await checkNginxConf('events {}\nhttp {\n    bogus_directive;\n}\n', {});
      assert.deepEqual(
        r.problems.map((p) => [p.line, /unknown directive "bogus_directive"/.test(p.message)]),
        [[2, true]],
        JSON.stringify(r),
      );
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      rmSync(priv, { recursive: true, force: true });
    }
  });

  it('reads its stand-in certificate as nobody when the first check ran under a private 0700 TMPDIR (real nginx)', async function () {
    if (process.getuid?.() !== 0) this.skip();
    const priv = mkdtempSync(path.join(tmpdir(), 'gluu-private-tmp-'));
    chmodSync(priv, 0o700);
    try {
      const conf =
        'events {}\nhttp {\n    server {\n        listen 443 ssl;\n        ssl_certificate /etc/nginx/ssl/httpd.crt;\n        ssl_certificate_key /etc/nginx/ssl/httpd.key;\n    }\n}\n';
      const r = await checkInNewProcess(conf, [], { ...process.env, TMPDIR: priv });
      // nginx loads certificates after reading the whole file: a valid file, so it gets that far.
      assert.deepEqual([r.ok, r.problems], [true, []], JSON.stringify(r));
    } finally {
      rmSync(priv, { recursive: true, force: true });
    }
  });

  it("names only the temp folders of the modules this nginx was built with (nginx -V), and the body's when -V failed", () => {
    assert.deepEqual(tempPathDirectives('configure arguments: --with-http_ssl_module'), [
      'client_body_temp_path',
      'proxy_temp_path',
      'fastcgi_temp_path',
      'uwsgi_temp_path',
      'scgi_temp_path',
    ]);
    assert.deepEqual(tempPathDirectives('configure arguments: --without-http_uwsgi_module --without-http_scgi_module'), [
      'client_body_temp_path',
      'proxy_temp_path',
      'fastcgi_temp_path',
    ]);
    assert.deepEqual(tempPathDirectives(undefined), ['client_body_temp_path']);
  });

  it('passes a valid file on a machine whose nginx never ran, its compiled-in temp folders not made yet (real nginx)', async function () {
    if (process.getuid?.() !== 0) this.skip();
    const { spawnSync } = await import('node:child_process');
    const nginxBin = findNginx();
    assert.ok(nginxBin, 'nginx is installed (scripts/install-system-deps.sh)');
    // Where this nginx keeps its temp folders (/var/lib/nginx/body on Debian). In a mount namespace
    // of the test's own, an empty folder only root may write to takes the place of their parent, as
    // on a machine where the package was installed but nginx never started.
    const V = spawnSync(nginxBin, ['-V'], { encoding: 'utf8' }).stderr;
    const body = /--http-client-body-temp-path=(\S+)/.exec(V)?.[1];
    assert.ok(body, `nginx -V names its client body temp path: ${V}`);
    const conf =
      'events {}\nhttp {\n    upstream backend { server 127.0.0.1:8443; }\n    server {\n        listen 443 ssl;\n        ssl_certificate /etc/nginx/ssl/httpd.crt;\n        ssl_certificate_key /etc/nginx/ssl/httpd.key;\n        location /oxauth { proxy_pass https://backend/oxauth; }\n    }\n}\n';
    const r = await checkInNewProcess(conf, [
      'unshare',
      '-m',
      '--propagation',
      'private',
      'sh',
      '-c',
      'mount -t tmpfs -o mode=0755 none "$0" && test ! -e "$1" && shift && exec "$@"',
      path.dirname(body),
      body,
    ]);
    assert.deepEqual([r.ok, r.problems], [true, []], JSON.stringify(r));
  });
});
