import * as path from 'node:path';

/** The project root, from out/test/unit (compiled) or test/unit. */
export const ROOT = path.resolve(__dirname, '..', '..', __dirname.includes(`${path.sep}out${path.sep}`) ? '..' : '');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
