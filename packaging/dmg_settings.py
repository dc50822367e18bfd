# dmgbuild settings for ProductSnap-<version>.dmg: the app next to an Applications link, on
# dmgbuild's arrow background, so installing is one drag.
#
# build.py calls dmgbuild.build_dmg(..., settings_file=this file,
#                                   defines={"app": ..., "icon": ...});
# by hand:
#   dmgbuild -s packaging/dmg_settings.py -D app=packaging/dist/ProductSnap.app \
#            -D icon=resources/icons/productsnap.icns "ProductSnap" ProductSnap-0.1.0.dmg
#
# This file is executed by dmgbuild, which provides `defines` (the -D values).
import os.path

defines = globals().get("defines", {})

application = defines.get("app", "packaging/dist/ProductSnap.app")
appname = os.path.basename(application)

# Compressed, read-only, opens on every macOS the app supports.
format = defines.get("format", "UDZO")
filesystem = "HFS+"
size = None  # dmgbuild works it out from the contents

files = [application]
symlinks = {"Applications": "/Applications"}
hide_extensions = [appname]

# The volume's icon in Finder's sidebar and on the desktop while mounted.
icon = defines.get("icon") or None

# The window: the built-in arrow background is 640 x 280 with the arrow between these spots.
background = "builtin-arrow"
window_rect = ((200, 200), (640, 280))
default_view = "icon-view"
icon_size = 128
text_size = 13
icon_locations = {
    appname: (140, 120),
    "Applications": (500, 120),
}
show_status_bar = False
show_tab_view = False
show_toolbar = False
show_pathbar = False
show_sidebar = False
