// Cheap assertions for invariants that must never break (seq +1, price >= floor).
// A violation is a bug, not an expected failure: it throws and crashes loudly.

export class InvariantViolation extends Error {
  constructor(message: string) {
    super(`invariant violated: ${message}`);
    this.name = 'InvariantViolation';
  }
}

export function invariant(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new InvariantViolation(message());
}
