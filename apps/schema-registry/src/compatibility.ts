// Schema evolution rules: whether a new schema may follow the versions already
// registered under a subject, by Confluent's compatibility levels. Pure: takes
// schema texts, returns a verdict with the reasons.
import type avro from 'avsc';
import { avroTypeOf } from './avro';

export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD';

export function parseCompatibilityLevel(value: unknown): CompatibilityLevel | undefined {
  if (typeof value !== 'string') return undefined;
  const upper = value.toUpperCase();
  return COMPATIBILITY_LEVELS.find((level) => level === upper);
}

export interface CompatibilityVerdict {
  compatible: boolean;
  /** Why not, one line per failed check; empty when compatible. */
  messages: string[];
}

interface Rule {
  /** The new schema must read data written with the older ones. */
  backward: boolean;
  /** The older schemas must read data written with the new one. */
  forward: boolean;
  /** Check against every version, not only the latest. */
  transitive: boolean;
}

function ruleOf(level: CompatibilityLevel): Rule {
  switch (level) {
    case 'NONE': return { backward: false, forward: false, transitive: false };
    case 'BACKWARD': return { backward: true, forward: false, transitive: false };
    case 'BACKWARD_TRANSITIVE': return { backward: true, forward: false, transitive: true };
    case 'FORWARD': return { backward: false, forward: true, transitive: false };
    case 'FORWARD_TRANSITIVE': return { backward: false, forward: true, transitive: true };
    case 'FULL': return { backward: true, forward: true, transitive: false };
    case 'FULL_TRANSITIVE': return { backward: true, forward: true, transitive: true };
  }
}

/** Undefined when `reader` can read data written with `writer`, else avsc's reason. */
export function readProblem(reader: avro.Type, writer: avro.Type): string | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

export interface PreviousVersion {
  version: number;
  schema: string;
}

/**
 * Checks `candidate` (schema text) against `previous` (oldest first) under `level`.
 * Non-transitive levels look only at the last of `previous`.
 */
export function checkCompatibility(level: CompatibilityLevel, candidate: string, previous: readonly PreviousVersion[]): CompatibilityVerdict {
  const rule = ruleOf(level);
  const against = rule.transitive ? previous : previous.slice(-1);
  const messages: string[] = [];
  if (!rule.backward && !rule.forward) return { compatible: true, messages };
  const candidateType = avroTypeOf(candidate);
  for (const older of against) {
    // Each type parsed on its own, so named types of one cannot leak into the other.
    const olderType = avroTypeOf(older.schema);
    const label = `version ${older.version}`;
    const backward = rule.backward ? readProblem(candidateType, olderType) : undefined;
    if (backward !== undefined) messages.push(`new schema cannot read data written with ${label}: ${backward}`);
    const forward = rule.forward ? readProblem(olderType, candidateType) : undefined;
    if (forward !== undefined) messages.push(`${label} cannot read data written with the new schema: ${forward}`);
  }
  return { compatible: messages.length === 0, messages };
}
