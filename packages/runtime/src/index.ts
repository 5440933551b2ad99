export * from './callContext';
export * from './commonConfig';
export * from './config';
export * from './errors';
export * from './grpcServer';
export * from './implement';
export * from './lifecycle';
export * from './logger';
