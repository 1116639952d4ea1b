"""Partner Locator: validated partner data, computed service partner badges, a static locator."""

__version__ = "0.1.0"
