"""Marketplace readiness: the presets (each marketplace's rules as data), the local checks a
photo gets against them, and the export that writes a preset's file (with fixes and the AI
label). Pure Python and Pillow: no Qt, no network, no cost."""
