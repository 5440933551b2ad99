import { runMain } from '@govrnanza/runtime';
import { standardPlugin } from '@govrnanza/service-runner';
import { startGateway } from './startGateway';

runMain(async () => {
  const g = await startGateway([standardPlugin()]);
  return { log: g.log, stoppers: g.stoppers };
});
