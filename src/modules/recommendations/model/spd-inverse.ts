/**
 * Inverts a symmetric positive-definite `n × n` matrix (row-major, only the lower triangle is
 * read) through its Cholesky factor, and returns the full inverse in a new array. About n³/2
 * multiply-adds, all as dot products of contiguous rows, which is what keeps a plain-JS
 * inverse of a 1 500-side matrix to about a second; memory 2 n² doubles. Throws when the
 * matrix is not positive definite (add more regularisation).
 */
export function spdInverse(a: Float64Array, n: number): Float64Array {
  // L (lower triangle) overwrites a copy of `a`.
  const l = Float64Array.from(a);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      const s = a[ri + j]! - dot(l, ri, l, rj, j);
      if (i === j) {
        if (!(s > 0)) throw new RangeError(`matrix is not positive definite at row ${i}`);
        l[ri + i] = Math.sqrt(s);
      } else {
        l[ri + j] = s / l[rj + j]!;
      }
    }
  }

  // U = (L⁻¹)ᵀ, upper triangle, so that both operands of every dot product are rows.
  const u = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    u[rj + j] = 1 / l[rj + j]!;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      u[rj + i] = -dot(l, ri + j, u, rj + j, i - j) / l[ri + i]!;
    }
  }

  // A⁻¹ = L⁻ᵀ L⁻¹ = U Uᵀ, and U[i][k] is zero for k < i.
  const inverse = l;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = i; j < n; j++) {
      const v = dot(u, ri + j, u, j * n + j, n - j);
      inverse[ri + j] = v;
      inverse[j * n + i] = v;
    }
  }
  return inverse;
}

function dot(x: Float64Array, xs: number, y: Float64Array, ys: number, length: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < length; k += 4) {
    s0 += x[xs + k]! * y[ys + k]!;
    s1 += x[xs + k + 1]! * y[ys + k + 1]!;
    s2 += x[xs + k + 2]! * y[ys + k + 2]!;
    s3 += x[xs + k + 3]! * y[ys + k + 3]!;
  }
  for (; k < length; k++) s0 += x[xs + k]! * y[ys + k]!;
  return s0 + s1 + s2 + s3;
}
