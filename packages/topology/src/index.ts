export * from './services';
export * from './callGraph';
export * from './routes';
