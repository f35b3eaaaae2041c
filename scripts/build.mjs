// Bundles the extension and the CLI into dist/ with esbuild.
// `vscode` is provided by the editor; ssh2's optional native `cpu-features` is left out so
// ssh2 uses its pure-JS path (the VSIX ships no native modules).
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = !watch;

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production && !process.env.GLUU_NO_MINIFY,
  external: ['vscode', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
  logLevel: 'warning',
  // jsonc-parser's "main" is a UMD build whose require()s esbuild cannot follow; its ESM build bundles.
  mainFields: ['module', 'main'],
};

// The bundles the editor glue loads on first use (src/vscode/core.ts): separate files in dist/,
// external to the glue's bundles.
const lazy = ['./core.js', './run.js', './ldapEditor.js'];

const builds = [
  // The banner stamps the start of bundle evaluation so activate() can log the load time.
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: [...common.external, ...lazy],
    banner: { js: 'var __gluuBundleStart = performance.now();' },
  },
  // The LDAP editor's panel host.
  { ...common, entryPoints: ['src/vscode/ldap/editorApi.ts'], outfile: 'dist/ldapEditor.js', external: [...common.external, ...lazy] },
  { ...common, entryPoints: ['src/core/api.ts'], outfile: 'dist/core.js' },
  { ...common, entryPoints: ['src/core/runApi.ts'], outfile: 'dist/run.js' },
  { ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // The LDAP editor's webview: runs in the browser side of the editor, no Node.
  {
    ...common,
    entryPoints: ['webview-ui/src/main.ts'],
    outfile: 'dist/webview/ldapEditor.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    external: [],
  },
];

// --only webview / --only node: just the webview bundle, or everything else (quick iterations).
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const selected =
  only === 'webview'
    ? builds.filter((b) => b.platform === 'browser')
    : only === 'node'
      ? builds.filter((b) => b.platform !== 'browser')
      : builds;

/** Tells the editor's watch task (.vscode/tasks.json) when a rebuild starts and ends, as esbuild-sample does. */
const watchMarkers = {
  name: 'watch-markers',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((r) => {
      for (const e of r.errors)
        console.error(`✘ [ERROR] ${e.text}${e.location ? ` (${e.location.file}:${e.location.line}:${e.location.column})` : ''}`);
      console.log('[watch] build finished');
    });
  },
};

if (watch) {
  for (const b of selected) (await esbuild.context({ ...b, plugins: [watchMarkers] })).watch();
  console.log('esbuild: watching src/');
} else {
  await Promise.all(selected.map((b) => esbuild.build(b)));
}
