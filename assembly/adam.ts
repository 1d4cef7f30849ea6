// One fused Adam/AdamW step (PyTorch's order of operations), parallel over element ranges.
import { at, flt, int, ptr } from './desc';

// desc: PARAM, GRAD, M, V, N, PER_CHUNK, beta1, beta2, eps, stepSize, bc2Sqrt, weightDecay, decayFactor,
//       1 - beta1, 1 - beta2 (taken in double precision by the caller, as PyTorch and the reference do:
//       1 - f32(0.999) is 1.3e-5 away from f32(0.001))
export function adam_chunk(desc: usize, chunk: i32, tid: i32): void {
  const param = ptr(desc, 0);
  const grad = ptr(desc, 1);
  const mArr = ptr(desc, 2);
  const vArr = ptr(desc, 3);
  const n = int(desc, 4);
  const per = int(desc, 5);
  const beta1 = flt(desc, 6);
  const beta2 = flt(desc, 7);
  const eps = flt(desc, 8);
  const stepSize = flt(desc, 9);
  const bc2Sqrt = flt(desc, 10);
  const wd = flt(desc, 11);
  const decay = flt(desc, 12);
  const oneMinusB1 = flt(desc, 13);
  const oneMinusB2 = flt(desc, 14);
  const start = chunk * per;
  const end = min(n, start + per);
  const b1 = f32x4.splat(beta1);
  const b2 = f32x4.splat(beta2);
  const ob1 = f32x4.splat(oneMinusB1);
  const ob2 = f32x4.splat(oneMinusB2);
  const ev = f32x4.splat(eps);
  const sv = f32x4.splat(stepSize);
  const bv = f32x4.splat(bc2Sqrt);
  const wdv = f32x4.splat(wd);
  const dv = f32x4.splat(decay);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    let w = f32x4.mul(v128.load(at(param, i)), dv);
    const g = f32x4.add(v128.load(at(grad, i)), f32x4.mul(wdv, w));
    const m = f32x4.add(f32x4.mul(b1, v128.load(at(mArr, i))), f32x4.mul(ob1, g));
    const v = f32x4.add(f32x4.mul(b2, v128.load(at(vArr, i))), f32x4.mul(f32x4.mul(ob2, g), g));
    v128.store(at(mArr, i), m);
    v128.store(at(vArr, i), v);
    w = f32x4.sub(w, f32x4.div(f32x4.mul(sv, m), f32x4.add(f32x4.div(f32x4.sqrt(v), bv), ev)));
    v128.store(at(param, i), w);
  }
  for (; i < end; i++) {
    const w = load<f32>(at(param, i)) * decay;
    const g = load<f32>(at(grad, i)) + wd * w;
    const m = beta1 * load<f32>(at(mArr, i)) + oneMinusB1 * g;
    const v = beta2 * load<f32>(at(vArr, i)) + oneMinusB2 * g * g;
    store<f32>(at(mArr, i), m);
    store<f32>(at(vArr, i), v);
    store<f32>(at(param, i), w - (stepSize * m) / (Mathf.sqrt(v) / bc2Sqrt + eps));
  }
}
