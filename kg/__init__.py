"""kg: evidence-carrying knowledge graphs from English-language news about Chinese politics."""

__version__ = "0.1.0"
EXTRACTOR_VERSION = f"kg-extractor/{__version__}"
