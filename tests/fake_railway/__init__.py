"""Railway API emulator (under construction)."""
