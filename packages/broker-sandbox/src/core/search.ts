/** Index of the first element whose value is greater than `target`, in a list sorted by that value. */
export function upperBound(length: number, valueAt: (index: number) => number, target: number): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (valueAt(mid) <= target) low = mid + 1;
    else high = mid;
  }
  return low;
}
