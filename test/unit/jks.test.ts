/**
 * Reading a Java KeyStore without a JVM (the health check's keystore row): a trusted certificate
 * and a key entry's first certificate, aliases in lower case as keytool prints them, SHA-256 as
 * "AB:CD:…"; anything that is not JKS (PKCS12, JCEKS) is left to keytool; a cut file is an error.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { jksFingerprints } from '../../src/core/gluu/jks';

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const utf = (s: string) => Buffer.concat([Buffer.from([0, Buffer.byteLength(s)]), Buffer.from(s)]);
const cert = (der: Buffer) => Buffer.concat([utf('X.509'), u32(der.length), der]);
const fingerprint = (b: Buffer) =>
  createHash('sha256')
    .update(b)
    .digest('hex')
    .toUpperCase()
    .replace(/(..)(?=.)/g, '$1:');

describe('a JKS keystore read without keytool', () => {
  const trusted = Buffer.from('the DER of a trusted certificate');
  const leaf = Buffer.from('the DER of a key entry certificate');
  const chainCa = Buffer.from('its CA');
  const date = Buffer.alloc(8);
  const jks = Buffer.concat([
    u32(0xfeedfeed),
    u32(2),
    u32(2),
    u32(2),
    utf('LB.gluu.test_httpd'),
    date,
    cert(trusted),
    u32(1),
    utf('mykey'),
    date,
    u32(3),
    Buffer.from('key'),
    u32(2),
    cert(leaf),
    cert(chainCa),
    Buffer.alloc(20),
  ]);

  it("gives each alias's SHA-256, aliases in lower case, a key entry's own certificate", () => {
    const m = jksFingerprints(jks)!;
    assert.deepEqual(
      [...m.entries()],
      [
        ['lb.gluu.test_httpd', fingerprint(trusted)],
        ['mykey', fingerprint(leaf)],
      ],
    );
    assert.match(m.get('mykey')!, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('leaves what is not JKS to keytool, and refuses a file cut short', () => {
    assert.equal(jksFingerprints(Buffer.from('0\x82\x0a\x00PKCS12...')), undefined);
    assert.equal(jksFingerprints(Buffer.concat([u32(0xcececece), u32(2), u32(0)])), undefined, 'JCEKS');
    assert.throws(() => jksFingerprints(jks.subarray(0, 40)), /ends in the middle of an entry/);
  });
});
