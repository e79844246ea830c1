"""irocli: statutory review deadlines for Independent Reviewing Officers. Keep this import cheap."""

__version__ = "0.1.0"
