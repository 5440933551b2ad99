import { runBackend } from '@govrnanza/service-runner';
import { billingService } from './billingService';

runBackend(billingService);
