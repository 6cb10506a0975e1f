"""onnxruntime's own quantizer, the reference Pare's benchmark compares against.

Usage: ort_quantize.py <spec.json>
spec: { "model": path, "outDir": dir, "inputName": str, "calibration": [raw float32 file, ...],
        "shape": [dims], "modes": ["dynamic", "static"], "perChannel": bool }
Prints one JSON object: { "<mode>": { "path": str, "seconds": float } | { "error": str } }.
Timing covers the quantizer call only (calibration included for static), not interpreter start-up.
"""
import json
import os
import sys
import time

import numpy as np
from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType,
                                      quantize_dynamic, quantize_static)


class RawReader(CalibrationDataReader):
    def __init__(self, name, files, shape):
        self.items = iter([{name: np.fromfile(f, dtype=np.float32).reshape(shape)} for f in files])

    def get_next(self):
        return next(self.items, None)


def main():
    spec = json.load(open(sys.argv[1]))
    base = os.path.splitext(os.path.basename(spec["model"]))[0]
    result = {}
    for mode in spec["modes"]:
        out = os.path.join(spec["outDir"], f"{base}.ort-{mode}.onnx")
        try:
            t0 = time.perf_counter()
            if mode == "dynamic":
                quantize_dynamic(spec["model"], out, weight_type=QuantType.QInt8, per_channel=spec["perChannel"])
            else:
                reader = RawReader(spec["inputName"], spec["calibration"], spec["shape"])
                quantize_static(spec["model"], out, reader, quant_format=QuantFormat.QDQ,
                                activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                                per_channel=spec["perChannel"], calibrate_method=CalibrationMethod.MinMax)
            result[mode] = {"path": out, "seconds": time.perf_counter() - t0}
        except Exception as e:  # report, do not crash: the bench records what the reference could not do
            result[mode] = {"error": f"{type(e).__name__}: {e}"}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
