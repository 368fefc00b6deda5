"""classic-scanner: a read-only readiness and compliance scanner for Azure classic resources."""

__version__ = "0.1.0"
