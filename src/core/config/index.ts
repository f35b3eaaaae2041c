export * from './types';
export { parseClusterFile, type ParsedClusterFile } from './parse';
export { nodesPrimaryFirst, primaryNode, secondaryNodes } from './resolve';
export { EXAMPLE_CLUSTER_FILE } from './example';
export { clusterFileSchema } from './jsonSchema';
