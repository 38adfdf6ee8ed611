/**
 * Small dense linear algebra for the regime models: Cholesky factors of covariance matrices and
 * solutions of the K x K systems behind stationary distributions. Matrices are row-major
 * `Float64Array`s; sizes are the number of states or features (a handful), so plain loops are fastest.
 */

/**
 * The lower Cholesky factor L of a symmetric matrix (`a = L Lᵀ`), or `undefined` when the matrix is not
 * positive definite (a pivot is not positive and finite).
 *
 * @example
 * ```ts
 * cholesky(Float64Array.of(4, 2, 2, 3), 2); // Float64Array [2, 0, 1, 1.414…]
 * ```
 */
export function cholesky(a: ArrayLike<number>, n: number, offset = 0): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[offset + i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return undefined;
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j]!;
      }
    }
  }
  return l;
}

/**
 * Solves `m x = b` for a square `n x n` matrix by Gaussian elimination with partial pivoting; `undefined`
 * when `m` is singular (a pivot below 1e-14 times the largest entry). `m` and `b` are left unchanged.
 *
 * @example
 * ```ts
 * solve(Float64Array.of(2, 0, 0, 4), Float64Array.of(2, 2), 2); // Float64Array [1, 0.5]
 * ```
 */
export function solve(m: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array | undefined {
  const a = Float64Array.from(m);
  const x = Float64Array.from(b);
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(a[i]!));
  const tiny = scale * 1e-14;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r * n + col]!) > Math.abs(a[pivot * n + col]!)) pivot = r;
    if (!(Math.abs(a[pivot * n + col]!) > tiny)) return undefined;
    if (pivot !== col) {
      for (let k = 0; k < n; k++) {
        const t = a[col * n + k]!;
        a[col * n + k] = a[pivot * n + k]!;
        a[pivot * n + k] = t;
      }
      const t = x[col]!;
      x[col] = x[pivot]!;
      x[pivot] = t;
    }
    const d = a[col * n + col]!;
    for (let r = col + 1; r < n; r++) {
      const f = a[r * n + col]! / d;
      if (f === 0) continue;
      for (let k = col; k < n; k++) a[r * n + k]! -= f * a[col * n + k]!;
      x[r]! -= f * x[col]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let k = r + 1; k < n; k++) s -= a[r * n + k]! * x[k]!;
    x[r] = s / a[r * n + r]!;
  }
  return x;
}

/**
 * The stationary distribution π of a row-stochastic matrix (`πᵀ A = πᵀ`, `Σ π = 1`), solved from
 * `(I - Aᵀ) π = 0` with the last equation replaced by the sum; `undefined` when it is not unique (a
 * chain with more than one closed class).
 *
 * @example
 * ```ts
 * stationaryDistribution(Float64Array.of(0.9, 0.1, 0.2, 0.8), 2); // Float64Array [2/3, 1/3]
 * ```
 */
export function stationaryDistribution(a: ArrayLike<number>, n: number): Float64Array | undefined {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = (i === j ? 1 : 0) - a[j * n + i]!;
  for (let j = 0; j < n; j++) m[(n - 1) * n + j] = 1;
  const rhs = new Float64Array(n);
  rhs[n - 1] = 1;
  const pi = solve(m, rhs, n);
  if (!pi) return undefined;
  for (let i = 0; i < n; i++) if (!(pi[i]! >= -1e-12)) return undefined;
  for (let i = 0; i < n; i++) if (pi[i]! < 0) pi[i] = 0;
  return pi;
}
