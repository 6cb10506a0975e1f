"""onnxruntime's own quantizer for the weight-forms bench: int8 dynamic (per-channel) and 4-bit MatMul weights.

Usage: ort_forms.py <model.onnx> <outDir>
Prints one JSON object: { "<form>": { "path": str } | { "error": str } }.
"""
import json
import os
import sys

import onnx
from onnxruntime.quantization import QuantType, quantize_dynamic


def main():
    model, out_dir = sys.argv[1], sys.argv[2]
    base = os.path.splitext(os.path.basename(model))[0]
    result = {}
    out = os.path.join(out_dir, f"{base}.ort-dynamic.onnx")
    try:
        quantize_dynamic(model, out, weight_type=QuantType.QInt8, per_channel=True)
        result["quantize_dynamic per-channel"] = {"path": out}
    except Exception as e:  # the bench records what the reference could not do
        result["quantize_dynamic per-channel"] = {"error": f"{type(e).__name__}: {e}"}
    out = os.path.join(out_dir, f"{base}.ort-int4.onnx")
    try:
        from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer
        q = MatMulNBitsQuantizer(onnx.load(model), block_size=32, is_symmetric=True)
        q.process()
        q.model.save_model_to_file(out, False)
        result["MatMulNBits 4-bit block 32"] = {"path": out}
    except Exception as e:
        result["MatMulNBits 4-bit block 32"] = {"error": f"{type(e).__name__}: {e}"}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
