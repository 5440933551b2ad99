export * from './backendConfig';
export * from './policyConfig';
export * from './startBackend';
export * from './standardPlugin';
