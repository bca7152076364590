export { startRegistry } from './registry.js';
export type { PushedImage, Registry, RegistryOptions, RegistryRequest } from './registry.js';
export { SERVICE as REGISTRY_TOKEN_SERVICE, TOKEN_PATH as REGISTRY_TOKEN_PATH, type RegistryAuth, type RegistryAuthOptions } from './auth.js';
export { MEDIA_TYPE } from './oci.js';
