"""Fixtures for the Railway emulator (filled in by the emulator's own change)."""
