import { resolve } from 'node:path';

/** The repository root, whatever the working directory. */
export const REPO_ROOT = resolve(__dirname, '..', '..');
