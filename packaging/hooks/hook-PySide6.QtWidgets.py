# Replaces PyInstaller's hook for this module: the same dependencies, minus the Qt plugins and
# translations ProductSnap leaves out (packaging/spec_support.py), so theirs never get in either.
from spec_support import filtered_qt6_dependencies

hiddenimports, binaries, datas = filtered_qt6_dependencies(__file__)
