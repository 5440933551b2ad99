import { runBackend } from '@govrnanza/service-runner';
import { profileService } from './profileService';

runBackend(profileService);
