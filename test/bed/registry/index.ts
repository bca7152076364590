export { startRegistry } from './registry.js';
export type { PushedImage, Registry, RegistryRequest } from './registry.js';
export { MEDIA_TYPE } from './oci.js';
