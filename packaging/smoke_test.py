"""Install what a user downloads, run the installed app's `self-test`, and take it away again.

    python packaging/smoke_test.py --installer packaging/dist/ProductSnap-0.1.0-setup.exe
    python packaging/smoke_test.py --installer packaging/dist/ProductSnap-0.1.0.dmg
    python packaging/smoke_test.py --installer packaging/dist/ProductSnap-0.1.0-linux-x86_64.tar.gz

Windows: a silent per-user install into a temporary folder (no administrator rights), the Start
menu shortcut and the uninstaller checked, the self-test, then a silent uninstall.
macOS: the .dmg mounted, its Applications link and the app's Info.plist checked, the app copied
out as a user would drag it, the self-test, the .dmg ejected.
Linux: the archive unpacked, the self-test.

The self-test must pass, cut the sample photo out with the bundled model, and name the keyring
backend the system has: Windows Credential Manager
(WinVaultKeyring) on Windows, the Keychain on macOS. CI runs this after build.py.
"""

from __future__ import annotations

import argparse
import os
import plistlib
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import spec_support as ps
from build import self_test

EXPECTED_KEYRING = {"win32": "WinVaultKeyring", "darwin": "macOS Keyring"}


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"smoke test: {message}")
    print(f"  ok    {message}", flush=True)


def check_self_test(executable: Path) -> None:
    output = self_test(executable)
    check("self-test passed" in output, "the installed app's self-test passed")
    check("ok    cut-out:" in output,
          "the installed app cut the sample out (onnxruntime and the model travelled)")
    expected = EXPECTED_KEYRING.get(sys.platform)
    keyring_lines = [line for line in output.splitlines() if "keyring:" in line]
    check(bool(keyring_lines), "the self-test names a keyring backend")
    if expected:
        check(expected in keyring_lines[0] and "usable" in keyring_lines[0],
              f"the keyring backend is the system's ({expected})")


def windows(installer: Path, tmp: Path) -> None:
    target = tmp / "ProductSnap"
    log = tmp / "install.log"
    result = subprocess.run([str(installer), "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART",
                             "/SP-", f"/DIR={target}", f"/LOG={log}"], timeout=600)
    if result.returncode != 0 and log.is_file():
        print(log.read_text(encoding="utf-8", errors="replace"))
    check(result.returncode == 0, f"silent per-user install into {target}")
    executable = target / "ProductSnap.exe"
    check(executable.is_file(), "ProductSnap.exe installed")
    uninstaller = target / "unins000.exe"
    check(uninstaller.is_file(), "the uninstaller installed")
    start_menu = Path(os.environ["APPDATA"]) / "Microsoft" / "Windows" / "Start Menu" / "Programs"
    check((start_menu / "ProductSnap.lnk").is_file(), "the Start menu shortcut (per user)")
    check_self_test(executable)

    subprocess.run([str(uninstaller), "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART"],
                   timeout=600)
    deadline = time.monotonic() + 120  # the uninstaller finishes from a copy of itself
    while executable.exists() and time.monotonic() < deadline:
        time.sleep(1)
    check(not executable.exists(), "the uninstaller removed the app")
    check(not (start_menu / "ProductSnap.lnk").exists(), "the uninstaller removed the shortcut")


def macos(dmg: Path, tmp: Path) -> None:
    mount = tmp / "mount"
    mount.mkdir()
    subprocess.run(["hdiutil", "attach", str(dmg), "-nobrowse", "-readonly", "-noautoopen",
                    "-mountpoint", str(mount)], check=True, timeout=300)
    try:
        app = mount / "ProductSnap.app"
        check(app.is_dir(), "ProductSnap.app is on the disk image")
        applications = mount / "Applications"
        check(applications.is_symlink() and os.readlink(applications) == "/Applications",
              "the Applications link is next to it")
        with (app / "Contents" / "Info.plist").open("rb") as handle:
            info = plistlib.load(handle)
        version = ps.read_version()
        check(info.get("CFBundleShortVersionString") == version, f"the app's version is {version}")
        check(info.get("CFBundleIdentifier") == (os.environ.get("MACOS_BUNDLE_ID") or ps.BUNDLE_ID),
              "the bundle id")
        check(info.get("NSHighResolutionCapable") is True, "NSHighResolutionCapable")
        check((app / "Contents" / "Resources" / "productsnap.icns").is_file(), "the app's icon")
        installed = tmp / "Applications" / "ProductSnap.app"
        installed.parent.mkdir()
        subprocess.run(["ditto", str(app), str(installed)], check=True)  # the user's drag
    finally:
        subprocess.run(["hdiutil", "detach", str(mount)], check=False, timeout=120)
    verify = subprocess.run(["codesign", "--verify", "--deep", "--strict", str(installed)],
                            capture_output=True, text=True)
    check(verify.returncode == 0, "the app's code signature is valid " + verify.stderr.strip())
    check_self_test(installed / "Contents" / "MacOS" / "ProductSnap")


def linux(archive: Path, tmp: Path) -> None:
    with tarfile.open(archive) as tar:
        tar.extractall(tmp, filter="tar")
    executable = tmp / "ProductSnap" / "ProductSnap"
    check(executable.is_file(), "ProductSnap/ProductSnap unpacked")
    check_self_test(executable)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--installer", type=Path, required=True)
    installer = parser.parse_args().installer.resolve()
    if not installer.is_file():
        raise SystemExit(f"no installer at {installer}")
    print(f"smoke test of {installer.name}", flush=True)
    with tempfile.TemporaryDirectory(prefix="productsnap-smoke-") as tmp:
        if installer.suffix == ".exe":
            windows(installer, Path(tmp))
        elif installer.suffix == ".dmg":
            macos(installer, Path(tmp))
        else:
            linux(installer, Path(tmp))
    print("smoke test passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
