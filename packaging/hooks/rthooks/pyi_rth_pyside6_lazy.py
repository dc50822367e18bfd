# Replaces PyInstaller's run-time hook for PySide6 (pyi_rth_pyside6.py) with a lazy one.
#
# PyInstaller's hook imports PySide6.QtCore at start-up, before the app runs, only to register a
# qt.conf that PySide6's own QtCore registers anyway. Loading Qt and shiboken's signature support
# that early costs ~50 ms on every start, the `--version`/`self-test`/CLI ones that never touch
# Qt included. This hook sets the same environment at start-up and does the qt.conf check when
# (and only if) PySide6.QtCore is first imported.


def _pyi_rthook():
    import os
    import sys

    from _pyi_rth_utils import is_macos_app_bundle, prepend_path_to_environment_variable
    from _pyi_rth_utils import qt as qt_rth_utils

    qt_rth_utils.ensure_single_qt_bindings_package("PySide6")

    if sys.platform.startswith("win"):
        pyqt_path = os.path.join(sys._MEIPASS, "PySide6")
    else:
        pyqt_path = os.path.join(sys._MEIPASS, "PySide6", "Qt")
    os.environ["QT_PLUGIN_PATH"] = os.path.join(pyqt_path, "plugins")

    if is_macos_app_bundle:
        pyqt_path_res = os.path.normpath(
            os.path.join(sys._MEIPASS, "..", "Resources", os.path.relpath(pyqt_path, sys._MEIPASS))
        )
        os.environ["QML2_IMPORT_PATH"] = os.pathsep.join(
            [os.path.join(pyqt_path_res, "qml"), os.path.join(pyqt_path, "qml")]
        )
    else:
        os.environ["QML2_IMPORT_PATH"] = os.path.join(pyqt_path, "qml")

    if sys.platform.startswith("win"):
        prepend_path_to_environment_variable(sys._MEIPASS, "PATH")
    if sys.platform == "darwin" and not is_macos_app_bundle:
        prepend_path_to_environment_variable(sys._MEIPASS, "DYLD_LIBRARY_PATH")

    class _AfterQtCoreImport:
        """A meta-path finder that lets the others load PySide6.QtCore, then checks qt.conf."""

        def find_spec(self, name, path=None, target=None):
            if name != "PySide6.QtCore":
                return None
            sys.meta_path.remove(self)  # once; and so the lookup below skips this finder
            import importlib.util

            spec = importlib.util.find_spec(name)
            if spec is None or spec.loader is None:
                return spec
            loader = spec.loader

            class _Loader:
                def create_module(self, spec):
                    return loader.create_module(spec)

                def exec_module(self, module):
                    loader.exec_module(module)
                    sys.modules[spec.name] = module
                    qt_rth_utils.create_embedded_qt_conf("PySide6", pyqt_path)

            spec.loader = _Loader()
            return spec

        def invalidate_caches(self):
            pass

    sys.meta_path.insert(0, _AfterQtCoreImport())


_pyi_rthook()
del _pyi_rthook
