import type { Collection, IdempotencyStore, Page, StorageBackend, StoredRecord } from '@govrnanza/storage';

/** A payment result (owner = organisation). */
export interface PaymentRecord extends StoredRecord {
  amountCents: number;
  succeeded: boolean;
}

/** Billing's data: payments, and its idempotency keys. */
export class BillingStore {
  private readonly payments: Collection<PaymentRecord>;
  readonly idempotency: IdempotencyStore;

  constructor(storage: StorageBackend) {
    this.payments = storage.collection<PaymentRecord>('payments');
    this.idempotency = storage.idempotency;
  }

  addPayment(p: PaymentRecord): Promise<void> {
    return this.payments.insert(p);
  }

  listPayments(orgId: string, limit: number, after?: string): Promise<Page<PaymentRecord>> {
    return this.payments.list(orgId, limit, after);
  }

  /** Sum of successful payments of `orgId` made at or after `since` (epoch ms), in cents. */
  async paidSince(orgId: string, since: number): Promise<number> {
    let total = 0;
    let after: string | undefined;
    do {
      const page = await this.payments.list(orgId, 100, after);
      for (const p of page.items) if (p.succeeded && p.createdAt >= since) total += p.amountCents;
      after = page.next;
    } while (after !== undefined);
    return total;
  }
}
