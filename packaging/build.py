"""Build ProductSnap for the system this runs on: the frozen app, then its installer.

    python packaging/build.py

  Windows  packaging/dist/ProductSnap/ProductSnap.exe,
           then packaging/dist/ProductSnap-<version>-setup.exe
           (Inno Setup's ISCC.exe; signed when WINDOWS_CERTIFICATE_PFX is set)
  macOS    packaging/dist/ProductSnap.app, then packaging/dist/ProductSnap-<version>.dmg (dmgbuild;
           signed and notarised when MACOS_SIGN_IDENTITY and MACOS_NOTARY_* are set)
  Linux    packaging/dist/ProductSnap/ProductSnap, then
           packaging/dist/ProductSnap-<version>-linux-x86_64.tar.gz

The version is pyproject.toml's. Before the installer is made, the frozen app's `self-test` runs
(offline, mock mode, in a temporary data folder) and the build stops if it fails. A missing tool
(ISCC, dmgbuild) or certificate is reported and skipped, unless --require-installer says the
installer must be made (CI). See packaging/README.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as installed_version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import signing
import spec_support as ps
from signing import notice

SPEC = ps.PACKAGING / "productsnap.spec"
DEFAULT_DIST = ps.PACKAGING / "dist"
DEFAULT_WORK = ps.PACKAGING / "build"


# --- Small helpers ----------------------------------------------------------------------------

def disk_usage(path: Path) -> int:
    """Bytes on disk (allocated blocks, like `du`), symlinks counted once and not followed."""
    if path.is_file() and not path.is_symlink():
        return _allocated(path)
    total = 0
    for root, dirs, files in os.walk(path):
        for name in files + dirs:
            total += _allocated(Path(root) / name)
    return total


def _allocated(path: Path) -> int:
    stat = path.lstat()
    blocks = getattr(stat, "st_blocks", None)
    return blocks * 512 if blocks is not None else stat.st_size


def mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"


def frozen_executable(dist: Path) -> Path:
    """The frozen app's executable that ships: inside the .app on macOS."""
    if sys.platform == "darwin":
        return dist / f"{ps.APP_NAME}.app" / "Contents" / "MacOS" / ps.APP_NAME
    suffix = ".exe" if sys.platform == "win32" else ""
    return dist / ps.APP_NAME / f"{ps.APP_NAME}{suffix}"


def bundle_dir(dist: Path) -> Path:
    if sys.platform == "darwin":
        return dist / f"{ps.APP_NAME}.app"
    return dist / ps.APP_NAME


def github_output(**values: str) -> None:
    """Hand paths to later workflow steps."""
    target = os.environ.get("GITHUB_OUTPUT")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            for key, value in values.items():
                handle.write(f"{key}={value}\n")


# --- Steps ------------------------------------------------------------------------------------

def check_environment(version: str) -> None:
    if importlib.util.find_spec("PyInstaller") is None:
        raise SystemExit("PyInstaller is not installed: pip install -e \".[packaging]\"")
    try:
        metadata_version = installed_version(ps.DIST_NAME)
    except PackageNotFoundError:
        metadata_version = None
    if metadata_version != version:
        raise SystemExit(
            f"pyproject.toml says {version} but the installed productsnap metadata says "
            f"{metadata_version}: run `pip install -e .` in this environment first (the frozen "
            "app reads its version from that metadata)."
        )


def build_bundle(dist: Path, work: Path, clean: bool) -> Path:
    from make_icons import ensure_icons

    ensure_icons()
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(dist), "--workpath", str(work)]
    if clean:
        command.append("--clean")
    env = dict(os.environ)
    if sys.platform == "darwin":
        # A .app whose signature fails or does not verify is an error, not a warning.
        env.setdefault("PYINSTALLER_STRICT_BUNDLE_CODESIGN_ERROR", "1")
        env.setdefault("PYINSTALLER_VERIFY_BUNDLE_SIGNATURE", "1")
    signing.run([*command, str(SPEC)], cwd=ps.ROOT, env=env)
    executable = frozen_executable(dist)
    if not executable.is_file():
        raise SystemExit(f"PyInstaller did not produce {executable}")
    return executable


def self_test(executable: Path) -> str:
    """Run the frozen app's `self-test` offline in a temporary data folder; return its output."""
    with tempfile.TemporaryDirectory(prefix="productsnap-build-") as tmp:
        env = dict(os.environ)
        env.update({"PRODUCTSNAP_DATA_DIR": str(Path(tmp) / "data"),
                    "PRODUCTSNAP_OUTPUT_DIR": str(Path(tmp) / "out"),
                    "PRODUCTSNAP_CONSOLE_LOG": str(Path(tmp) / "console.txt"),
                    "QT_QPA_PLATFORM": "offscreen"})
        env.pop("NANO_BANANA_API_KEY", None)
        result = subprocess.run([str(executable), "self-test"], env=env, cwd=tmp,
                                capture_output=True, text=True, timeout=300)
        output = result.stdout + result.stderr
        console_log = Path(tmp) / "console.txt"
        if not output.strip() and console_log.is_file():
            output = console_log.read_text(encoding="utf-8", errors="replace")
    print(output.rstrip(), flush=True)
    if result.returncode != 0:
        raise SystemExit(f"the frozen app's self-test failed (exit {result.returncode})")
    return output


def find_iscc() -> str | None:
    found = shutil.which("iscc") or shutil.which("ISCC.exe")
    if found:
        return found
    roots = [os.environ.get("PROGRAMFILES(X86)", r"C:\Program Files (x86)"),
             os.environ.get("PROGRAMFILES", r"C:\Program Files"),
             os.path.join(os.environ.get("LOCALAPPDATA", ""), "Programs")]
    for root in roots:
        for folder in sorted(Path(root).glob("Inno Setup *"), reverse=True):  # 7 before 6
            candidate = folder / "ISCC.exe"
            if candidate.is_file():
                return str(candidate)
    return None


def windows_installer(dist: Path, version: str) -> Path | None:
    sign = signing.windows_signing()
    if sign:
        signing.sign_windows_file(sign, dist / ps.APP_NAME / f"{ps.APP_NAME}.exe")
    iscc = find_iscc()
    if not iscc:
        notice("Inno Setup's ISCC.exe was not found: the installer was not made (install Inno "
               "Setup 6.3+ from https://jrsoftware.org or `choco install innosetup`).")
        return None
    numbers = ".".join(str(n) for n in ps.numeric_version(version))
    command = [iscc, "/Q",
               f"/DAppVersion={version}", f"/DAppVersionNumeric={numbers}",
               f"/DSourceDir={dist / ps.APP_NAME}", f"/DOutputDir={dist}",
               f"/DIconFile={ps.ICONS / 'productsnap.ico'}"]
    if sign:
        command += [f"/Sproductsnapsign={sign.inno_sign_tool()}", "/DSignToolName=productsnapsign"]
    signing.run([*command, str(ps.PACKAGING / "installer.iss")])
    installer = dist / f"{ps.APP_NAME}-{version}-setup.exe"
    if not installer.is_file():
        raise SystemExit(f"ISCC did not produce {installer}")
    return installer


def macos_installer(dist: Path, version: str, suffix: str = "") -> Path | None:
    identity = signing.macos_identity()  # the spec already signed the .app with it
    app = dist / f"{ps.APP_NAME}.app"
    if identity:
        signing.run(["/usr/bin/codesign", "--verify", "--deep", "--strict", "--verbose=2",
                     str(app)])
    dmg = dist / f"{ps.APP_NAME}-{version}{suffix}.dmg"
    dmg.unlink(missing_ok=True)
    defines = {"app": str(app), "icon": str(ps.ICONS / "productsnap.icns")}
    settings = str(ps.PACKAGING / "dmg_settings.py")
    if importlib.util.find_spec("dmgbuild") is not None:
        import dmgbuild

        print(f"+ dmgbuild {dmg.name}", flush=True)
        dmgbuild.build_dmg(str(dmg), ps.APP_NAME, settings_file=settings, defines=defines)
    elif shutil.which("dmgbuild"):
        signing.run(["dmgbuild", "-s", settings,
                     *(arg for key, value in defines.items() for arg in ("-D", f"{key}={value}")),
                     ps.APP_NAME, str(dmg)])
    else:
        notice("dmgbuild is not installed: the .dmg was not made (pip install dmgbuild).")
        return None
    if identity:
        signing.sign_macos_file(identity, dmg)
        signing.notarize_macos(dmg)
    return dmg


def linux_archive(dist: Path, version: str) -> Path:
    archive = dist / f"{ps.APP_NAME}-{version}-{ps.platform_tag()}.tar.gz"
    print(f"+ tar czf {archive.name} {ps.APP_NAME}/", flush=True)
    with tarfile.open(archive, "w:gz", compresslevel=9) as tar:
        tar.add(dist / ps.APP_NAME, arcname=ps.APP_NAME)  # symlinks stay symlinks
    return archive


# --- Main -------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=DEFAULT_DIST,
                        help="output folder (default: packaging/dist)")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK,
                        help="PyInstaller's work folder (default: packaging/build)")
    parser.add_argument("--clean", action="store_true", help="ignore PyInstaller's cache")
    parser.add_argument("--bundle-only", action="store_true",
                        help="the frozen app only, no installer or archive")
    parser.add_argument("--skip-self-test", action="store_true",
                        help="do not run the frozen app's self-test")
    parser.add_argument("--require-installer", action="store_true",
                        help="fail instead of skipping when the installer tool is missing (CI)")
    parser.add_argument("--dmg-suffix", default="",
                        help="macOS: appended to the .dmg's name, e.g. -apple-silicon, -intel "
                             "(CI builds one per architecture)")
    args = parser.parse_args(argv)
    dist, work = args.dist.resolve(), args.work.resolve()

    version = ps.read_version()
    print(f"ProductSnap {version} for {ps.platform_tag()}", flush=True)
    check_environment(version)

    started = time.monotonic()
    executable = build_bundle(dist, work, args.clean)
    size = disk_usage(bundle_dir(dist))
    print(f"bundle: {bundle_dir(dist)} ({mib(size)} on disk; budget {ps.SIZE_BUDGET_MB} MiB)",
          flush=True)
    if size > ps.SIZE_BUDGET_MB * 1024 * 1024:
        notice(f"the bundle is {mib(size)}, over the {ps.SIZE_BUDGET_MB} MiB budget")
    if not args.skip_self_test:
        self_test(executable)

    artifact: Path | None = None
    if not args.bundle_only:
        if sys.platform == "win32":
            artifact = windows_installer(dist, version)
        elif sys.platform == "darwin":
            artifact = macos_installer(dist, version, args.dmg_suffix)
        else:
            artifact = linux_archive(dist, version)
        if artifact is None and args.require_installer:
            raise SystemExit("the installer could not be made (see the notice above)")

    print(f"done in {time.monotonic() - started:.0f} s", flush=True)
    print(f"  app:       {executable}", flush=True)
    if artifact:
        print(f"  installer: {artifact} ({mib(artifact.stat().st_size)})", flush=True)
    github_output(version=version, executable=str(executable), bundle=str(bundle_dir(dist)),
                  installer=str(artifact or ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
