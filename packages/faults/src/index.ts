export * from './faultAdmin';
export * from './faultInjector';
export * from './faultHandler';
export * from './faultRule';
export * from './latencyDistribution';
