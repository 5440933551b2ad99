export * from './faultAdmin';
export * from './faultInjector';
export * from './faultInterceptor';
export * from './faultRule';
export * from './latencyDistribution';
