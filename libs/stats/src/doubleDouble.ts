/**
 * Double-double arithmetic: a value hi + lo held as two doubles with
 * |lo| <= ulp(hi) / 2, giving about 106 bits of significand. Needed by
 * {@link smirnovSf}, whose terms raise numbers near 1 to powers in the
 * thousands, where a single double's rounding error would be multiplied by
 * the exponent.
 *
 * This file holds a small value type rather than one function: the
 * operations are only meaningful together, like the operators of a number
 * type. Only what smirnovSf uses is implemented.
 *
 * Source: Hida, Y., Li, X. S. & Bailey, D. H. (2001) "Algorithms for
 * quad-double precision floating point arithmetic", ARITH-15 (the QD library,
 * v2.3.18, as adapted in scipy `xsf/cephes/dd_real.h`); Dekker, T. J. (1971)
 * "A floating-point technique for extending the available precision",
 * Numer. Math. 18 (exact products by splitting, since JavaScript has no fma).
 *
 * @example
 * const third = DoubleDouble.of(1).div(DoubleDouble.of(3));
 * third.mul(3).hi;   // 1
 */
export class DoubleDouble {
  constructor(
    readonly hi: number,
    readonly lo: number,
  ) {}

  static of(x: number): DoubleDouble {
    return new DoubleDouble(x, 0);
  }

  neg(): DoubleDouble {
    return new DoubleDouble(-this.hi, -this.lo);
  }

  add(b: DoubleDouble | number): DoubleDouble {
    // Error-free transformations are written out inline (no tuple returns):
    // smirnovSf calls these millions of times and allocation dominated.
    if (typeof b === 'number') {
      // two_sum(hi, b), then add lo and renormalise.
      const s = this.hi + b;
      const bb = s - this.hi;
      const e = this.hi - (s - bb) + (b - bb) + this.lo;
      const r = s + e;
      return new DoubleDouble(r, e - (r - s));
    }
    // IEEE-style error bound (Briggs & Kahan).
    const s1 = this.hi + b.hi;
    const bb1 = s1 - this.hi;
    let s2 = this.hi - (s1 - bb1) + (b.hi - bb1);
    const t1 = this.lo + b.lo;
    const bb2 = t1 - this.lo;
    const t2 = this.lo - (t1 - bb2) + (b.lo - bb2);
    s2 += t1;
    const u1 = s1 + s2;
    let u2 = s2 - (u1 - s1);
    u2 += t2;
    const r = u1 + u2;
    return new DoubleDouble(r, u2 - (r - u1));
  }

  sub(b: DoubleDouble | number): DoubleDouble {
    return typeof b === 'number' ? this.add(-b) : this.add(new DoubleDouble(-b.hi, -b.lo));
  }

  mul(b: DoubleDouble | number): DoubleDouble {
    if (typeof b === 'number') {
      const p1 = this.hi * b;
      const e1 = twoProdError(this.hi, b, p1);
      const p2 = this.lo * b;
      const e2 = twoProdError(this.lo, b, p2);
      const t = e2 + p2 + e1;
      const r = p1 + t;
      return new DoubleDouble(r, t - (r - p1));
    }
    const p1 = this.hi * b.hi;
    const p2 = twoProdError(this.hi, b.hi, p1) + (this.hi * b.lo + this.lo * b.hi);
    const r = p1 + p2;
    return new DoubleDouble(r, p2 - (r - p1));
  }

  div(b: DoubleDouble | number): DoubleDouble {
    const d = typeof b === 'number' ? new DoubleDouble(b, 0) : b;
    const q1 = this.hi / d.hi;
    let r = this.sub(d.mul(q1));
    const q2 = r.hi / d.hi;
    r = r.sub(d.mul(q2));
    const q3 = r.hi / d.hi;
    const s = q1 + q2;
    return new DoubleDouble(s, q2 - (s - q1)).add(q3);
  }

  isZero(): boolean {
    return this.hi === 0 && this.lo === 0;
  }

  floor(): DoubleDouble {
    const hi = Math.floor(this.hi);
    if (hi === this.hi) {
      const lo = Math.floor(this.lo);
      const r = hi + lo;
      return new DoubleDouble(r, lo - (r - hi));
    }
    return new DoubleDouble(hi, 0);
  }

  /** this * 2^e. */
  ldexp(e: number): DoubleDouble {
    return new DoubleDouble(ldexp(this.hi, e), ldexp(this.lo, e));
  }

  /** [m, e] with this = m * 2^e and 0.5 <= |m.hi| < 1 (or |m.hi| == 1 with m.hi * m.lo < 0). */
  frexp(): [DoubleDouble, number] {
    let [man, e] = frexp(this.hi);
    let b1 = ldexp(this.lo, -e);
    if (Math.abs(man) === 0.5 && man * b1 < 0) {
      man *= 2;
      b1 *= 2;
      e -= 1;
    }
    return [new DoubleDouble(man, b1), e];
  }
}

const SPLITTER = 134217729; // 2^27 + 1
const SPLIT_THRESHOLD = 6.69692879491417e299; // 2^996

/** The exact error a * b - fl(a * b), given p = fl(a * b) (Dekker two-product; JavaScript has no fma). */
function twoProdError(a: number, b: number, p: number): number {
  let ahi: number, alo: number, bhi: number, blo: number;
  if (a > SPLIT_THRESHOLD || a < -SPLIT_THRESHOLD) {
    const s = a * 3.725290298461914e-9; // 2^-28
    const t = SPLITTER * s;
    ahi = t - (t - s);
    alo = (s - ahi) * 268435456;
    ahi *= 268435456;
  } else {
    const t = SPLITTER * a;
    ahi = t - (t - a);
    alo = a - ahi;
  }
  if (b > SPLIT_THRESHOLD || b < -SPLIT_THRESHOLD) {
    const s = b * 3.725290298461914e-9;
    const t = SPLITTER * s;
    bhi = t - (t - s);
    blo = (s - bhi) * 268435456;
    bhi *= 268435456;
  } else {
    const t = SPLITTER * b;
    bhi = t - (t - b);
    blo = b - bhi;
  }
  return ahi * bhi - p + ahi * blo + alo * bhi + alo * blo;
}

// A double and its two 32-bit words, for frexp; which word is the high one
// depends on the platform's byte order.
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
bits[0] = 1;
const HIGH = words[1] === 0x3ff00000 ? 1 : 0;

/** C frexp: x = m * 2^e with 0.5 <= |m| < 1; (0, 0) for 0; non-finite passed through. */
export function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) {
    return [x, 0];
  }
  bits[0] = x;
  const high = words[HIGH]!;
  const biased = (high >>> 20) & 0x7ff;
  if (biased === 0) {
    // Subnormal: scale into the normal range first.
    const [m, e] = frexp(x * 18014398509481984); // 2^54
    return [m, e - 54];
  }
  words[HIGH] = (high & 0x800fffff) | (1022 << 20);
  return [bits[0]!, biased - 1022];
}

// 2^k for k = -1022 .. 1023, so ldexp is one multiplication in the common case.
const POW2 = new Float64Array(2046);
for (let k = -1022, v = 2.2250738585072014e-308; k <= 1023; k++, v *= 2) POW2[k + 1022] = v;

/** C ldexp: x * 2^e without intermediate overflow/underflow of the power of two. */
export function ldexp(x: number, e: number): number {
  if (e >= -1022 && e <= 1023) return x * POW2[e + 1022]!;
  let result = x;
  let k = e;
  while (k > 1023) {
    result *= 8.98846567431158e307; // 2^1023
    k -= 1023;
  }
  while (k < -1022) {
    result *= 2.2250738585072014e-308; // 2^-1022
    k += 1022;
    if (result === 0) return result;
  }
  return result * POW2[k + 1022]!;
}
