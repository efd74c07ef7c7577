// The only source of randomness in the domain: a seeded mulberry32 generator
// whose whole state is one uint32, so pricing can persist it in its events and
// replay gives the same numbers.

/** Serializable generator state: store it, restore it, get the same sequence. */
export interface RngState {
  readonly seed: number;
}

export interface SeededRandom {
  /** Uniform in [0, 1). */
  nextFloat(): number;
  /** Uniform integer in [0, maxExclusive). */
  nextInt(maxExclusive: number): number;
  /** Standard normal (mean 0, sd 1), Box-Muller from two draws. */
  gaussian(): number;
  /** The state after every draw so far. */
  state(): RngState;
}

const UINT32_RANGE = 4_294_967_296;

export function rngStateFromSeed(seed: number): RngState {
  return { seed: seed >>> 0 };
}

/** FNV-1a, 32 bit: a stable seed from text such as `${pricingSeed}:${playerId}`. */
export function seedFromText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function createRandom(from: RngState): SeededRandom {
  let seed = from.seed >>> 0;
  const nextUint32 = (): number => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const nextFloat = (): number => nextUint32() / UINT32_RANGE;
  return {
    nextFloat,
    nextInt(maxExclusive: number): number {
      if (!Number.isInteger(maxExclusive) || maxExclusive <= 0 || maxExclusive > UINT32_RANGE) {
        throw new RangeError(`nextInt: maxExclusive must be an integer in 1..2^32, got ${maxExclusive}`);
      }
      return Math.floor(nextFloat() * maxExclusive);
    },
    gaussian(): number {
      const u1 = 1 - nextFloat(); // (0, 1]: log never sees 0
      const u2 = nextFloat();
      return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    },
    state: () => ({ seed }),
  };
}
