/**
 * The Cache tab: a form over the decoded cache configuration. Only the selected provider's
 * section is shown, but every section's values stay in the object untouched, since Gluu keeps
 * all four configurations and switching provider back must find them as they were.
 */
import { cacheProblems, joinMemcachedServers, joinRedisServers, splitServers, type FieldProblem } from '../../src/core/ldap/cacheConfig';
import { CACHE_PROVIDERS, MEMCACHED_CONNECTION_FACTORY_TYPES, REDIS_PROVIDER_TYPES } from '../../src/core/ldap/protocol';
import type { EditorContext } from './context';
import { button, dropdown, el, setDropdown, show, type ToolkitDropdown } from './dom';
import { choiceInput, flagInput, numberInput, textInput, type Binding } from './formFields';
import { getPath, hasPath, isObject, setPath, type Json } from './objectPath';
import { fieldProblems, ProblemSlots } from './problems';
import { EditableList, serverListOptions } from './serverList';

/** The STANDALONE-with-several-servers warning gets its own, always visible, #cache-warning. */
const isStandaloneWarning = (p: FieldProblem) => p.severity === 'warning' && p.path.join('.') === 'redisConfiguration.servers';

export class CacheTab {
  readonly element = el('div', { class: 'view-body' });
  private refreshProblems: () => void = () => undefined;

  constructor(private readonly ctx: EditorContext) {}

  /** Rebuilds the form from the store (new snapshot, or its draft was dropped). */
  render(): void {
    const { store } = this.ctx;
    const snapshot = store.snapshot;
    this.refreshProblems = () => undefined;
    if (!snapshot) return this.element.replaceChildren();
    const heading = el('h2', { text: snapshot.cacheAttribute });
    if (snapshot.cache?.error) {
      // Nothing sensible can be edited field by field; the raw text is the way to repair it.
      this.element.replaceChildren(
        heading,
        el('div', { class: 'banner error', attrs: { role: 'alert' } }, [
          el('p', { text: `The stored value is not valid JSON: ${snapshot.cache.error}. Fix it in Raw JSON.` }),
          button('Open Raw JSON', { id: 'cache-open-raw', onClick: () => this.ctx.showTab('tab-raw') }),
        ]),
      );
      return;
    }
    const working = store.formValue('cache')!;
    const original = store.baseline('cache');
    const warning = el('div', { id: 'cache-warning', class: 'banner warning', attrs: { role: 'alert' } });
    const slots = new ProblemSlots(ProblemSlots.list('cache-problems'), isStandaloneWarning);
    const b: Binding = { working, original, slots, edited: () => this.edited(working) };

    const sections: Record<string, HTMLElement> = {};
    const showSection = () => {
      for (const [provider, section] of Object.entries(sections)) show(section, working.cacheProviderType === provider);
    };
    const provider = dropdown(
      'Cache provider',
      CACHE_PROVIDERS,
      typeof working.cacheProviderType === 'string' ? working.cacheProviderType : '',
      {
        id: 'cache-provider',
        onChange: (v) => {
          if (working.cacheProviderType === v) return;
          working.cacheProviderType = v;
          showSection();
          this.edited(working);
        },
      },
    );
    const providerProblems = fieldProblems();
    slots.add(['cacheProviderType'], provider.select, providerProblems);
    provider.wrap.append(providerProblems);

    const redisServers = new EditableList(
      splitServers(getPath(working, ['redisConfiguration', 'servers'])),
      serverListOptions('redis-servers', 'redis-add-server', (items) =>
        setServers(['redisConfiguration', 'servers'], joinRedisServers(items)),
      ),
    );
    const setServers = (path: string[], joined: string) => {
      const next = joined === '' && !hasPath(original, path) ? undefined : joined;
      if (getPath(working, path) === next) return;
      setPath(working, path, next, original);
      this.edited(working);
    };
    const top: HTMLElement[] = [provider.wrap];
    if (snapshot.clusterCacheServer) {
      const server = snapshot.clusterCacheServer;
      top.push(
        el('div', { class: 'field' }, [
          button(`Use the cluster's cache host (${server})`, {
            id: 'use-cluster-cache',
            secondary: true,
            onClick: () => {
              working.cacheProviderType = 'REDIS';
              setDropdown(provider.select as ToolkitDropdown, 'REDIS');
              showSection();
              redisServers.set([server]);
              this.edited(working);
            },
          }),
        ]),
      );
    }

    sections.REDIS = this.section('Redis', [
      choiceInput(
        b,
        ['redisConfiguration', 'redisProviderType'],
        'Redis provider type',
        'redis-provider-type',
        REDIS_PROVIDER_TYPES,
        'STANDALONE',
      ),
      this.serverField(slots, ['redisConfiguration', 'servers'], redisServers),
      numberInput(b, ['redisConfiguration', 'defaultPutExpiration'], 'Default put expiration (seconds)', 'redis-expiration'),
      flagInput(b, ['redisConfiguration', 'useSSL'], 'Use SSL', 'redis-ssl').wrap,
      textInput(b, ['redisConfiguration', 'sslTrustStoreFilePath'], 'SSL trust store file path', 'redis-truststore'),
      this.redisPassword(original),
    ]);
    const memcachedServers = new EditableList(
      splitServers(getPath(working, ['memcachedConfiguration', 'servers'])),
      serverListOptions('memcached-servers', 'memcached-add-server', (items) =>
        setServers(['memcachedConfiguration', 'servers'], joinMemcachedServers(items)),
      ),
    );
    sections.MEMCACHED = this.section('Memcached', [
      this.serverField(slots, ['memcachedConfiguration', 'servers'], memcachedServers),
      numberInput(b, ['memcachedConfiguration', 'maxOperationQueueLength'], 'Max operation queue length', 'memcached-queue'),
      numberInput(b, ['memcachedConfiguration', 'bufferSize'], 'Buffer size', 'memcached-buffer'),
      numberInput(b, ['memcachedConfiguration', 'defaultPutExpiration'], 'Default put expiration (seconds)', 'memcached-expiration'),
      choiceInput(
        b,
        ['memcachedConfiguration', 'connectionFactoryType'],
        'Connection factory type',
        'memcached-factory',
        MEMCACHED_CONNECTION_FACTORY_TYPES,
        'DEFAULT',
      ),
    ]);
    sections.IN_MEMORY = this.section('In memory', [
      numberInput(b, ['inMemoryConfiguration', 'defaultPutExpiration'], 'Default put expiration (seconds)', 'inmemory-expiration'),
    ]);
    const native = getPath(working, ['nativePersistenceConfiguration']);
    // Numeric members other than the expiration are shown too, whatever Gluu version added them.
    const nativeExtra = isObject(native)
      ? Object.keys(native).filter((k) => k !== 'defaultPutExpiration' && typeof native[k] === 'number')
      : [];
    sections.NATIVE_PERSISTENCE = this.section('Native persistence', [
      numberInput(b, ['nativePersistenceConfiguration', 'defaultPutExpiration'], 'Default put expiration (seconds)', 'native-expiration'),
      ...nativeExtra.map((k) => numberInput(b, ['nativePersistenceConfiguration', k], k, `native-${k}`)),
    ]);
    showSection();

    const rawNote = el('div', {
      class: 'banner info',
      text: 'This value has an unsaved Raw JSON edit. The form shows the stored value; editing it here drops the Raw JSON edit.',
    });
    const notes: HTMLElement[] = [rawNote];
    if (snapshot.cache === null)
      notes.push(el('div', { class: 'banner info', text: `The entry has no ${snapshot.cacheAttribute} yet; saving creates it.` }));

    this.refreshProblems = () => {
      const problems = cacheProblems(working);
      const standalone = problems.find(isStandaloneWarning);
      warning.textContent = standalone ? `Warning: ${standalone.message}` : '';
      show(warning, standalone !== undefined);
      slots.fill(problems);
      show(rawNote, store.hasRawDraft('cache'));
    };
    this.element.replaceChildren(
      heading,
      ...notes,
      el('div', { class: 'form' }, [...top, warning, slots.list, ...Object.values(sections)]),
    );
    this.refreshProblems();
  }

  /** Refreshes problems after an edit elsewhere (e.g. the Raw JSON tab dropped this form's draft). */
  refresh(): void {
    this.refreshProblems();
  }

  private edited(working: Json): void {
    const dropped = this.ctx.store.setForm('cache', working);
    this.refreshProblems();
    this.ctx.edited('cache', 'form', dropped);
  }

  /**
   * Whether Gluu has a Redis password, never its value (encoded, it still decodes with the salt),
   * and the action that changes it in Redis and here in one run (the extension asks for it).
   */
  private redisPassword(stored: Json | undefined): HTMLElement {
    const set = typeof getPath(stored, ['redisConfiguration', 'password']) === 'string';
    return el('div', { class: 'field', attrs: { id: 'redis-password' } }, [
      el('span', { class: 'field-label', text: 'Password' }),
      el('p', {
        class: 'hint',
        attrs: { id: 'redis-password-state' },
        text: set
          ? 'Set (stored encoded with the Gluu salt; not shown).'
          : 'Not set: Gluu cannot use a Redis that requires a password (the cluster plan sets it).',
      }),
      button('Set Redis Password…', {
        id: 'redis-set-password',
        secondary: true,
        onClick: () => this.ctx.post({ type: 'changeRedisPassword' }),
      }),
    ]);
  }

  private section(title: string, children: HTMLElement[]): HTMLElement {
    return el('section', { class: 'provider-section', attrs: { 'aria-label': title } }, [el('h3', { text: title }), ...children]);
  }

  /** The list, plus list-level problems ("REDIS needs at least one server"); per-server ones are on their rows. */
  private serverField(slots: ProblemSlots, path: string[], list: EditableList): HTMLElement {
    const problems = fieldProblems();
    slots.add(path, list.element, problems, (m) => /^"|^port /.test(m));
    list.element.append(problems);
    return list.element;
  }
}
