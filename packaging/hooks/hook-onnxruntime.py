# Replaces the contributed hook, which collects every library in onnxruntime/capi. Of those, only
# the provider bridge (onnxruntime_providers_shared, 16 KB) travels: onnxruntime loads it whenever
# it starts and prints "Init provider bridge failed" without it. The execution-provider plugins
# (CUDA, TensorRT, OpenVINO... in other wheels) stay out, and so does the C API library when the
# extension module does not link it: the CPU provider the cut-out uses is built into
# onnxruntime_pybind11_state, and PyInstaller's dependency analysis brings whatever that links.
# The tooling subpackages stay out through EXCLUDED_MODULES; the licence and notices travel.
import os

from PyInstaller.utils.hooks import collect_dynamic_libs
from spec_support import keep_binary, onnxruntime_notices

binaries = [(source, folder) for source, folder in collect_dynamic_libs("onnxruntime")
            if os.path.basename(source).split(".")[0].endswith("onnxruntime_providers_shared")
            and keep_binary(os.path.join(folder, os.path.basename(source)))]
datas = onnxruntime_notices()
