import { PareError } from '@pare/errors';
import { opsetVersion } from './graphWalk';
import type { Model } from './types';

/**
 * Refuse a model whose opset for `domain` ("" is the default ONNX domain) is older than a pass needs.
 * `what` names the requester in the message, e.g. "int8 static quantization (QuantizeLinear with axis)".
 */
export function requireOpset(model: Model, minVersion: number, what: string, domain = ''): void {
  const version = opsetVersion(model, domain);
  const domainName = domain === '' || domain === 'ai.onnx' ? 'the default ONNX domain' : `domain "${domain}"`;
  if (version === undefined) {
    throw new PareError(
      'opset_too_old',
      `${what} needs opset ${minVersion} or newer of ${domainName}, but the model imports no opset for it.`,
      { details: { domain, required: minVersion } },
    );
  }
  if (version < minVersion) {
    throw new PareError(
      'opset_too_old',
      `${what} needs opset ${minVersion} or newer of ${domainName}; this model uses opset ${version}. ` +
        `Convert it first, e.g. in Python: onnx.save(onnx.version_converter.convert_version(onnx.load("model.onnx"), ${minVersion}), "model-opset${minVersion}.onnx"), or re-export it with a newer opset.`,
      { details: { domain, required: minVersion, found: version } },
    );
  }
}
