import { describe, expect, it } from 'vitest';
import { distillSpec } from './distill';

// The job spec `pare distill` builds from its flags (the origin checks the rest and names the field at fault).
describe('pare distill flags', () => {
  const base = { teacher: 'train', data: 'spam-assassin', follow: true };

  it('--variant name=mode asks for compressed variants of the student, per-channel', () => {
    const spec = distillSpec({ ...base, variant: ['student-int8=int8-weights', 'student-fp16=fp16'] });
    expect(spec.variants).toEqual([
      { variant: 'student-int8', options: { quantize: 'int8-weights', perChannel: true } },
      { variant: 'student-fp16', options: { quantize: 'fp16', perChannel: true } },
    ]);
    expect(distillSpec(base).variants).toBeUndefined();
  });

  it('refuses a --variant without a name and a mode, as a usage error', () => {
    expect(() => distillSpec({ ...base, variant: ['int8-weights'] })).toThrow(expect.objectContaining({ code: 'option_invalid', message: expect.stringContaining('<name>=<mode>') }));
  });
});
