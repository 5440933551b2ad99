import { runBackend } from '@govrnanza/service-runner';
import { registryService } from './registryService';

runBackend(registryService);
