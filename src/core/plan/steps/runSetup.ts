/** setup.py on each other node, in a terminal: it shows the loaded values and asks to proceed. */
import { sh } from '../../ssh/shell';
import type { StepRenderer } from '../stepPlan';
import { SETUP_DIR } from './common';

export const renderRunSetup: StepRenderer = (_input, resolved) => ({
  before: [],
  targets: resolved.targets.map((t) => ({
    host: t.host,
    label: t.host,
    actions: [
      {
        kind: 'interactive',
        host: t.host,
        title: 'run setup.py (answer its prompts; Enter accepts the loaded values)',
        script: sh`cd ${SETUP_DIR} && ./setup.py`,
        container: true,
        // -n: no prompt before the install starts, as Gluu's Cluster Manager runs it; the values
        // come from setup.properties (the primary's, copied with this node's ip).
        batch: sh`cd ${SETUP_DIR} && ./setup.py -n`,
      },
    ],
    // setup.py writes setup.properties.last when it has finished.
    check: { script: sh`test -f ${`${SETUP_DIR}/setup.properties.last`}`, container: true },
    verify: { script: sh`test -f ${`${SETUP_DIR}/setup.properties.last`}`, container: true },
  })),
  after: [],
  notes: [
    'Not idempotent: setup.py installs Gluu; the check skips nodes where setup.properties.last already exists.',
    'From the editor it runs in a terminal per node, to answer its prompts; from the CLI (nobody to answer) as setup.py -n, which takes every value from setup.properties.',
  ],
});
