"""Scripts that measure Railway API calls and deploys per scenario against the emulator."""
