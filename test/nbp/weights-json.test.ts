import { describe, expect, it } from 'vitest';
import { formatWeightsJson, parseOrderJson, parseWeightsJson, requireEvenWeights } from '../../src/app/weights-json.ts';

const shape = { nIn: 2, nHid: 3, nOut: 2 };
const text = JSON.stringify({
  W1: [
    [2, -4, 6],
    [8, 0, -256],
  ],
  W2: [
    [254, 2],
    [4, 6],
    [-8, 10],
  ],
});

describe('weights JSON', () => {
  it('round-trips through format and parse', () => {
    const w = parseWeightsJson(text, 'w.json', shape);
    expect(Array.from(w.W1)).toEqual([2, -4, 6, 8, 0, -256]);
    expect(Array.from(w.W2)).toEqual([254, 2, 4, 6, -8, 10]);
    const again = parseWeightsJson(formatWeightsJson(shape, w.W1, w.W2), 'again.json');
    expect(again.shape).toEqual(shape);
    expect(again.W1).toEqual(w.W1);
  });

  it('names the file and the entry in errors', () => {
    expect(() => parseWeightsJson('{', 'a.json')).toThrow(/a\.json: not valid JSON/);
    expect(() => parseWeightsJson('{"W1": [[1]]}', 'a.json')).toThrow(/a\.json: missing "W2"/);
    expect(() => parseWeightsJson(text, 'a.json', { ...shape, nIn: 3 })).toThrow(/a\.json: "W1" has 2 rows, expected 3/);
    expect(() => parseWeightsJson(text, 'a.json', { ...shape, nHid: 4 })).toThrow(/a\.json: W1\[0\] has 3 entries, expected 4/);
    expect(() => parseWeightsJson(JSON.stringify({ W1: [[1.5]], W2: [[0]] }), 'a.json')).toThrow(/a\.json: W1\[0\]\[0\] = 1\.5 is not an integer/);
    expect(() => parseWeightsJson(JSON.stringify({ W1: [[0]], W2: [[300]] }), 'a.json')).toThrow(
      /a\.json: W2\[0\]\[0\] = 300 is outside the 8-bit weight range \[-256, 254\]/,
    );
    expect(() => requireEvenWeights(parseWeightsJson(JSON.stringify({ W1: [[0, 3]], W2: [[0], [0]] }), 'odd.json'), 'odd.json')).toThrow(
      /odd\.json: W1\[0\]\[1\] = 3 is odd/,
    );
  });
});

describe('order JSON', () => {
  it('reads one array per epoch', () => {
    expect(parseOrderJson('[[2, 0, 1], [1]]', 'o.json', 3).map((a) => Array.from(a))).toEqual([[2, 0, 1], [1]]);
  });
  it('rejects bad shapes and indices outside the training set', () => {
    expect(() => parseOrderJson('[]', 'o.json', 3)).toThrow(/o\.json: expected a non-empty array/);
    expect(() => parseOrderJson('[[0], 5]', 'o.json', 3)).toThrow(/o\.json: epoch 1 must be a non-empty array/);
    expect(() => parseOrderJson('[[0, 3]]', 'o.json', 3)).toThrow(/o\.json: epoch 0, position 1: 3 is not a training-set index \(0\.\.2\)/);
  });
});
