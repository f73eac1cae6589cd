"""p2pdocs: partnering agreements and statements of work from a deal file."""

__version__ = "0.1.0"
