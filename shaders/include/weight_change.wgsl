// Twin: applyWeightChange (src/loihi/learning.ts). clamp(w + dw, wMin, wMax).
fn apply_weight_change(w: i32, dw: i32, w_min: i32, w_max: i32) -> i32 {
  return clamp(w + dw, w_min, w_max);
}
