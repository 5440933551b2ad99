import { build, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { distributionFromEncodedHistogram, distributionFromHistogram } from './distributionFromHistogram';

describe('distributionFromHistogram', () => {
  it('reads an HdrHistogram (µs by default), directly or base64-encoded as load reports carry it', () => {
    const h = build();
    for (let i = 1; i <= 1000; i++) h.recordValue(i * 100); // 0.1 … 100 ms
    const d = distributionFromHistogram(h);
    expect(d.quantile(0.5)).toBeCloseTo(50, 1);
    expect(d.quantile(0.99)).toBeCloseTo(99, 0);
    expect(d.quantile(0.5)).toBeCloseTo(h.getValueAtPercentile(50) / 1000, 9);
    const decoded = distributionFromEncodedHistogram(encodeIntoCompressedBase64(h));
    expect(decoded.quantile(0.9)).toBeCloseTo(d.quantile(0.9), 9);
    expect(distributionFromHistogram(h, { msPerUnit: 1 }).quantile(0.5)).toBeCloseTo(50_000, -2);
  });
});
