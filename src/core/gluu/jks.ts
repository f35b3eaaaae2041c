/**
 * The certificates of a Java KeyStore (JKS, the format of Java 8's cacerts, which Gluu 3.1.x's
 * JRE uses), read without a JVM: a keytool start costs a second or more per host, reading the
 * file costs a download. Format (sun.security.provider.JavaKeyStore): magic 0xFEEDFEED, version
 * 1 or 2, entry count; per entry a tag (1 private key, 2 trusted certificate), the alias (Java's
 * modified UTF-8, 2-byte length), an 8-byte date, then for a key its bytes and its chain, for a
 * certificate one certificate; each certificate is (version 2) its type as UTF, a 4-byte length
 * and the DER bytes. A 20-byte digest ends the file (not checked here: we only read).
 */
import { createHash } from 'node:crypto';

export const JKS_MAGIC = 0xfeedfeed;

/** SHA-256 "AB:CD:…" of each alias's certificate (a key entry: its first certificate), aliases in lower case; undefined when `buf` is not JKS. */
export function jksFingerprints(buf: Buffer): Map<string, string> | undefined {
  if (buf.length < 12 || buf.readUInt32BE(0) !== JKS_MAGIC) return undefined;
  const version = buf.readUInt32BE(4);
  if (version !== 1 && version !== 2) return undefined;
  let at = 12;
  const need = (n: number) => {
    if (at + n > buf.length) throw new Error('the keystore ends in the middle of an entry');
  };
  const u32 = () => {
    need(4);
    at += 4;
    return buf.readUInt32BE(at - 4);
  };
  const utf = () => {
    need(2);
    const n = buf.readUInt16BE(at);
    need(2 + n);
    at += 2 + n;
    return buf.subarray(at - n, at).toString('utf8');
  };
  const cert = () => {
    if (version === 2) utf();
    const n = u32();
    need(n);
    at += n;
    return buf.subarray(at - n, at);
  };
  const out = new Map<string, string>();
  const count = buf.readUInt32BE(8);
  for (let i = 0; i < count; i++) {
    const tag = u32();
    const alias = utf().toLowerCase();
    need(8);
    at += 8;
    let der: Buffer | undefined;
    if (tag === 1) {
      const keyLength = u32();
      need(keyLength);
      at += keyLength;
      const chain = u32();
      for (let c = 0; c < chain; c++) {
        const d = cert();
        der ??= d;
      }
    } else if (tag === 2) {
      der = cert();
    } else return undefined; // a secret key entry: JCEKS, not JKS
    if (der)
      out.set(
        alias,
        createHash('sha256')
          .update(der)
          .digest('hex')
          .toUpperCase()
          .replace(/(..)(?=.)/g, '$1:'),
      );
  }
  return out;
}
