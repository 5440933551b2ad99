import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { describe, expect, it, onTestFinished } from 'vitest';
import { allowedCores, parsePlacement, pinProcess } from './cpuPlacement';

describe('CPU placement', () => {
  it('reads name=cores pairs, and gives every process not named the cores of "others"', () => {
    expect(parsePlacement('registry=1, billing=1', 2)).toEqual({ registry: '1', billing: '1' });
    const all = parsePlacement('registry=1,generator=0-1,others=0', 2);
    expect(all).toMatchObject({ registry: '1', generator: '0-1', account: '0', profile: '0', billing: '0', gateway: '0' });
  });

  it('refuses what it cannot place, saying what was wrong', () => {
    expect(() => parsePlacement('registry', 2)).toThrow(/expected name=cores, got "registry"/);
    expect(() => parsePlacement('registry=a', 2)).toThrow(/registry: expected a core or a range/);
    expect(() => parsePlacement('registry=2', 2)).toThrow(/core 2 does not exist \(this machine has 2: 0-1\)/);
    expect(() => parsePlacement('registry=1-0', 2)).toThrow(/empty range/);
    expect(() => parsePlacement('ledger=0', 2)).toThrow(/unknown process "ledger"/);
    expect(() => parsePlacement(',', 2)).toThrow(/empty placement/);
  });

  it('restricts every thread of a running process to the cores, as /proc then says', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)'], { stdio: 'ignore' });
    onTestFinished(() => void child.kill('SIGKILL'));
    await new Promise((resolve) => child.once('spawn', resolve));
    const last = availableParallelism() - 1;
    pinProcess(child.pid!, String(last));
    expect(allowedCores(child.pid!)).toBe(String(last));
    expect(() => pinProcess(2 ** 22 + 12345, '0')).toThrow(/could not pin process/);
    expect(allowedCores(2 ** 22 + 12345)).toBeUndefined();
  });
});
