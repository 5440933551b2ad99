import { runMain } from '@govrnanza/runtime';
import { startGateway } from './startGateway';

runMain(async () => {
  const g = await startGateway();
  return { log: g.log, stoppers: g.stoppers };
});
