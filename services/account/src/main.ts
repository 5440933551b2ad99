import { runBackend } from '@govrnanza/service-runner';
import { accountService } from './accountService';

runBackend(accountService);
