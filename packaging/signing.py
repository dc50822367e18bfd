"""Code signing and notarisation for build.py: on when the certificates are there, skipped with a
notice when they are not.

Windows (Authenticode, signtool from the Windows SDK):
    WINDOWS_CERTIFICATE_PFX        path to the code-signing certificate (.pfx)
    WINDOWS_CERTIFICATE_PASSWORD   its password
    WINDOWS_TIMESTAMP_URL          optional; default http://timestamp.digicert.com
  signs ProductSnap.exe before it is packed, then the installer and its uninstaller (Inno Setup
  runs signtool itself through its SignTool directive).

macOS (codesign, notarytool and stapler from Xcode):
    MACOS_SIGN_IDENTITY            "Developer ID Application: Name (TEAMID)", in an unlocked
                                   keychain
  the spec signs every binary and the .app with it (hardened runtime); build.py signs the .dmg.
  Notarisation, when one of these is set as well:
    MACOS_NOTARY_APPLE_ID, MACOS_NOTARY_PASSWORD (app-specific password), MACOS_NOTARY_TEAM_ID
    or MACOS_NOTARY_KEY (path to an App Store Connect API .p8 key), MACOS_NOTARY_KEY_ID,
       MACOS_NOTARY_ISSUER
  submits the .dmg, waits for Apple's verdict and staples the ticket to it.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TIMESTAMP_URL = "http://timestamp.digicert.com"


def notice(message: str) -> None:
    """A line the person building (or the CI log) cannot miss."""
    if os.environ.get("GITHUB_ACTIONS") == "true":
        print(f"::notice title=ProductSnap packaging::{message}", flush=True)
    else:
        print(f"NOTICE: {message}", flush=True)


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    shown = [("***" if _is_secret(part) else part) for part in command]
    print("+ " + " ".join(shown), flush=True)
    return subprocess.run(command, check=True, **kwargs)


def _is_secret(part: str) -> bool:
    secrets = [os.environ.get(name) for name in
               ("WINDOWS_CERTIFICATE_PASSWORD", "MACOS_NOTARY_PASSWORD")]
    return any(secret and secret in part for secret in secrets)


# --- Windows ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class WindowsSigning:
    signtool: str
    pfx: str
    password: str
    timestamp_url: str

    def command(self, target: str) -> list[str]:
        return [self.signtool, "sign", "/f", self.pfx, "/p", self.password, "/fd", "sha256",
                "/tr", self.timestamp_url, "/td", "sha256", "/d", "ProductSnap", target]

    def inno_sign_tool(self) -> str:
        """The same command as an Inno Setup Sign Tool ($q is a quote, $f the file to sign)."""
        return (f"$q{self.signtool}$q sign /f $q{self.pfx}$q /p $q{self.password}$q "
                f"/fd sha256 /tr {self.timestamp_url} /td sha256 /d $qProductSnap$q $f")


def find_signtool() -> str | None:
    found = shutil.which("signtool") or shutil.which("signtool.exe")
    if found:
        return found
    kits = os.path.join(os.environ.get("PROGRAMFILES(X86)", r"C:\Program Files (x86)"),
                        "Windows Kits", "10", "bin")
    candidates = sorted(glob.glob(os.path.join(kits, "10.*", "x64", "signtool.exe")),
                        key=_version_key)
    return candidates[-1] if candidates else None


def _version_key(path: str) -> tuple[int, ...]:
    version = Path(path).parent.parent.name
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def windows_signing() -> WindowsSigning | None:
    pfx = os.environ.get("WINDOWS_CERTIFICATE_PFX", "")
    if not pfx:
        notice("Windows code signing skipped: WINDOWS_CERTIFICATE_PFX is not set. The installer "
               "is unsigned; SmartScreen will show 'Windows protected your PC' (More info > "
               "Run anyway).")
        return None
    if not Path(pfx).is_file():
        raise SystemExit(f"WINDOWS_CERTIFICATE_PFX={pfx} is not a file")
    signtool = find_signtool()
    if not signtool:
        raise SystemExit("a certificate is configured but signtool.exe was not found "
                         "(install the Windows SDK)")
    return WindowsSigning(signtool, pfx, os.environ.get("WINDOWS_CERTIFICATE_PASSWORD", ""),
                          os.environ.get("WINDOWS_TIMESTAMP_URL") or DEFAULT_TIMESTAMP_URL)


def sign_windows_file(signing: WindowsSigning, target: Path) -> None:
    run(signing.command(str(target)))


# --- macOS ------------------------------------------------------------------------------------

def macos_identity() -> str | None:
    identity = os.environ.get("MACOS_SIGN_IDENTITY", "").strip()
    if not identity:
        notice("macOS signing and notarisation skipped: MACOS_SIGN_IDENTITY is not set. The app "
               "has an ad-hoc signature only; Gatekeeper will block the first start (Control-click "
               "> Open, or on macOS 15+ System Settings > Privacy & Security > Open Anyway).")
        return None
    return identity


def sign_macos_file(identity: str, target: Path) -> None:
    run(["/usr/bin/codesign", "--force", "--sign", identity, "--timestamp", str(target)])


def _notary_auth() -> list[str] | None:
    env = os.environ
    if env.get("MACOS_NOTARY_KEY") and env.get("MACOS_NOTARY_KEY_ID"):
        auth = ["--key", env["MACOS_NOTARY_KEY"], "--key-id", env["MACOS_NOTARY_KEY_ID"]]
        if env.get("MACOS_NOTARY_ISSUER"):
            auth += ["--issuer", env["MACOS_NOTARY_ISSUER"]]
        return auth
    if env.get("MACOS_NOTARY_APPLE_ID") and env.get("MACOS_NOTARY_PASSWORD") \
            and env.get("MACOS_NOTARY_TEAM_ID"):
        return ["--apple-id", env["MACOS_NOTARY_APPLE_ID"],
                "--password", env["MACOS_NOTARY_PASSWORD"],
                "--team-id", env["MACOS_NOTARY_TEAM_ID"]]
    return None


def notarize_macos(dmg: Path) -> bool:
    """Submit, wait, staple. False (with a notice) when no notary credentials are configured."""
    auth = _notary_auth()
    if auth is None:
        notice("macOS notarisation skipped: no MACOS_NOTARY_* credentials. The signed app will "
               "still be blocked by Gatekeeper on first start until it is notarised.")
        return False
    result = run(["xcrun", "notarytool", "submit", str(dmg), "--wait",
                  "--output-format", "json", *auth], capture_output=True, text=True)
    verdict = json.loads(result.stdout or "{}")
    status = verdict.get("status")
    print(f"notarisation: {status} (submission {verdict.get('id')})", flush=True)
    if status != "Accepted":
        if verdict.get("id"):
            subprocess.run(["xcrun", "notarytool", "log", verdict["id"], *auth], check=False)
        raise SystemExit(f"notarisation of {dmg.name} failed: {status}")
    run(["xcrun", "stapler", "staple", str(dmg)])
    return True


if __name__ == "__main__":  # a quick look at what would happen here
    print(f"platform: {sys.platform}")
    if sys.platform == "win32":
        print(windows_signing())
    elif sys.platform == "darwin":
        print(macos_identity(), _notary_auth() is not None)
