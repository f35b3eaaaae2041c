/** What the tabs need from main.ts, kept to an interface so each tab is built and tested alone. */
import type { WebviewToHost } from '../../src/core/ldap/protocol';
import type { ValueKey, Store } from './state';

export interface EditorContext {
  store: Store;
  /**
   * After an edit of a value in a form (`from: 'form'`) or in the Raw JSON tab: `dropped` is the
   * message when that edit replaced the value's other draft, whose view must then be rebuilt.
   */
  edited(key: ValueKey, from: 'form' | 'raw', dropped: string | undefined): void;
  /** Selects a tab by its id ("tab-raw"). */
  showTab(tabId: string): void;
  /** Sends a message to the extension. */
  post(m: WebviewToHost): void;
}
