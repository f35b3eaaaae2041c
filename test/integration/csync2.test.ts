/**
 * The generated csync2.cfg with real csync2 between two lab hosts: the csync2 step's own key and
 * certificate commands (one shared subject), the file on both hosts as /etc/csync2.cfg, a
 * listener per host, and a file written on one host appears on the other after `csync2 -x`.
 */
import * as assert from 'node:assert/strict';
import { parseClusterFile } from '../../src/core/config/parse';
import { renderCsync2Cfg } from '../../src/core/render/csync2';
import { checkCsync2Cfg } from '../../src/core/render/csync2Check';
import { planInput, renderStep } from '../../src/core/plan/plan';
import { lab, shOn, type Lab } from './lab';

describe('generated csync2.cfg on real csync2', function () {
  this.timeout(120000);
  let l: Lab;
  const SYNCED = '/srv/gluu-sync';

  before(async () => {
    const can = lab.canUseNetns();
    if (can !== true) throw new Error(`these tests need network namespaces (run as root): ${can}`);
    l = lab.labUp({
      hosts: [
        { name: 'idp1', hostname: 'idp1.gluu.test' },
        { name: 'idp2', hostname: 'idp2.gluu.test' },
      ],
    });
  });
  after(async () => {
    if (l) await lab.labDown(l);
  });

  it('is accepted by csync2 and keeps a directory in sync between two nodes', async () => {
    const config = parseClusterFile(`name: csync-test
gluu: { version: 3.1.5, container: none }
loadBalancer: { host: lb.gluu.test, address: 10.0.0.1 }
nodes:
  - { host: idp1.gluu.test, address: ${l.hosts.idp1.address}, primary: true }
  - { host: idp2.gluu.test, address: ${l.hosts.idp2.address} }
csync2: { include: [${SYNCED}/] }
`).config!;
    const cfg = renderCsync2Cfg(config);
    assert.deepEqual(checkCsync2Cfg(cfg), []);
    // The step's own commands for key and certificate, run on the primary.
    const step = renderStep('csync2', planInput(config));
    const keyAndCert = step.before
      .filter((a) => a.kind === 'exec' && /csync2 -k|openssl/.test(a.script.text))
      .map((a) => (a.kind === 'exec' ? a.script.text : ''));
    assert.equal(keyAndCert.length, 2);
    for (const s of keyAndCert) await shOn(l, 'idp1', s);
    await shOn(l, 'idp1', 'cat > /etc/csync2.cfg', cfg);
    // The relay, done here by hand: the same four files on idp2.
    for (const f of ['/etc/csync2.key', '/etc/csync2_ssl_key.pem', '/etc/csync2_ssl_cert.pem', '/etc/csync2.cfg']) {
      const content = await shOn(l, 'idp1', `cat ${f}`);
      await shOn(l, 'idp2', `cat > ${f} && chmod 600 ${f}`, content);
    }
    // A listener per node (inetd's job on a real server).
    for (const n of ['idp1', 'idp2']) {
      await shOn(l, n, `mkdir -p ${SYNCED}`);
      lab.daemonAs(l, n, 'csync2', 'csync2', ['-ii', '-v']);
      await lab.waitPort(l, n, 30865);
    }
    await shOn(l, 'idp1', `printf 'shared-secret-config\\n' > ${SYNCED}/idp-metadata.xml`);
    await shOn(l, 'idp1', 'csync2 -xv 2>&1');
    assert.equal(await shOn(l, 'idp2', `cat ${SYNCED}/idp-metadata.xml`), 'shared-secret-config\n');
    // And back: a change on idp2 reaches idp1.
    await shOn(l, 'idp2', `printf 'changed on idp2\\n' > ${SYNCED}/idp-metadata.xml && csync2 -xv 2>&1`);
    assert.equal(await shOn(l, 'idp1', `cat ${SYNCED}/idp-metadata.xml`), 'changed on idp2\n');
  });
});
