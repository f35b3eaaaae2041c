/**
 * The bundles loaded on first use, not at activation: each is a separate file in dist/ (see
 * scripts/build.mjs, which leaves these literal paths external), so activation evaluates only the
 * editor glue. Every lazily loaded bundle is declared here, through the one loader below.
 */
import type * as Api from '../core/api';
import type * as RunApi from '../core/runApi';
import type * as EditorApi from './ldap/editorApi';

/** Requires a bundle on the first call and returns the same module after. */
function onFirstUse<T>(load: () => unknown): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load() as T);
}

/* eslint-disable @typescript-eslint/no-require-imports -- literal paths, left external by esbuild */

/** The cluster file, the plan, the tree (dist/core.js): when a view first shows. */
export const core = onFirstUse<typeof Api>(() => require('./core.js'));

/** SSH, the step runner and LDAP (dist/run.js): when a step first runs or a terminal first opens. */
export const runCore = onFirstUse<typeof RunApi>(() => require('./run.js'));

/** The LDAP editor's panel host (dist/ldapEditor.js): when the editor or an LDAP step first needs it. */
export const ldapEditor = onFirstUse<typeof EditorApi>(() => require('./ldapEditor.js'));
