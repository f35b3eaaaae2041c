/** identity and oxauth restarted inside the container, then the Gluu Server itself (manual §6). */
import { gluuService } from '../../gluu/facts';
import { sh } from '../../ssh/shell';
import type { StepRenderer } from '../stepPlan';
import { exec } from './common';

export const renderRestart: StepRenderer = ({ config }, resolved) => ({
  before: [],
  targets: resolved.targets.map((t) => ({
    host: t.host,
    label: t.host,
    actions: [
      exec(t.host, 'restart identity and oxauth', sh`service identity stop && service oxauth restart && service identity start`, true),
      ...(config.gluu.container === 'none'
        ? []
        : [exec(t.host, `restart ${gluuService(config.gluu.version)}`, sh`service ${gluuService(config.gluu.version)} restart`, false)]),
    ],
    verify: { script: sh`service oxauth status`, container: true },
  })),
  after: [],
  notes: [
    'Nodes restart one at a time, so the load balancer always has a node to send users to.',
    'Not idempotent in effect: every run restarts the services.',
  ],
});
