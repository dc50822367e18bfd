"""ProductSnap: marketplace-ready product photos from phone snapshots."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("productsnap")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.1.0"
