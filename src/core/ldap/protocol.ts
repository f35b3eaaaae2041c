/**
 * The LDAP editor's message protocol between the extension (src/vscode/ldap) and its webview
 * (webview-ui/). Plain JSON both ways; the webview never sees a password and never writes LDAP:
 * it sends edits, the extension checks them, shows the diff and writes with compare-and-swap.
 */

/** One stored value of an attribute, as read. */
export interface ValueView {
  /** The exact value stored in LDAP. */
  raw: string;
  /**
   * The JSON, decoded for editing; for oxIDPAuthentication with `config` decoded into an object
   * whatever form it was stored in. Absent when `raw` is not valid JSON.
   */
  decoded?: Record<string, unknown>;
  /** Why `raw` could not be decoded, e.g. "Unexpected token } (line 3, column 5)". */
  error?: string;
}

/** How oxIDPAuthentication's `config` member was stored: 3.1.x a JSON string, 4.x an object. */
export type ConfigForm = 'string' | 'object' | 'absent';

export interface IdpValueView extends ValueView {
  configForm: ConfigForm;
}

export type CacheAttributeName = 'oxCacheConfiguration' | 'oxCacheConfig';

/** What the editor shows: the appliance entry's two JSON attributes on one node's LDAP. */
export interface EditorSnapshot {
  cluster: string;
  /** The node whose LDAP server was read. */
  node: string;
  /** Every Gluu node's host, primary first (for "Use all cluster nodes"). */
  nodes: string[];
  /** How the editor reached LDAP, e.g. "SSH tunnel to idp1.example.org → 127.0.0.1:1636". */
  via: string;
  entryDN: string;
  /** Which name the entry uses for the cache configuration (3.1.x: oxCacheConfiguration). */
  cacheAttribute: CacheAttributeName;
  /** null when the entry has no cache configuration. */
  cache: ValueView | null;
  /** Every value of the multi-valued oxIDPAuthentication, in server order. */
  idp: IdpValueView[];
  /** "cache.example.org:6379" when the cluster file has a cache host. */
  clusterCacheServer?: string;
  /** The port "Use all cluster nodes" puts after each node (1636). */
  ldapsPort: number;
  /** ISO time of the read. */
  loadedAt: string;
  /** A previous value kept by the last save, which "Restore Previous" can put back. */
  canRestore: boolean;
}

/** A change to one value: from the forms (a decoded object) or from the Raw JSON tab (text). */
export type ValueEdit =
  | { attribute: 'cache'; decoded: Record<string, unknown> }
  | { attribute: 'cache'; raw: string }
  | { attribute: 'idp'; index: number; decoded: Record<string, unknown> }
  | { attribute: 'idp'; index: number; raw: string };

export type HostToWebview =
  | { type: 'loading'; node: string }
  | { type: 'snapshot'; snapshot: EditorSnapshot }
  /** Loading failed; `message` says what to do. */
  | { type: 'loadFailed'; node: string; message: string }
  | { type: 'saving' }
  | { type: 'saved'; message: string }
  /** conflict: the value changed on the server since it was read (reload, then edit again). */
  | { type: 'saveFailed'; message: string; conflict: boolean }
  /** The user did not confirm the diff, or nothing changed. */
  | { type: 'saveCancelled'; message: string }
  /** The webview's state as the extension kept it, for a page that started without one. */
  | { type: 'restoreState'; state: WebviewState };

export type WebviewToHost =
  | { type: 'ready' }
  /**
   * Every change of the webview state, mirrored to the extension's workspace storage: a browser
   * editor (code-server) does not always get the webview state saved before a reload.
   */
  | { type: 'state'; state: WebviewState }
  | { type: 'reload' }
  | { type: 'switchNode'; node: string }
  | { type: 'save'; edits: ValueEdit[] }
  | { type: 'restorePrevious' }
  /** Change Redis Password… for this cluster (Redis and the cache configuration, in one run). */
  | { type: 'changeRedisPassword' };

/** What the webview keeps across hide/show and window reloads (vscode.setState). */
export interface WebviewState {
  node?: string;
  tab?: string;
  /** Unsaved edits, keyed like "cache", "cache.raw", "idp.0", "idp.0.raw", with the raw value they started from. */
  drafts?: Record<string, { base: string; value: unknown }>;
}

export const CACHE_PROVIDERS = ['IN_MEMORY', 'MEMCACHED', 'REDIS', 'NATIVE_PERSISTENCE'] as const;
export const REDIS_PROVIDER_TYPES = ['STANDALONE', 'CLUSTER', 'SHARDED'] as const;
export const MEMCACHED_CONNECTION_FACTORY_TYPES = ['DEFAULT', 'BINARY'] as const;
