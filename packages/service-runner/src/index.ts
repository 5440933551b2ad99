export * from './backendConfig';
export * from './policyConfig';
export * from './startBackend';
