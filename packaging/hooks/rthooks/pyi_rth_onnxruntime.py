# onnxruntime reads ORT_DISABLE_TELEMETRY when it is imported: set it here, before the app's
# code runs at all, so that no import order (a plugin, a future module, a stray `import
# onnxruntime`) can load it with telemetry on. app/__init__.py sets it too, for runs from source.
# Always "1": not a default the user's environment could turn back on.


def _pyi_rthook():
    import os

    os.environ["ORT_DISABLE_TELEMETRY"] = "1"


_pyi_rthook()
del _pyi_rthook
