"""The simulator's defaults, in a module of their own: the CLI shows them in its help
without importing the simulator (numpy and all, a third of a second)."""

DEFAULT_WEEKS = 26
DEFAULT_PROFILES = 100_000
DEFAULT_TITLES = 400
DEFAULT_SEED = 2025
DEFAULT_ROWS_PER_FILE = 2_000_000
