import { status } from '@grpc/grpc-js';
import { ServiceError } from '@govrnanza/runtime';
import { BrokenCircuitError, type BulkheadRejectedError } from 'cockatiel';

/** A call refused by this process's own policies (open breaker, full bulkhead): the downstream was not called. */
export class DependencyRejection extends ServiceError {
  constructor(
    message: string,
    downstream: string,
    readonly rejectedBy: 'circuit_open' | 'bulkhead',
  ) {
    super(status.UNAVAILABLE, message, { downstream });
    this.name = 'DependencyRejection';
  }

  static from(err: BrokenCircuitError | BulkheadRejectedError, downstream: string, label: string): DependencyRejection {
    return err instanceof BrokenCircuitError
      ? new DependencyRejection(`${label}: circuit open, not called`, downstream, 'circuit_open')
      : new DependencyRejection(`${label}: too many calls in flight, not called`, downstream, 'bulkhead');
  }
}
