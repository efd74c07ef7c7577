import { describe, expect, it } from 'vitest';
import { replicationFor } from './topics';

describe('replication from the cluster found', () => {
  it('keeps one copy per broker below three brokers and three copies, two in sync, from three up', () => {
    expect(replicationFor(1)).toEqual({ factor: 1, minInsyncReplicas: 1 });
    expect(replicationFor(2)).toEqual({ factor: 2, minInsyncReplicas: 1 });
    expect(replicationFor(3)).toEqual({ factor: 3, minInsyncReplicas: 2 });
    expect(replicationFor(7)).toEqual({ factor: 3, minInsyncReplicas: 2 });
  });

  it('never asks for no copies at all', () => {
    expect(replicationFor(0)).toEqual({ factor: 1, minInsyncReplicas: 1 });
  });
});
