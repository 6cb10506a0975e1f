// The forms the fitter tries, in one place. Every weight form comes per-tensor and per-channel; activation
// quantization (static QDQ) only when its ranges come from real inputs: ranges measured on generated noise
// cost the OCR models most of their fidelity.
import type { QuantizeMode } from '../pipeline/compressOptions';

export interface FitForm {
  quantize: QuantizeMode;
  perChannel: boolean;
}

export interface FormChoice {
  /** Where calibration inputs come from; 'none' when there are none. */
  calibration: 'real' | 'generated' | 'none';
  /** Modes the user asked for; default every mode below. */
  modes?: readonly QuantizeMode[];
  /** Scales the user asked for; default both. */
  perChannel?: boolean;
}

/** The default candidates, cheapest to build first. */
const FORMS: readonly FitForm[] = [
  { quantize: 'none', perChannel: false },
  { quantize: 'int8-weights', perChannel: true },
  { quantize: 'int8-weights', perChannel: false },
  { quantize: 'int8-dynamic', perChannel: true },
  { quantize: 'int8-dynamic', perChannel: false },
  { quantize: 'int8-static', perChannel: true },
  { quantize: 'int8-static', perChannel: false },
  // Forms of the quantize-forms work join here when their modes exist, e.g.
  // { quantize: 'int4-weights', perChannel: true } (block-wise, symmetric and asymmetric) and
  // { quantize: 'fp16', perChannel: false }.
];

export function fitForms(choice: FormChoice): FitForm[] {
  const asked = choice.modes;
  return FORMS.filter((f) => {
    if (asked && !asked.includes(f.quantize)) return false;
    if (f.quantize === 'none' && f.perChannel) return false;
    if (f.quantize !== 'none' && choice.perChannel !== undefined && f.perChannel !== choice.perChannel) return false;
    // Asked for by name, static runs on whatever calibration there is; chosen by the fitter, only on real inputs.
    if (f.quantize === 'int8-static') return asked ? choice.calibration !== 'none' : choice.calibration === 'real';
    return true;
  });
}
