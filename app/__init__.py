"""ProductSnap: marketplace-ready product photos from phone snapshots."""

import os
from importlib.metadata import PackageNotFoundError, version

# onnxruntime (the local cut-out) sends usage telemetry unless told not to, and it reads this
# when it is imported: set here, before any of the app's modules can import it, in every way
# the app starts (window, command line, tests, the frozen bundle). Always "1": not a default
# a user's environment could turn back on by accident.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"

try:
    __version__ = version("productsnap")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.1.0"
