"""What the PyInstaller spec, build.py and the tests share: names, the version, and what to trim.

Plain Python with no PyInstaller import, so the fast tests can check it.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
PYPROJECT = ROOT / "pyproject.toml"
RESOURCES = ROOT / "resources"
ICONS = RESOURCES / "icons"

APP_NAME = "ProductSnap"
DIST_NAME = "productsnap"  # the distribution name in pyproject.toml
PUBLISHER = "ProductSnap"
BUNDLE_ID = "com.productsnap.ProductSnap"
COPYRIGHT = "© ProductSnap"
SIZE_BUDGET_MB = 250  # Linux, on disk; 145 MiB before the cut-out (onnxruntime, numpy, model)


def read_version(pyproject: Path = PYPROJECT) -> str:
    """``[project].version`` from pyproject.toml: the one place the version is written."""
    with pyproject.open("rb") as handle:
        data = tomllib.load(handle)
    version = data.get("project", {}).get("version")
    if not isinstance(version, str) or not version.strip():
        raise ValueError(f"{pyproject} has no [project] version")
    return version.strip()


def numeric_version(version: str) -> tuple[int, int, int, int]:
    """Four numbers for Windows version resources and Inno Setup's VersionInfoVersion.

    "1.2.3" -> (1, 2, 3, 0); "1.2.0rc1" -> (1, 2, 0, 0); "2.0" -> (2, 0, 0, 0).
    """
    match = re.match(r"^\s*v?(\d+(?:\.\d+)*)", version)
    if not match:
        raise ValueError(f"not a version: {version!r}")
    numbers = [int(part) for part in match.group(1).split(".")][:4]
    numbers += [0] * (4 - len(numbers))
    return (numbers[0], numbers[1], numbers[2], numbers[3])


def platform_tag() -> str:
    """``linux-x86_64``, ``macos-arm64``, ``windows-x64``... for file names."""
    import platform

    machine = platform.machine().lower() or "unknown"
    machine = {"amd64": "x86_64", "aarch64": "arm64"}.get(machine, machine)
    if sys.platform == "win32":
        return "windows-" + ("x64" if machine == "x86_64" else machine)
    if sys.platform == "darwin":
        return "macos-" + machine
    return "linux-" + machine


# --- What the bundle leaves out -----------------------------------------------------------------

# Qt modules ProductSnap does not use. The app uses QtCore, QtGui, QtWidgets, QtDBus (Linux's
# "Show in folder") and, through the SVG plugins, QtSvg. Excluding a module also keeps its hook
# from collecting its plugins, QML files and translations. tests/test_packaging.py fails when
# app/ imports one of these.
EXCLUDED_QT_MODULES = [
    "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender",
    "QtAxContainer", "QtBluetooth", "QtCharts", "QtConcurrent", "QtDataVisualization",
    "QtDesigner", "QtGraphs", "QtGraphsWidgets", "QtHelp", "QtHttpServer", "QtLocation",
    "QtMultimedia", "QtMultimediaWidgets", "QtNetwork", "QtNetworkAuth", "QtNfc", "QtOpenGL",
    "QtOpenGLWidgets", "QtPdf", "QtPdfWidgets", "QtPositioning", "QtPrintSupport", "QtQml",
    "QtQuick", "QtQuick3D", "QtQuickControls2", "QtQuickTest", "QtQuickWidgets",
    "QtRemoteObjects", "QtScxml", "QtSensors", "QtSerialBus", "QtSerialPort", "QtSpatialAudio",
    "QtSql", "QtStateMachine", "QtSvgWidgets", "QtTest", "QtTextToSpeech", "QtUiTools",
    "QtWebChannel", "QtWebEngineCore", "QtWebEngineQuick", "QtWebEngineWidgets", "QtWebSockets",
    "QtWebView", "QtXml",
]

EXCLUDED_MODULES = [
    *(f"PySide6.{name}" for name in EXCLUDED_QT_MODULES),
    # Other Qt bindings: two bindings in one build make PyInstaller abort (qasync can use any).
    "PyQt5", "PyQt6", "PySide2", "shiboken2",
    # Never used at run time.
    "tkinter", "_tkinter", "turtle", "turtledemo", "idlelib", "lib2to3", "pydoc_data",
    "test", "pytest", "_pytest", "pytestqt", "ruff", "PyInstaller", "setuptools", "pip",
    "IPython", "matplotlib",
    # httpx's command-line client (and what only it uses); AVIF, which phones do not shoot.
    "httpx._main", "pygments", "rich", "click", "PIL._avif", "PIL.AvifImagePlugin",
    # onnxruntime's Python tooling: model conversion, optimisation, quantisation, training,
    # datasets, the ONNX backend API. Only `print_debug_info` imports transformers, lazily.
    # What only they import (onnx, sympy, protobuf, flatbuffers: the last two are dependencies
    # of the wheel) stays out with them; the CPU InferenceSession needs none of it.
    "onnxruntime.tools", "onnxruntime.transformers", "onnxruntime.quantization",
    "onnxruntime.training", "onnxruntime.datasets", "onnxruntime.backend", "onnx", "sympy",
    "google.protobuf", "flatbuffers",
    # numpy's submodules that only its lazy `numpy.<name>` attributes import and the cut-out
    # does not use: random and fft bring compiled modules (~3 MB), testing brings unittest and
    # doctest, f2py a Fortran wrapper generator. _multiarray_tests is for numpy's own tests.
    "numpy.random", "numpy.fft", "numpy.polynomial", "numpy.testing", "numpy.f2py",
    "numpy.distutils", "numpy._pyinstaller", "numpy._core._multiarray_tests",
    # Nothing uses processes (the engine runs on threads); left in, multiprocessing's run-time
    # hook imports it on every start (~10 ms). Whoever adds a ProcessPoolExecutor must take
    # these out again and call multiprocessing.freeze_support() first thing in launcher.py.
    "multiprocessing", "concurrent.futures.process",
]

# Qt plugins that travel, by plugin folder; a folder not listed here is left out entirely
# (qmltooling, sqldrivers, tls, networkinformation, egldeviceintegrations, generic, designer...).
# ``None`` keeps every plugin in that folder.
QT_PLUGINS: dict[str, set[str] | None] = {
    # Windows: windows; macOS: cocoa; Linux: xcb and wayland; everywhere: offscreen and minimal
    # (headless runs, the self-test in CI).
    "platforms": {"qwindows", "qcocoa", "qxcb", "qwayland", "qoffscreen", "qminimal"},
    # Linux desktop integration through the XDG portal (file dialogs, dark mode); the GTK 3
    # theme is left out: it drags in the build machine's whole GTK stack (~25 MB) and is
    # fragile across distributions.
    "platformthemes": {"qxdgdesktopportal"},
    "platforminputcontexts": {"composeplatforminputcontextplugin",
                              "ibusplatforminputcontextplugin"},
    "xcbglintegrations": None,
    # Wayland: the desktop shell protocol and the client-side window decorations. The app's
    # widgets draw in software, so none of the EGL/dmabuf buffer integrations (which would bring
    # QtOpenGL along), nor the automotive, fullscreen, Qt-compositor or obsolete wl-shell shells.
    "wayland-decoration-client": None,
    "wayland-shell-integration": {"xdg-shell"},
    "styles": None,  # Windows: qmodernwindowsstyle; macOS: qmacstyle
    "iconengines": {"qsvgicon"},
    # JPEG, GIF, ICO, SVG and WebP for thumbnails and icons (PNG is built into QtGui). TIFF,
    # TGA, WBMP, ICNS and PDF (which would pull QtPdf in) are left out.
    "imageformats": {"qjpeg", "qgif", "qico", "qsvg", "qwebp"},
}

# Qt's own translations (standard dialog buttons and the like): only the base catalogs and the
# tiny qt_xx.qm files that load them. The Help, QML, WebEngine, Designer... catalogs have nothing
# to translate in this app.
QT_TRANSLATION = re.compile(r"^(?:qtbase|qt)_(?P<language>[a-z]{2,3}(?:_[A-Z]{2})?)\.qm$")


def _plugin_stem(filename: str) -> str:
    """The plugin name: ``libqxcb.so``, ``qxcb.dll`` and ``libqxcb.dylib`` are all ``qxcb``."""
    stem = filename.split(".", 1)[0]
    if stem.startswith("lib"):
        stem = stem[3:]
    return stem


def keep_qt_file(dest: str, app_languages: set[str] | None = None) -> bool:
    """Whether a collected file under PySide6/Qt/ travels in the bundle.

    ``dest`` is the file's path inside the bundle (either slash). ``app_languages``: the
    languages the app is translated into; Qt's catalogs for other languages stay out, all of
    them when the app has no translations (``None``).
    """
    parts = PurePosixPath(dest.replace("\\", "/")).parts
    if len(parts) < 2 or parts[0] != "PySide6":
        return True
    # Linux and macOS wheels keep Qt under PySide6/Qt/, the Windows wheel right in PySide6/.
    inner = parts[2:] if parts[1] == "Qt" else parts[1:]
    if not inner:
        return True
    if inner[0] == "plugins" and len(inner) >= 3:
        wanted = QT_PLUGINS.get(inner[1], set())
        return wanted is None or _plugin_stem(inner[-1]) in wanted
    if inner[0] == "translations":
        match = QT_TRANSLATION.match(inner[-1])
        if not match:
            return False
        if app_languages is None:
            return False  # the app is not translated: Qt's dialogs stay English with it
        language = match.group("language")  # qtbase_pt_BR.qm -> pt_BR
        return language in app_languages or language.split("_")[0] in app_languages
    # QML modules and QtWebEngine resources: nothing the app uses.
    return not (inner[0] in ("qml", "resources") and len(inner) >= 2)


# Shared libraries left out by name. Qt's software OpenGL for Windows (opengl32sw.dll, ~20 MB)
# is a fallback for Qt Quick and OpenGL widgets, which the app does not use; the Qt6 ones belong
# to Qt modules the app does not use, should anything still pull them in. onnxruntime's execution
# provider plugins (CUDA, TensorRT, OpenVINO... in other wheels) are loaded only for those
# providers: the CPU provider the cut-out uses is built into its extension module. The provider
# bridge they plug into (providers_shared, 16 KB) stays: onnxruntime warns on every start without.
EXCLUDED_LIBRARIES = re.compile(
    r"^(?:opengl32sw\.dll"
    r"|(?:lib)?Qt6(?:Pdf|Qml|QmlModels|QmlMeta|QmlWorkerScript|Quick|VirtualKeyboard"
    r"|EglFSDeviceIntegration|EglFsKmsSupport)\b.*"
    r"|(?:lib)?onnxruntime_providers_(?!shared\.)\w+\.(?:so|dll|dylib)(?:\.[0-9.]+)?)$"
)

# Linux: the desktop's own libraries, used from the system like every Qt application does (and
# like a `pip install PySide6` does): the X11/xcb client libraries, fontconfig and FreeType, GLib,
# D-Bus and systemd's client library, the C++ runtime, and glibc's libmvec. They talk to the
# desktop's servers and configuration, every desktop has them, and copies from the build machine
# break on older systems (the same reasoning as AppImage's exclude list). OpenSSL 3 too: TLS is
# better served by the distribution's patched copy, and every distribution with the glibc the
# bundle needs anyway (the build machine's or newer) ships OpenSSL 3. What a desktop may lack
# stays in: SQLite, libffi, bzip2, uuid, and everything in pillow.libs and PySide6/Qt/lib.
LINUX_HOST_LIBRARIES = re.compile(
    r"^(?:libX11|libX11-xcb|libXau|libXdmcp|libxcb(?:-[a-z0-9-]+)?|libxkbcommon(?:-x11)?"
    r"|libfontconfig|libfreetype|libexpat|libpng16|libbrotli(?:common|dec|enc)|libz"
    r"|libglib-2\.0|libgthread-2\.0|libgobject-2\.0|libgio-2\.0|libgmodule-2\.0|libpcre2-8"
    r"|libdbus-1|libsystemd|libgcrypt|libgpg-error|liblz4|liblzma|libzstd|libcap|libbsd|libmd"
    r"|libstdc\+\+|libgcc_s|libmvec|libGL|libEGL|libGLX|libGLdispatch|libOpenGL|libdrm"
    r"|libwayland-(?:client|cursor|egl)|libssl|libcrypto)"
    r"\.so(?:\.[0-9.]+)?$"
)


def keep_binary(dest: str, platform: str = sys.platform) -> bool:
    path = PurePosixPath(dest.replace("\\", "/"))
    if EXCLUDED_LIBRARIES.match(path.name):
        return False
    # Only top-level copies from the system: the wheels' own copies (pillow.libs/libxcb-<hash>.so)
    # have hashed names in their own folders and stay.
    return not (platform.startswith("linux") and len(path.parts) == 1
                and LINUX_HOST_LIBRARIES.match(path.name))


# Linux: libraries GNU strip breaks. numpy's wheel ships OpenBLAS and its Fortran runtime
# relocated by patchelf, and stripping them leaves segments the loader rejects ("ELF load command
# address/offset not page-aligned"), so numpy fails to import; it would save 2 MB. They travel as
# they are in the wheel.
STRIP_BREAKS = re.compile(r"^numpy\.libs/")


def keep_unstripped(dest: str) -> bool:
    """Whether a collected binary must be copied as it is rather than stripped (Linux)."""
    return bool(STRIP_BREAKS.match(dest.replace("\\", "/")))


def app_languages(resources: Path = RESOURCES) -> set[str] | None:
    """The languages of the app's own translations (``resources/translations/*_xx.qm``)."""
    folder = resources / "translations"
    if not folder.is_dir():
        return None
    languages = set()
    for path in folder.glob("*.qm"):
        stem = path.stem
        languages.add(stem.split("_", 1)[1] if "_" in stem else stem)
    return languages or None


# --- The app's resources -----------------------------------------------------------------------

# resources/ travels whole (styles, sample photos, icons, translations) except what only the
# repository needs: README screenshots and the icon's drawing source.
RESOURCES_LEFT_OUT = ("screenshots/", "icons/productsnap-source.png")


def resource_datas(resources: Path = RESOURCES, platform: str = sys.platform
                   ) -> list[tuple[str, str]]:
    """(file, folder in the bundle) pairs for the spec's datas: resources/... -> resources/...

    The .ico is Windows's and the .icns macOS's; the executable and the .app carry them already,
    and the window icon comes from the PNGs, so each stays on its own system.
    """
    left_out = list(RESOURCES_LEFT_OUT)
    if platform != "win32":
        left_out.append("icons/productsnap.ico")
    if platform != "darwin":
        left_out.append("icons/productsnap.icns")
    entries = []
    for path in sorted(resources.rglob("*")):
        relative = path.relative_to(resources).as_posix()
        if not path.is_file() or "__pycache__" in relative:
            continue
        if any(relative == left or relative.startswith(left) for left in left_out):
            continue
        entries.append((str(path), str(PurePosixPath("resources", relative).parent)))
    return entries


def onnxruntime_notices() -> list[tuple[str, str]]:
    """onnxruntime's licence and third-party notices, which its MIT licence asks to travel with
    its binaries: (file, folder in the bundle) pairs. The wheel keeps them in the package, not in
    its metadata, so no hook collects them. Found without importing onnxruntime."""
    import importlib.util

    spec = importlib.util.find_spec("onnxruntime")
    if spec is None or not spec.submodule_search_locations:
        return []
    package = Path(next(iter(spec.submodule_search_locations)))
    return [(str(package / name), "onnxruntime") for name in ("LICENSE", "ThirdPartyNotices.txt")
            if (package / name).is_file()]


# --- Platform metadata ------------------------------------------------------------------------

def windows_version_info_text(version: str) -> str:
    """A version resource for ProductSnap.exe, in the text form PyInstaller reads on Windows."""
    numbers = numeric_version(version)
    return f"""# UTF-8
VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers},
    prodvers={numbers},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
      StringTable('040904B0', [
        StringStruct('CompanyName', {PUBLISHER!r}),
        StringStruct('FileDescription', {APP_NAME!r}),
        StringStruct('FileVersion', {version!r}),
        StringStruct('InternalName', {APP_NAME!r}),
        StringStruct('LegalCopyright', {COPYRIGHT!r}),
        StringStruct('OriginalFilename', {APP_NAME + '.exe'!r}),
        StringStruct('ProductName', {APP_NAME!r}),
        StringStruct('ProductVersion', {version!r})
      ])
    ]),
    VarFileInfo([VarStruct('Translation', [0x0409, 1200])])
  ]
)
"""


def macos_info_plist(version: str) -> dict[str, object]:
    """Info.plist entries on top of PyInstaller's (which sets name, executable, bundle id)."""
    return {
        "CFBundleDisplayName": APP_NAME,
        "CFBundleName": APP_NAME,
        "CFBundleShortVersionString": version,
        "CFBundleVersion": version,
        "NSHighResolutionCapable": True,
        "NSPrincipalClass": "NSApplication",
        "NSRequiresAquaSystemAppearance": False,  # follow the system's dark mode
        "LSApplicationCategoryType": "public.app-category.photography",
        "LSMinimumSystemVersion": "13.0",  # Qt 6.10 and 6.11 support macOS 13 and later
        "NSHumanReadableCopyright": COPYRIGHT,
        # Finder's "Open With": photos can be opened with ProductSnap (never as the default).
        "CFBundleDocumentTypes": [{
            "CFBundleTypeName": "Photo",
            "CFBundleTypeRole": "Viewer",
            "LSHandlerRank": "Alternate",
            "LSItemContentTypes": ["public.jpeg", "public.png", "public.heic", "public.heif",
                                   "org.webmproject.webp", "public.tiff", "com.microsoft.bmp",
                                   "com.compuserve.gif", "public.folder"],
        }],
    }


# --- Hooks ------------------------------------------------------------------------------------

def filtered_qt6_dependencies(hook_file: str) -> tuple[list, list, list]:
    """PyInstaller's own PySide6 hook result, minus the plugins and translations left out above.

    Filtering here, in the hook, rather than after Analysis keeps the left-out plugins' own
    dependencies (the GTK 3 stack of the GTK theme, QtNetwork for the TLS plugins...) from being
    collected at all. Used by the hooks in packaging/hooks/.
    """
    import os

    from PyInstaller.utils.hooks.qt import add_qt6_dependencies

    hiddenimports, binaries, datas = add_qt6_dependencies(hook_file)
    languages = app_languages()

    def keep(entry: tuple[str, str]) -> bool:
        source, dest_dir = entry
        dest = os.path.join(dest_dir, os.path.basename(source))
        return keep_qt_file(dest, languages) and keep_binary(dest)

    excluded = {f"PySide6.{name}" for name in EXCLUDED_QT_MODULES}
    hiddenimports = [name for name in hiddenimports if name not in excluded]
    return hiddenimports, [b for b in binaries if keep(b)], [d for d in datas if keep(d)]
