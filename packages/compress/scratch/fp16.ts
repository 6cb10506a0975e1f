import { upgradeOpset } from '@pare/onnx';
import { realModels } from '../../onnx/test/fixtures';
import { loadModel } from '../test/inputs';
import { weightsFp16 } from '../src/index';
const r = weightsFp16(upgradeOpset(loadModel(realModels.ocrRec), 13).model).report;
console.log(r.tensors.filter((t) => (t.detail!.relativeError as number) >= 1e-3).map((t) => `${t.name} ${t.detail!.relativeError} ${t.shapeBefore}`));
