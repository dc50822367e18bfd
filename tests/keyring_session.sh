#!/usr/bin/env bash
# Run a command inside a private D-Bus session that has an unlocked GNOME Keyring, so the real
# Secret Service keyring backend can be tested headless (CI, containers):
#
#   bash tests/keyring_session.sh .venv/bin/python -m pytest tests/test_keyring_secret_service.py
#
# The keyring's files live in a temporary folder removed afterwards: the user's own keyring is
# never opened. Needs dbus-run-session (dbus / dbus-x11) and gnome-keyring-daemon (gnome-keyring).
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi
for tool in dbus-run-session gnome-keyring-daemon; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$0: $tool is missing (apt-get install dbus-x11 gnome-keyring)" >&2
        exit 2
    fi
done

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/data" "$scratch/runtime"
chmod 700 "$scratch/runtime"

# Inside the session: unlock (which creates) a login keyring with a throwaway password, start
# its Secret Service component, then run the command. The daemon ends with the session.
dbus-run-session -- bash -c '
    set -euo pipefail
    # A private runtime folder too, so it never joins the daemon of a desktop session.
    export XDG_DATA_HOME="$1/data" XDG_RUNTIME_DIR="$1/runtime"
    shift
    eval "$(printf %s throwaway-password | gnome-keyring-daemon --unlock --components=secrets)"
    eval "$(gnome-keyring-daemon --start --components=secrets)"
    export GNOME_KEYRING_CONTROL
    export PRODUCTSNAP_REQUIRE_KEYRING=1  # the keyring tests fail instead of skipping here
    exec "$@"
' keyring-session "$scratch" "$@"
