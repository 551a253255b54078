"""belmon: a monitoring pipeline for Western policy towards Belarus."""

__version__ = "0.1.0"
