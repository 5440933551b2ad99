import type { EnvReader } from '@govrnanza/runtime';
import type { AccountFailureMode } from './clients/accountClient';

/** Registry's own settings. */
export interface RegistryConfig {
  /** ACCOUNT_FAILURE_MODE: `open` (default) assumes ACTIVE when account cannot answer; `closed` denies. */
  accountFailureMode: AccountFailureMode;
}

export function readRegistryConfig(env: EnvReader): RegistryConfig {
  return { accountFailureMode: env.oneOf<AccountFailureMode>('ACCOUNT_FAILURE_MODE', ['open', 'closed'], 'open') };
}
