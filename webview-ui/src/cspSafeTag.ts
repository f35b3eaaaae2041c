/**
 * vscode-tag without the inline style binding. The toolkit's tag reuses FAST's badge template,
 * whose `style="${…}"` attribute (for the unused fill/color options) is parsed once when the first
 * tag renders and is reported as a CSP violation under `style-src <cspSource>`. This template is
 * the same markup without it; the toolkit's tag styles still apply (they target `.control`).
 * @microsoft/fast-element is the toolkit's own dependency, so this is the instance it uses.
 */
import { html } from '@microsoft/fast-element';
import { vsCodeTag } from '@vscode/webview-ui-toolkit';

const template = html`<template
  ><div class="control" part="control"><slot></slot></div
></template>`;

export const vsCodeCspSafeTag = () => vsCodeTag({ template });
