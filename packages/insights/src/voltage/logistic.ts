/**
 * L2-regularised logistic regression fitted by iteratively reweighted least squares. The linear algebra (the
 * normal equations and their Cholesky solve) is ml-matrix's; only the IRLS loop is here.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';

export interface LogisticModel {
  /** Intercept first, then one weight per standardised feature. */
  coef: number[];
  mean: number[];
  scale: number[];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function probability(model: LogisticModel, x: readonly number[]): number {
  let z = model.coef[0] as number;
  for (let j = 0; j < x.length; j++) {
    z += (model.coef[j + 1] as number) * (((x[j] as number) - (model.mean[j] as number)) / (model.scale[j] as number));
  }
  return sigmoid(z);
}

export function fitLogistic(rows: readonly number[][], labels: readonly number[], lambda = 1): LogisticModel {
  const p = rows[0]?.length ?? 0;
  const n = rows.length;
  const mean = Array.from({ length: p }, (_, j) => rows.reduce((a, r) => a + (r[j] as number), 0) / n);
  const scale = mean.map((m, j) => Math.sqrt(rows.reduce((a, r) => a + ((r[j] as number) - m) ** 2, 0) / n) || 1);
  const X = new Matrix(rows.map((r) => [1, ...r.map((v, j) => (v - (mean[j] as number)) / (scale[j] as number))]));
  const y = Matrix.columnVector(labels);
  // The intercept is barely penalised, so a rare class shifts it freely.
  const penalty = Matrix.diag([1e-6, ...Array<number>(p).fill(lambda)]);
  let beta = Matrix.zeros(p + 1, 1);
  for (let iter = 0; iter < 50; iter++) {
    const mu = X.mmul(beta).to1DArray().map(sigmoid);
    const w = mu.map((m) => Math.max(m * (1 - m), 1e-9));
    const Xw = X.clone().mulColumnVector(w);
    const product = X.transpose().mmul(Xw);
    // Rounding leaves XᵀWX a hair off symmetric, which the Cholesky decomposition refuses.
    const hessian = product.add(product.transpose()).div(2).add(penalty);
    const gradient = X.transpose().mmul(Matrix.columnVector(mu).sub(y)).add(penalty.mmul(beta));
    const step = new CholeskyDecomposition(hessian).solve(gradient);
    beta = beta.sub(step);
    if (step.abs().max() < 1e-8) break;
  }
  return { coef: beta.to1DArray(), mean, scale };
}
