"""kata: a terminal dojo for machine-learning interview practice."""

__version__ = "0.1.0"
