// The forms the fitter tries, in one place. Every weight form comes per-tensor and per-channel; activation
// quantization (static QDQ) only when its ranges come from real inputs: ranges measured on generated noise
// cost the OCR models most of their fidelity.
import type { CompressOptions, QuantizeMode } from '../pipeline/compressOptions';

export interface FitForm {
  quantize: QuantizeMode;
  perChannel: boolean;
  /** int4-weights: weights per scale along K. */
  blockSize?: number;
  /** A zero point per channel or block: skewed weights (all of one sign) keep the whole grid. */
  asymmetric?: boolean;
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
  // Asymmetric int8 weights are left to `--asymmetric`: ranked on generated or few inputs they won on the OCR
  // models and then measured lower on representative ones (bench/fitNotes.md).
  { quantize: 'fp16', perChannel: false },
  { quantize: 'int8-dynamic', perChannel: true },
  { quantize: 'int8-dynamic', perChannel: false },
  // 4-bit MatMul weights (MatMulNBits; other weights int8): the smallest files, for budgets int8 cannot meet.
  { quantize: 'int4-weights', perChannel: true, blockSize: 32 },
  { quantize: 'int4-weights', perChannel: true, blockSize: 32, asymmetric: true },
  { quantize: 'int4-weights', perChannel: true, blockSize: 128 },
  { quantize: 'int8-static', perChannel: true },
  { quantize: 'int8-static', perChannel: false },
];

/** The pipeline options of a form (what compressModel and describeOptions read). */
export function formOptions(form: FitForm): Pick<CompressOptions, 'quantize' | 'perChannel' | 'blockSize' | 'asymmetric'> {
  return {
    quantize: form.quantize,
    perChannel: form.perChannel,
    ...(form.blockSize !== undefined ? { blockSize: form.blockSize } : {}),
    ...(form.asymmetric ? { asymmetric: true } : {}),
  };
}

export function fitForms(choice: FormChoice): FitForm[] {
  const asked = choice.modes;
  return FORMS.filter((f) => {
    if (asked && !asked.includes(f.quantize)) return false;
    // fp16 has no scales: per-tensor or per-channel does not apply to it.
    const scaled = f.quantize !== 'none' && f.quantize !== 'fp16';
    if (!scaled && f.perChannel) return false;
    if (scaled && choice.perChannel !== undefined && f.perChannel !== choice.perChannel) return false;
    // Asked for by name, static runs on whatever calibration there is; chosen by the fitter, only on real inputs.
    if (f.quantize === 'int8-static') return asked ? choice.calibration !== 'none' : choice.calibration === 'real';
    return true;
  });
}
