/**
 * The Gluu appliance entry over LDAPS (ldapts, loaded on first use): find it, read its two JSON
 * attributes, and write changes with compare-and-swap — one modify that deletes the exact old
 * value and adds the new one, after checking the stored value byte for byte, so a value someone
 * else changed in between is never overwritten.
 */
import type { Client, Control as LdapControl } from 'ldapts';
import {
  explainRefusedCertificate,
  connectError,
  openStream,
  servernameOf,
  trustedTlsOptions,
  type CertificateTrust,
  type LdapEndpoint,
} from './certificates';
import { decodeStored, IDP_ATTRIBUTE, type ValueChange } from './edits';
import { LdapError } from './errors';
import type { CacheAttributeName, EditorSnapshot } from './protocol';

type Ldapts = typeof import('ldapts');
let ldaptsPromise: Promise<Ldapts> | undefined;
const ldapts = (): Promise<Ldapts> => (ldaptsPromise ??= import('ldapts'));

export const APPLIANCE_FILTER = '(objectClass=gluuAppliance)';
const CACHE_NAMES: CacheAttributeName[] = ['oxCacheConfiguration', 'oxCacheConfig'];

export interface ApplianceAccess {
  endpoint: LdapEndpoint;
  bindDN: string;
  /** The directory manager password (asked for when needed; never logged). */
  password: () => Promise<string>;
  trust: CertificateTrust;
  /** A CA certificate (PEM) instead of pinning. */
  caPem?: string;
  baseDN: string;
  timeoutMs?: number;
}

/** What is stored, before it is turned into the editor's snapshot. */
export interface ApplianceValues {
  entryDN: string;
  cacheAttribute: CacheAttributeName;
  cache: string | null;
  idp: string[];
  /** The entry's version as the server keeps it (OpenLDAP entryCSN, OpenDJ etag), when it has one. */
  version?: EntryVersion;
}

/** What changes on every modify of an entry: OpenLDAP's entryCSN, OpenDJ's etag. */
export interface EntryVersion {
  attribute: 'entryCSN' | 'etag';
  value: string;
}

const VERSION_ATTRIBUTES = ['entryCSN', 'etag'] as const;

const values = (v: unknown): string[] =>
  v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x)));

/**
 * An attribute's value(s), looked up case-insensitively (servers answer in their own case);
 * undefined when the entry has none (ldapts lists every requested attribute, absent ones as []).
 */
function attr(entry: Record<string, unknown>, name: string): unknown {
  const k = Object.keys(entry).find((key) => key.toLowerCase() === name.toLowerCase());
  const v = k === undefined ? undefined : entry[k];
  return Array.isArray(v) && v.length === 0 ? undefined : v;
}

function bindError(a: ApplianceAccess, err: unknown): Error {
  const code = (err as { code?: number }).code;
  if (code === 49) {
    return new LdapError(
      'BAD_CREDENTIALS',
      `The LDAP server on ${a.endpoint.node} refused the bind as "${a.bindDN}" (invalid credentials): the password is wrong, or that bind DN does not exist there. The bind DN comes from gluu.bindDN in the cluster file (its default depends on gluu.ldap: cn=directory manager for OpenDJ, cn=directory manager,o=gluu for OpenLDAP).`,
      { bindDN: a.bindDN },
    );
  }
  if (code === 34)
    return new LdapError('BAD_CREDENTIALS', `"${a.bindDN}" is not a valid DN: fix gluu.bindDN in the cluster file.`, { bindDN: a.bindDN });
  return ldapError(a, 'bind', err);
}

function ldapError(a: ApplianceAccess, what: string, err: unknown): Error {
  if (err instanceof LdapError) return err;
  const code = (err as { code?: number }).code;
  const m = (err as Error).message ?? String(err);
  if (typeof code === 'number')
    return new LdapError('LDAP_ERROR', `LDAP ${what} on ${a.endpoint.node} failed: ${m} (result code ${code}).`, { resultCode: code });
  return connectError(a.endpoint, err);
}

/** One bound LDAP connection for a read or a write; close it when done. */
export class ApplianceSession {
  private constructor(
    private readonly client: Client,
    readonly access: ApplianceAccess,
  ) {}

  static async open(a: ApplianceAccess): Promise<ApplianceSession> {
    const { Client } = await ldapts();
    const tlsOptions = await trustedTlsOptions(a.endpoint, a.trust, a.caPem);
    const stream = await openStream(a.endpoint);
    const client = new Client({
      url: `ldaps://${a.endpoint.host}:${a.endpoint.port}`,
      // Through the tunnel, TLS runs over the SSH channel (tls.connect's `socket`).
      tlsOptions: { ...tlsOptions, ...(stream ? { socket: stream } : {}), servername: servernameOf(a.endpoint.host) },
      connectTimeout: a.timeoutMs ?? 10_000,
      timeout: a.timeoutMs ?? 10_000,
      // DNs come from the server (inum=@!…): no client-side DN parsing.
      strictDN: false,
    });
    const password = await a.password();
    try {
      await client.bind(a.bindDN, password);
    } catch (err) {
      await client.unbind().catch(() => undefined);
      const code = (err as { code?: number }).code;
      if (typeof code === 'number') throw bindError(a, err);
      // A handshake refused by our certificate check: say whether the certificate changed.
      if (/certificate|self.signed|fingerprint|unable to verify/i.test((err as Error).message ?? ''))
        throw await explainRefusedCertificate(a.endpoint, a.trust, err);
      throw connectError(a.endpoint, err);
    }
    return new ApplianceSession(client, a);
  }

  /** The appliance entry's DN and its two attributes' values. */
  async read(): Promise<ApplianceValues> {
    const base = `ou=appliances,${this.access.baseDN}`;
    let entries: Record<string, unknown>[];
    try {
      ({ searchEntries: entries } = await this.client.search(base, {
        scope: 'one',
        filter: APPLIANCE_FILTER,
        attributes: [...CACHE_NAMES, IDP_ATTRIBUTE, ...VERSION_ATTRIBUTES],
      }));
    } catch (err) {
      if ((err as { code?: number }).code === 32)
        throw new LdapError(
          'NO_APPLIANCE',
          `${base} does not exist on ${this.access.endpoint.node}: is this a Gluu Server's LDAP, and is gluu.baseDN right?`,
        );
      throw ldapError(this.access, 'search', err);
    }
    if (entries.length === 0)
      throw new LdapError(
        'NO_APPLIANCE',
        `No Gluu appliance entry ${APPLIANCE_FILTER} under ${base} on ${this.access.endpoint.node}: is Gluu installed there?`,
      );
    if (entries.length > 1) {
      throw new LdapError(
        'NO_APPLIANCE',
        `${entries.length} appliance entries under ${base} on ${this.access.endpoint.node} (${entries.map((e) => e.dn).join('; ')}): the editor does not know which one Gluu uses.`,
      );
    }
    const e = entries[0];
    const found = CACHE_NAMES.find((n) => attr(e, n) !== undefined);
    const versionAttribute = VERSION_ATTRIBUTES.find((n) => values(attr(e, n)).length === 1);
    return {
      ...(versionAttribute ? { version: { attribute: versionAttribute, value: values(attr(e, versionAttribute))[0] } } : {}),
      entryDN: String(e.dn),
      cacheAttribute: found ?? 'oxCacheConfiguration',
      cache: found ? (values(attr(e, found))[0] ?? null) : null,
      idp: values(attr(e, IDP_ATTRIBUTE)),
    };
  }

  /**
   * Writes the changes in one modify. Each old value is first checked byte for byte against what
   * is stored now (the server's matching rule ignores case), then deleted by value in the same
   * modify that adds the new one: if anyone changed it in between, the server refuses the whole
   * modify and nothing is written.
   */
  async write(entryDN: string, changes: ValueChange[]): Promise<void> {
    if (changes.length === 0) return;
    const now = await this.read();
    if (now.entryDN !== entryDN)
      throw new LdapError('CONFLICT', `The appliance entry is now ${now.entryDN}, not ${entryDN}: changed on the server — reload.`);
    for (const c of changes) {
      const stored = c.attribute === IDP_ATTRIBUTE ? now.idp : now.cacheAttribute === c.attribute && now.cache !== null ? [now.cache] : [];
      const ok = c.old === null ? stored.length === 0 : stored.includes(c.old);
      if (!ok)
        throw new LdapError(
          'CONFLICT',
          `${c.label} changed on the server since it was read — reload, then make the change again. Nothing was written.`,
          { attribute: c.attribute },
        );
    }
    await this.swap(entryDN, changes, now.version);
  }

  /**
   * The modify itself: delete each exact old value and add the new one, atomically. If an old
   * value is gone by the time the server applies it (a change after our check), the server
   * refuses the whole modify.
   */
  async swap(entryDN: string, changes: ValueChange[], version?: EntryVersion): Promise<void> {
    const { Attribute, Change, Control, EqualityFilter } = await ldapts();
    // The delete-by-value above matches with the attribute's rule, which ignores case: a change
    // that only flipped letter case slipped through. The assertion control (RFC 4528) makes the
    // whole modify conditional on the entry's version being the one just read: any change since,
    // whatever it is, fails it with assertionFailed (122).
    class AssertionControl extends Control {
      constructor(private readonly filter: InstanceType<typeof EqualityFilter>) {
        super('1.3.6.1.1.12', { critical: true });
      }
      protected override writeControl(writer: Parameters<LdapControl['write']>[0]): void {
        const value = new (writer.constructor as new () => typeof writer)();
        this.filter.write(value);
        writer.writeBuffer(value.buffer, 4 /* OCTET STRING */);
      }
    }
    const controls = version ? [new AssertionControl(new EqualityFilter({ attribute: version.attribute, value: version.value }))] : [];
    const mods = changes.flatMap((c) => [
      ...(c.old === null ? [] : [new Change({ operation: 'delete', modification: new Attribute({ type: c.attribute, values: [c.old] }) })]),
      new Change({ operation: 'add', modification: new Attribute({ type: c.attribute, values: [c.new] }) }),
    ]);
    try {
      await this.client.modify(entryDN, mods, controls);
    } catch (err) {
      const code = (err as { code?: number }).code;
      // 16 no such attribute/value (the old value is gone), 20 value exists, 19 single-valued,
      // 122 assertion failed (the entry changed since it was read).
      if (code === 16 || code === 20 || code === 19 || code === 122) {
        throw new LdapError(
          'CONFLICT',
          `${changes.map((c) => c.label).join(', ')} changed on the server while saving — reload, then make the change again. Nothing was written.`,
          { resultCode: code },
        );
      }
      throw ldapError(this.access, 'modify', err);
    }
  }

  async close(): Promise<void> {
    await this.client.unbind().catch(() => undefined);
  }
}

/** Opens, runs `fn`, closes. */
export async function withAppliance<T>(a: ApplianceAccess, fn: (s: ApplianceSession) => Promise<T>): Promise<T> {
  const s = await ApplianceSession.open(a);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

export interface SnapshotContext {
  cluster: string;
  node: string;
  nodes: string[];
  clusterCacheServer?: string;
  ldapsPort: number;
  via: string;
  canRestore: boolean;
}

export function snapshotOf(v: ApplianceValues, ctx: SnapshotContext): EditorSnapshot {
  return {
    cluster: ctx.cluster,
    node: ctx.node,
    nodes: ctx.nodes,
    via: ctx.via,
    entryDN: v.entryDN,
    ...decodeStored(v.cacheAttribute, v.cache, v.idp),
    ...(ctx.clusterCacheServer ? { clusterCacheServer: ctx.clusterCacheServer } : {}),
    ldapsPort: ctx.ldapsPort,
    loadedAt: new Date().toISOString(),
    canRestore: ctx.canRestore,
  };
}
