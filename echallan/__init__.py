"""echallan: junction video -> violations -> plate reads -> challans -> printed notices, offline."""

__version__ = "0.1.0"
