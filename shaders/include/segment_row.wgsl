// The synapse row of pre neuron `local` in the segment at tables[sb] (shared by deliver and learn). Expects
// `tables: array<i32>` and the `tables` constants. Dense rows hold every target 0..post-1 (no index); CSR rows
// list their targets at tables[col ..].
struct SegmentRow {
  // First synapse word of the row in a replica's weights, and its length.
  start: u32,
  len: u32,
  // CSR: tables index of the row's first target (unused for dense rows).
  col: u32,
  dense: bool,
}

fn segment_row(sb: u32, local: u32) -> SegmentRow {
  let w_base = u32(tables[sb + S_W_BASE]);
  if (tables[sb + S_KIND] == KIND_DENSE) {
    let post_size = u32(tables[sb + S_POST_SIZE]);
    return SegmentRow(w_base + local * post_size, post_size, 0u, true);
  }
  let row = u32(tables[sb + S_ROW_BASE]) + local;
  let first = u32(tables[row]);
  return SegmentRow(w_base + first, u32(tables[row + 1u]) - first, u32(tables[sb + S_COL_BASE]) + first, false);
}
