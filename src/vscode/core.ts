/**
 * The core, loaded on first use. In the packaged extension it is a separate bundle
 * (dist/core.js, built from src/core/api.ts) so that activation evaluates only the glue.
 */
import type * as Api from '../core/api';
import type * as RunApi from '../core/runApi';

let loaded: typeof Api | undefined;

export function core(): typeof Api {
  // A literal path esbuild leaves external (see scripts/build.mjs).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('./core.js') as typeof Api;
  return loaded;
}

let run: typeof RunApi | undefined;

/** SSH and the step runner (dist/run.js), loaded when a step first runs. */
export function runCore(): typeof RunApi {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  run ??= require('./run.js') as typeof RunApi;
  return run;
}
