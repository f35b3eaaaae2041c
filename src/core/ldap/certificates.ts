/**
 * Gluu's LDAP certificate is self-signed, so TLS cannot vouch for it: the editor pins it. The
 * first connection only fetches the certificate (nothing is sent), the user confirms its SHA-256
 * fingerprint, and from then on the pinned certificate is the only trust anchor and its
 * fingerprint is checked on every connection. A CA file from the cluster file is the other way;
 * verification is never switched off.
 */
import { X509Certificate } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { isIP } from 'node:net';
import * as tls from 'node:tls';
import { isSshError } from '../ssh/errors';
import { LdapError } from './errors';

/** Where LDAPS is and how to open a byte stream to it (an SSH channel for the tunnel). */
export interface LdapEndpoint {
  /** The node, for messages and as the pin's name. */
  node: string;
  /** Shown to the user: "SSH tunnel to idp1 → 127.0.0.1:1636", "ldaps://10.0.0.1:1636". */
  via: string;
  host: string;
  port: number;
  /** A fresh stream to the LDAPS port, or undefined to connect to host:port directly. */
  open?: () => Promise<Duplex>;
}

export interface PinnedCertificate {
  fingerprint: string;
  pem: string;
}

export interface CertificateInfo {
  /** "ldaps:idp1.example.org:1636" — the key pins are stored under. */
  id: string;
  node: string;
  via: string;
  /** SHA-256, "AB:CD:…", as `openssl x509 -noout -fingerprint -sha256` prints it. */
  fingerprint: string;
  subject: string;
  issuer: string;
  validTo: string;
  pem: string;
}

export interface CertificateTrust {
  lookup(id: string): Promise<PinnedCertificate | undefined>;
  add(id: string, pin: PinnedCertificate): Promise<void>;
  /** Asks the user (a modal in the editor; a flag on the CLI). Never answer yes without asking. */
  confirm(info: CertificateInfo): Promise<boolean>;
}

export const pinId = (e: LdapEndpoint): string => `ldaps:${e.node}:${e.port}`;

const CONNECT_MS = 10_000;

/** The TLS server name (SNI) for a host: none for an IP address, which SNI does not allow. */
export const servernameOf = (host: string): string | undefined => (isIP(host) ? undefined : host);

function tlsConnect(e: LdapEndpoint, stream: Duplex | undefined, options: tls.ConnectionOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({
      ...(stream ? { socket: stream } : { host: e.host, port: e.port }),
      servername: servernameOf(e.host),
      ...options,
    });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new LdapError('UNREACHABLE', `No TLS answer from the LDAP server (${e.via}) within ${CONNECT_MS / 1000} s.`));
    }, CONNECT_MS);
    s.once('secureConnect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** The certificate the server presents, fetched without trusting it or sending anything. */
export async function fetchCertificate(e: LdapEndpoint): Promise<CertificateInfo> {
  const stream = await openStream(e);
  // Only to read the certificate: the socket is closed right after the handshake, no LDAP data.
  const s = await tlsConnect(e, stream, { rejectUnauthorized: false }).catch((err) => {
    throw connectError(e, err);
  });
  try {
    const raw = s.getPeerCertificate(true)?.raw;
    if (!raw) throw new LdapError('TLS_FAILED', `The LDAP server (${e.via}) presented no certificate.`);
    const x = new X509Certificate(raw);
    return {
      id: pinId(e),
      node: e.node,
      via: e.via,
      fingerprint: x.fingerprint256,
      subject: x.subject.replace(/\n/g, ', '),
      issuer: x.issuer.replace(/\n/g, ', '),
      validTo: x.validTo,
      pem: x.toString(),
    };
  } finally {
    s.destroy();
  }
}

export async function openStream(e: LdapEndpoint): Promise<Duplex | undefined> {
  if (!e.open) return undefined;
  try {
    return await e.open();
  } catch (err) {
    throw connectError(e, err);
  }
}

export function connectError(e: LdapEndpoint, err: unknown): Error {
  // The SSH tunnel's own errors (a refused host key says "refused" too) are not the LDAP server's.
  if (err instanceof LdapError || isSshError(err)) return err;
  const m = (err as Error).message ?? String(err);
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED' || /refused|Connection refused|open failed/i.test(m)) {
    return new LdapError(
      'UNREACHABLE',
      `Nothing answers on the LDAPS port (${e.via}). Is the LDAP server running on ${e.node}, and on port ${e.port}? (gluu.ldapAccess.port in the cluster file)`,
    );
  }
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return new LdapError(
      'UNREACHABLE',
      `Cannot reach the LDAP server (${e.via}): ${m}. With gluu.ldapAccess.via: direct, port ${e.port} must be open from this machine; the default, tunnel, needs only SSH.`,
    );
  }
  if (/ssl|tls|wrong version|certificate/i.test(m))
    return new LdapError('TLS_FAILED', `TLS with the LDAP server (${e.via}) failed: ${m}. Is ${e.port} the LDAPS port (not plain LDAP)?`);
  return err instanceof Error ? err : new Error(m);
}

/** Where the node's certificate file usually is, so the user can compare fingerprints there. */
function checkHint(node: string): string {
  return `On ${node}, compare with: openssl x509 -noout -fingerprint -sha256 -in /etc/certs/openldap.crt (OpenLDAP) or /etc/certs/opendj.crt (OpenDJ).`;
}

/**
 * TLS options that accept exactly the trusted certificate: the CA file, or the pinned certificate
 * (asking the user to trust it the first time). A certificate that differs from the pinned one
 * is refused before anything is sent.
 */
export async function trustedTlsOptions(e: LdapEndpoint, trust: CertificateTrust, caPem?: string): Promise<tls.ConnectionOptions> {
  if (caPem !== undefined) return { ca: caPem, rejectUnauthorized: true };
  const id = pinId(e);
  let pin = await trust.lookup(id);
  if (!pin) {
    const info = await fetchCertificate(e);
    if (!(await trust.confirm(info))) {
      throw new LdapError(
        'CERT_NOT_TRUSTED',
        `The LDAP certificate of ${e.node} (SHA-256 ${info.fingerprint}) was not trusted, so nothing was read or written. ${checkHint(e.node)}`,
        { fingerprint: info.fingerprint },
      );
    }
    pin = { fingerprint: info.fingerprint, pem: info.pem };
    await trust.add(id, pin);
  }
  const pinned = pin;
  return {
    // The pinned certificate is the only trust anchor (OpenSSL checks the signature and dates)…
    ca: pinned.pem,
    rejectUnauthorized: true,
    // …and its fingerprint must match exactly. The host name is not checked: the pin is stronger,
    // and a tunnel connects to 127.0.0.1 while the certificate names the node.
    checkServerIdentity: (_host, cert) => {
      const fp = cert.fingerprint256;
      return fp === pinned.fingerprint ? undefined : new Error(`certificate fingerprint ${fp} is not the pinned ${pinned.fingerprint}`);
    },
  };
}

/** A TLS failure with a pin in place: fetch what the server presents now and say it changed. */
export async function explainRefusedCertificate(e: LdapEndpoint, trust: CertificateTrust, err: unknown): Promise<Error> {
  const pin = await trust.lookup(pinId(e));
  if (!pin) return connectError(e, err);
  let now: CertificateInfo | undefined;
  try {
    now = await fetchCertificate(e);
  } catch {
    return connectError(e, err);
  }
  if (now.fingerprint === pin.fingerprint) return connectError(e, err);
  return new LdapError(
    'CERT_CHANGED',
    `The LDAP certificate of ${e.node} changed: it is now SHA-256 ${now.fingerprint}, but you trusted ${pin.fingerprint}. Nothing was sent. If the certificate was renewed on purpose, check the new fingerprint (${checkHint(e.node)}) and run "Gluu Cluster: Forget Trusted LDAP Certificate"; otherwise someone may be intercepting the connection.`,
    { fingerprint: now.fingerprint, pinned: pin.fingerprint },
  );
}
