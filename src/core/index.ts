/** bvirsh core library: `import { open } from 'bvirsh/core'`. */
export * from './api';
export * from './errors';
export { open, registerDriver, resolveURI } from './connect';
export { parseURI, defaultURI } from './uri';
