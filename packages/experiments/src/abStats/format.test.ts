import { describe, expect, it } from 'vitest';
import { groupThousands, percentMagnitude, roundUpTwoSignificant, signed } from './format';

describe('verdict formatting', () => {
  it('groups thousands and rounds planning figures up to two significant digits', () => {
    expect(groupThousands(1900)).toBe('1,900');
    expect(groupThousands(1234567)).toBe('1,234,567');
    expect(roundUpTwoSignificant(1873)).toBe(1900);
    expect(roundUpTwoSignificant(27502)).toBe(28000);
    expect(roundUpTwoSignificant(7)).toBe(7);
    expect(roundUpTwoSignificant(0)).toBe(0);
  });

  it('writes signs with a real minus and never "−0.0"', () => {
    expect(signed(-0.2, 1, true)).toBe('\u22120.2');
    expect(signed(0.5, 1, true)).toBe('+0.5');
    expect(signed(-0.001, 1, true)).toBe('0.0');
    expect(percentMagnitude(-38.4)).toBe('38');
    expect(percentMagnitude(4.26)).toBe('4.3');
  });
});
