"""Packaging: the icons, the version, what the bundle leaves out, the installer scripts, and (slow)
the real Linux bundle built with packaging/build.py and its frozen `self-test`."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
ICONS = ROOT / "resources" / "icons"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_packaging_{name}", PACKAGING / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def ps() -> ModuleType:
    return _load("spec_support")


@pytest.fixture
def build(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(PACKAGING))  # build.py imports its neighbours
    return _load("build")


def _pyproject_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["project"]["version"]


# --- Icons ------------------------------------------------------------------------------------

def test_icon_source_is_one_1024_px_image() -> None:
    with Image.open(ICONS / "productsnap-source.png") as source:
        assert source.size == (1024, 1024)
        assert source.mode == "RGBA"
        assert source.getpixel((0, 0))[3] == 0  # transparent corners around the rounded tile
        assert source.getpixel((512, 512))[3] == 255


@pytest.mark.parametrize("size", [16, 24, 32, 48, 64, 128, 256, 512])
def test_png_icons_have_their_size(size: int) -> None:
    with Image.open(ICONS / f"productsnap-{size}.png") as icon:
        assert icon.size == (size, size)
        assert icon.mode == "RGBA"


def test_windows_icon_holds_16_to_256_px() -> None:
    with Image.open(ICONS / "productsnap.ico") as icon:
        assert icon.format == "ICO"
        sizes = set(icon.info["sizes"])
    assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= sizes


def test_macos_icon_holds_16_to_1024_px() -> None:
    with Image.open(ICONS / "productsnap.icns") as icon:
        assert icon.format == "ICNS"
        sizes = set(icon.info["sizes"])
    # (width, height, scale): 16 and 32 px at Retina scale, 128 to 512 at both, 1024 px.
    assert {(16, 16, 2), (32, 32, 2), (128, 128, 1), (256, 256, 1), (512, 512, 1),
            (512, 512, 2)} <= sizes


def test_make_icons_derives_every_icon_from_the_source(tmp_path: Path) -> None:
    make_icons = _load("make_icons")
    written = make_icons.make_icons(ICONS / "productsnap-source.png", tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in make_icons.outputs(tmp_path))
    assert all(p.is_file() and p.stat().st_size > 0 for p in written)
    assert make_icons.icons_up_to_date(ICONS / "productsnap-source.png", tmp_path)


# --- Version ----------------------------------------------------------------------------------

def test_build_takes_the_version_from_pyproject(build: ModuleType) -> None:
    assert build.ps.read_version() == _pyproject_version()


def test_read_version_reads_project_version(ps: ModuleType, tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\nversion = "2.3.4rc1"\n', encoding="utf-8")
    assert ps.read_version(pyproject) == "2.3.4rc1"
    pyproject.write_text('[project]\nname = "x"\n', encoding="utf-8")
    with pytest.raises(ValueError):
        ps.read_version(pyproject)


@pytest.mark.parametrize(("version", "numbers"), [
    ("0.1.0", (0, 1, 0, 0)), ("1.2.3", (1, 2, 3, 0)), ("2.0", (2, 0, 0, 0)),
    ("1.2.0rc1", (1, 2, 0, 0)), ("v3.4.5.6", (3, 4, 5, 6)), ("1.2.3.4.5", (1, 2, 3, 4)),
])
def test_numeric_version_for_windows_resources(ps: ModuleType, version: str,
                                               numbers: tuple[int, ...]) -> None:
    assert ps.numeric_version(version) == numbers


def test_windows_version_resource_is_well_formed(ps: ModuleType) -> None:
    text = ps.windows_version_info_text("1.2.3")

    def record(name: str):  # stand-ins for PyInstaller's classes (which need pefile)
        return lambda *args, **kwargs: (name, args, kwargs)

    names = ["VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct",
             "VarFileInfo", "VarStruct"]
    info = eval(text, {name: record(name) for name in names})
    assert info[0] == "VSVersionInfo"
    assert info[2]["ffi"][2]["filevers"] == (1, 2, 3, 0)
    assert "StringStruct('ProductVersion', '1.2.3')" in text
    assert "StringStruct('OriginalFilename', 'ProductSnap.exe')" in text


def test_macos_info_plist(ps: ModuleType) -> None:
    plist = ps.macos_info_plist("1.2.3")
    assert plist["NSHighResolutionCapable"] is True
    assert plist["CFBundleShortVersionString"] == "1.2.3"
    assert re.fullmatch(r"[A-Za-z0-9.-]+", ps.BUNDLE_ID)


# --- What the bundle leaves out ---------------------------------------------------------------

@pytest.mark.parametrize(("dest", "kept"), [
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
    ("PySide6/plugins/platforms/qwindows.dll", True),
    ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", True),
    ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
    ("PySide6/Qt/plugins/imageformats/libqjpeg.so", True),
    ("PySide6\\plugins\\imageformats\\qjpeg.dll", True),
    ("PySide6/Qt/plugins/imageformats/libqwebp.so", True),
    ("PySide6/Qt/plugins/imageformats/libqpdf.so", False),
    ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", True),
    ("PySide6/Qt/plugins/styles/qmodernwindowsstyle.dll", True),
    ("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", True),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so", True),
    ("PySide6/Qt/plugins/wayland-shell-integration/libivi-shell.so", False),
    ("PySide6/Qt/plugins/wayland-graphics-integration-client/libdmabuf-server.so", False),
    ("PySide6/Qt/plugins/wayland-decoration-client/libadwaita.so", True),
    ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
    ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", False),
    ("PySide6/Qt/plugins/qmltooling/libqmldbg_tcp.so", False),
    ("PySide6/Qt/qml/QtQuick/qmldir", False),
    ("PySide6/Qt/lib/libQt6Core.so.6", True),
    ("PySide6/plugins/platforms/qdirect2d.dll", False),  # the Windows wheel's layout
    ("PySide6/plugins/imageformats/qpdf.dll", False),
    ("PySide6/plugins/imageformats/qgif.dll", True),
    ("PySide6/translations/qtbase_de.qm", False),
    ("PySide6/translations/qtwebengine_de.qm", False),
    ("PySide6/Qt6Gui.dll", True),
    ("PySide6/QtGui.pyd", True),
    ("certifi/cacert.pem", True),
])
def test_qt_plugins_that_travel(ps: ModuleType, dest: str, kept: bool) -> None:
    assert ps.keep_qt_file(dest, None) is kept


def test_qt_translations_only_for_the_apps_languages(ps: ModuleType) -> None:
    languages = {"de", "pt_BR"}
    assert ps.keep_qt_file("PySide6/Qt/translations/qtbase_de.qm", languages)
    assert ps.keep_qt_file("PySide6/Qt/translations/qt_de.qm", languages)
    assert ps.keep_qt_file("PySide6/Qt/translations/qtbase_pt_BR.qm", languages)
    assert not ps.keep_qt_file("PySide6/Qt/translations/qtbase_fr.qm", languages)
    assert not ps.keep_qt_file("PySide6/Qt/translations/qt_help_de.qm", languages)
    assert not ps.keep_qt_file("PySide6/Qt/translations/qtdeclarative_de.qm", languages)
    assert not ps.keep_qt_file("PySide6/Qt/translations/qtbase_de.qm", None)  # untranslated app


def test_app_languages_come_from_resources_translations(ps: ModuleType, tmp_path: Path) -> None:
    assert ps.app_languages(tmp_path) is None
    (tmp_path / "translations").mkdir()
    (tmp_path / "translations" / "productsnap_de.qm").write_bytes(b"")
    (tmp_path / "translations" / "productsnap_pt_BR.qm").write_bytes(b"")
    assert ps.app_languages(tmp_path) == {"de", "pt_BR"}


@pytest.mark.parametrize(("dest", "platform", "kept"), [
    ("opengl32sw.dll", "win32", False),
    ("PySide6/opengl32sw.dll", "win32", False),
    ("PySide6/Qt6Gui.dll", "win32", True),
    ("libQt6Qml.so.6", "linux", False),
    ("libX11.so.6", "linux", False),
    ("libxcb-cursor.so.0", "linux", False),
    ("libfontconfig.so.1", "linux", False),
    ("libssl.so.3", "linux", False),
    ("libstdc++.so.6", "linux", False),
    ("libsqlite3.so.0", "linux", True),
    ("libffi.so.8", "linux", True),
    ("libpython3.11.so.1.0", "linux", True),
    ("pillow.libs/libxcb-9065bb12.so.1.1.0", "linux", True),  # the wheel's own copy stays
    ("PySide6/Qt/lib/libicudata.so.73", "linux", True),
    ("libssl-3-x64.dll", "win32", True),
    ("libssl.3.dylib", "darwin", True),
    # onnxruntime: the provider bridge it loads on every start stays; GPU providers stay out.
    ("onnxruntime/capi/libonnxruntime_providers_shared.so", "linux", True),
    ("onnxruntime/capi/onnxruntime_providers_shared.dll", "win32", True),
    ("onnxruntime/capi/onnxruntime_pybind11_state.cpython-311-x86_64-linux-gnu.so", "linux",
     True),
    ("onnxruntime/capi/libonnxruntime_providers_cuda.so", "linux", False),
    ("onnxruntime/capi/onnxruntime_providers_tensorrt.dll", "win32", False),
    ("onnxruntime/capi/libonnxruntime_providers_openvino.so", "linux", False),
    ("onnxruntime/capi/libonnxruntime_providers_coreml.dylib", "darwin", False),
    ("numpy.libs/libscipy_openblas64_-32a4b2a6.so", "linux", True),
])
def test_shared_libraries_that_travel(ps: ModuleType, dest: str, platform: str,
                                      kept: bool) -> None:
    assert ps.keep_binary(dest, platform) is kept


def test_strip_leaves_numpys_bundled_libraries_alone(ps: ModuleType) -> None:
    assert ps.keep_unstripped("numpy.libs/libscipy_openblas64_-32a4b2a6.so")
    assert ps.keep_unstripped("numpy.libs\\libgfortran-040039e1-0352e75f.so.5.0.0")
    assert not ps.keep_unstripped("numpy/_core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so")
    assert not ps.keep_unstripped("pillow.libs/libxcb-9065bb12.so.1.1.0")


def test_onnxruntime_and_numpy_travel_without_their_tooling(ps: ModuleType) -> None:
    excluded = set(ps.EXCLUDED_MODULES)
    for used in ("onnxruntime", "onnxruntime.capi", "numpy", "numpy.typing", "numpy.linalg",
                 "numpy._core"):
        assert used not in excluded
    for unused in ("onnxruntime.tools", "onnxruntime.transformers", "onnxruntime.quantization",
                   "onnxruntime.training", "sympy", "onnx", "google.protobuf", "flatbuffers",
                   "numpy.f2py", "numpy.testing", "numpy.distutils", "numpy.random"):
        assert unused in excluded


def test_onnxruntime_licence_and_notices_travel(ps: ModuleType) -> None:
    notices = {Path(source).name: folder for source, folder in ps.onnxruntime_notices()}
    assert notices == {"LICENSE": "onnxruntime", "ThirdPartyNotices.txt": "onnxruntime"}


def test_unused_qt_modules_are_excluded_and_used_ones_are_not(ps: ModuleType) -> None:
    excluded = set(ps.EXCLUDED_MODULES)
    for used in ("PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtSvg",
                 "PySide6.QtDBus"):
        assert used not in excluded
    for unused in ("PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtWebEngineCore",
                   "PySide6.Qt3DCore", "PySide6.QtPdf", "PySide6.QtNetwork", "PyQt5", "PyQt6"):
        assert unused in excluded


def test_the_app_uses_no_excluded_module(ps: ModuleType) -> None:
    """A module the bundle leaves out must not be imported anywhere in app/."""
    excluded = [name for name in ps.EXCLUDED_MODULES if "." in name or name[0].isupper()
                or name in ("multiprocessing", "tkinter", "sympy", "onnx", "flatbuffers")]
    pattern = re.compile(r"^\s*(?:from|import)\s+([\w.]+)", re.MULTILINE)
    # numpy's left-out submodules load on attribute access too: `np.random.default_rng()`.
    numpy_left_out = "|".join(re.escape(name.split(".", 1)[1]) for name in ps.EXCLUDED_MODULES
                              if name.startswith("numpy."))
    numpy_attribute = re.compile(rf"\b(?:np|numpy)\.(?:{numpy_left_out})\b")
    for path in (ROOT / "app").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for module in pattern.findall(text):
            for name in excluded:
                assert module != name and not module.startswith(name + "."), \
                    f"{path.relative_to(ROOT)} imports {module}, which the bundle leaves out"
        used = numpy_attribute.search(text)
        assert used is None, \
            f"{path.relative_to(ROOT)} uses {used and used.group(0)}, which the bundle leaves out"


@pytest.mark.parametrize(("platform", "icon_file"), [("win32", "productsnap.ico"),
                                                   ("darwin", "productsnap.icns"),
                                                   ("linux", None)])
def test_resources_travel_without_screenshots(ps: ModuleType, platform: str,
                                              icon_file: str | None) -> None:
    datas = ps.resource_datas(platform=platform)
    bundled = {Path(folder, Path(source).name).as_posix() for source, folder in datas}
    assert "resources/styles.json" in bundled
    assert "resources/icons/productsnap-256.png" in bundled
    platform_icons = {name for name in bundled if name.endswith((".ico", ".icns"))}
    assert platform_icons == ({f"resources/icons/{icon_file}"} if icon_file else set())
    assert not any(name.startswith("resources/screenshots/") for name in bundled)
    assert "resources/icons/productsnap-source.png" not in bundled
    samples = ROOT / "resources" / "samples"
    if samples.is_dir():
        assert {f"resources/samples/{p.name}" for p in samples.glob("*.jpg")} <= bundled
    # The cut-out's model travels with its licence and notes: it is never downloaded.
    assert {"resources/models/u2netp.onnx", "resources/models/u2netp.LICENSE",
            "resources/models/README.md"} <= bundled


def test_onnxruntime_telemetry_is_off_before_anything_imports_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # PyInstaller runs a run-time hook listed in rthooks.dat for a bundled module before the
    # app's own code, so this one is set before the first `import onnxruntime` can happen.
    rthooks = eval((PACKAGING / "hooks" / "rthooks.dat").read_text(encoding="utf-8"))
    assert rthooks["onnxruntime"] == ["pyi_rth_onnxruntime.py"]
    hook = PACKAGING / "hooks" / "rthooks" / "pyi_rth_onnxruntime.py"
    monkeypatch.setenv("ORT_DISABLE_TELEMETRY", "0")
    exec(compile(hook.read_text(encoding="utf-8"), hook.name, "exec"), {})
    assert os.environ["ORT_DISABLE_TELEMETRY"] == "1"


# --- Launcher and installer scripts -----------------------------------------------------------

def test_launcher_drops_macos_process_serial_number(monkeypatch: pytest.MonkeyPatch) -> None:
    launcher = _load("launcher")
    monkeypatch.setattr(sys, "argv", ["ProductSnap", "-psn_0_12345", "photo.jpg"])
    launcher._drop_process_serial_number()
    assert sys.argv == ["ProductSnap", "photo.jpg"]


def test_inno_setup_script_installs_per_user() -> None:
    script = (PACKAGING / "installer.iss").read_text(encoding="utf-8")
    setup = dict(re.findall(r"^(\w+)=(.*)$", script, re.MULTILINE))
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["DefaultDirName"].startswith("{autopf}")
    assert setup["OutputBaseFilename"] == "{#AppName}-{#AppVersion}-setup"
    assert setup["VersionInfoVersion"] == "{#AppVersionNumeric}"
    assert setup["SetupIconFile"] == "{#IconFile}"
    assert "{autoprograms}" in script and "{autodesktop}" in script
    assert 'Name: "desktopicon"' in script and "Flags: unchecked" in script
    assert script.isascii()


def test_installers_carry_the_whole_bundle_and_download_nothing() -> None:
    # The cut-out's model and licence are inside the bundle (resources/models): the installers
    # copy the bundle whole rather than a list of files, and fetch nothing while installing.
    script = (PACKAGING / "installer.iss").read_text(encoding="utf-8")
    files = re.findall(r"^Source: (.*)$", script, re.MULTILINE)
    assert files == ['"{#SourceDir}\\*"; DestDir: "{app}"; '
                     'Flags: ignoreversion recursesubdirs createallsubdirs']
    assert not re.search(r"Download|idp\.|http", script, re.IGNORECASE)
    code = (PACKAGING / "dmg_settings.py").read_text(encoding="utf-8")
    assert "files = [application]" in code and "http" not in code


def test_dmg_settings_put_the_app_next_to_applications(tmp_path: Path) -> None:
    settings: dict[str, object] = {"defines": {"app": str(tmp_path / "ProductSnap.app"),
                                               "icon": "x.icns"}}
    code = (PACKAGING / "dmg_settings.py").read_text(encoding="utf-8")
    exec(compile(code, "dmg_settings.py", "exec"), settings, settings)  # as dmgbuild does
    assert settings["files"] == [str(tmp_path / "ProductSnap.app")]
    assert settings["symlinks"] == {"Applications": "/Applications"}
    assert set(settings["icon_locations"]) == {"ProductSnap.app", "Applications"}
    assert settings["icon"] == "x.icns"


def test_release_workflow_builds_windows_and_both_macs() -> None:
    workflow = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s+tags: \[\"v\*\"\]$", workflow, re.MULTILINE)
    assert "workflow_dispatch:" in workflow
    runners = set(re.findall(r"^\s+os: (\S+)$", workflow, re.MULTILINE))
    assert {"windows-latest", "macos-15", "macos-15-intel"} <= runners
    assert "python -m pytest" in workflow
    assert "python packaging/build.py --require-installer" in workflow
    assert "python packaging/smoke_test.py" in workflow  # the installed app's self-test
    assert "actions/upload-artifact" in workflow and "--draft" in workflow


# --- The real thing (slow) --------------------------------------------------------------------

def _run_self_test(command: list[str], tmp_path: Path, name: str,
                   env_changes: dict[str, str | None] | None = None
                   ) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.update({"PRODUCTSNAP_DATA_DIR": str(tmp_path / f"{name}-data"),
                "PRODUCTSNAP_OUTPUT_DIR": str(tmp_path / f"{name}-out"),
                "QT_QPA_PLATFORM": "offscreen"})
    for key, value in (env_changes or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run([*command, "self-test"], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# What must not be in the frozen app: onnxruntime's tooling and what only it needs, numpy's
# left-out parts (module names in the PYZ), GPU execution providers (files).
LEFT_OUT_MODULES = ("onnxruntime.tools", "onnxruntime.transformers", "onnxruntime.quantization",
                    "onnxruntime.training", "sympy", "onnx", "google.protobuf", "flatbuffers",
                    "numpy.random", "numpy.fft", "numpy.f2py", "numpy.testing", "unittest")
GPU_PROVIDER = re.compile(r"onnxruntime_providers_(?!shared\.)")


def _keyring_line(output: str) -> str:
    lines = [line for line in output.splitlines() if "keyring:" in line]
    assert lines, output
    return lines[0].strip()


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux bundle")
def test_linux_bundle_builds_and_passes_its_self_test(tmp_path: Path, build: ModuleType) -> None:
    dist = tmp_path / "dist"
    env = dict(os.environ)
    # PyInstaller's cache of stripped libraries: kept between runs, out of the (temporary) HOME.
    env["PYINSTALLER_CONFIG_DIR"] = str(PACKAGING / "build" / "pyinstaller-cache")
    result = subprocess.run([sys.executable, str(PACKAGING / "build.py"), "--dist", str(dist)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]

    executable = dist / "ProductSnap" / "ProductSnap"
    assert executable.is_file() and os.access(executable, os.X_OK)

    frozen = _run_self_test([str(executable)], tmp_path, "frozen")
    assert frozen.returncode == 0, frozen.stdout + frozen.stderr
    assert "self-test passed" in frozen.stdout
    # The cut-out ran in the frozen app: onnxruntime, numpy and the model travelled, and
    # onnxruntime had nothing to complain about on stderr (a missing library, say).
    assert re.search(r"^  ok    cut-out: espresso-cup\.jpg ", frozen.stdout, re.MULTILINE)
    assert "onnxruntime" not in frozen.stderr, frozen.stderr
    keyring_line = _keyring_line(frozen.stdout)
    assert keyring_line.startswith("ok    keyring: ")
    # The frozen app finds the same keyring backend as the app run from source does: the
    # backends and their entry points travelled. With a Secret Service running (.ci/run starts
    # one), that is the real thing.
    source = _run_self_test([sys.executable, "-m", "app"], tmp_path, "source")
    assert keyring_line == _keyring_line(source.stdout)
    if os.environ.get("PRODUCTSNAP_REQUIRE_KEYRING") == "1":
        assert "SecretService" in keyring_line and "usable" in keyring_line

    # The model is the one the app checks for, inside the bundle, with its licence and notes.
    from app.images.cutout.model import MODEL_SHA256

    models = dist / "ProductSnap" / "_internal" / "resources" / "models"
    assert _sha256(models / "u2netp.onnx") == MODEL_SHA256
    assert (models / "u2netp.LICENSE").is_file() and (models / "README.md").is_file()
    internal = dist / "ProductSnap" / "_internal"
    assert (internal / "onnxruntime" / "LICENSE").is_file()
    assert list(internal.glob("numpy-*.dist-info/licenses/LICENSE.txt"))  # numpy's licences
    assert not [path for path in internal.rglob("*") if GPU_PROVIDER.search(path.name)]

    # Telemetry is off before onnxruntime can be imported: the run-time hook runs before the
    # app's own script. And tooling the app does not use stayed out.
    from PyInstaller.archive.readers import CArchiveReader

    archive_reader = CArchiveReader(str(executable))
    scripts = [name for name, entry in archive_reader.toc.items() if entry[-1] == "s"]
    assert scripts.index("pyi_rth_onnxruntime") < scripts.index("launcher"), scripts
    modules = set(archive_reader.open_embedded_archive("PYZ.pyz").toc)
    assert "onnxruntime.capi.onnxruntime_inference_collection" in modules
    assert not [name for name in modules for left_out in LEFT_OUT_MODULES
                if name == left_out or name.startswith(left_out + ".")]

    # Run with a home of its own, empty (conftest's served the build), no XDG folders pointing
    # elsewhere, and the user's environment asking for telemetry: onnxruntime writes nothing.
    home = tmp_path / "empty-home"
    home.mkdir()
    homeless = _run_self_test([str(executable)], tmp_path, "home", {
        "HOME": str(home), "ORT_DISABLE_TELEMETRY": "0", "XDG_CONFIG_HOME": None,
        "XDG_CACHE_HOME": None, "XDG_DATA_HOME": None, "XDG_STATE_HOME": None})
    assert homeless.returncode == 0, homeless.stdout + homeless.stderr
    written = sorted(str(path.relative_to(home)) for path in home.rglob("*"))
    assert not [name for name in written if re.search(r"onnx|telemetry", name, re.IGNORECASE)], \
        written

    size = build.disk_usage(dist / "ProductSnap")
    assert size <= build.ps.SIZE_BUDGET_MB * 1024 * 1024, f"bundle is {build.mib(size)} on disk"

    version = _pyproject_version()
    archive = dist / f"ProductSnap-{version}-linux-x86_64.tar.gz"
    assert archive.is_file()
    with tarfile.open(archive) as tar:
        member = tar.getmember("ProductSnap/ProductSnap")
        assert member.isfile() and member.mode & 0o111
        names = tar.getnames()
        assert "ProductSnap/_internal/resources/styles.json" in names
        assert "ProductSnap/_internal/resources/models/u2netp.onnx" in names
