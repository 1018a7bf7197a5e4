"""Khronika: news about people persecuted across borders -> sourced case chronicles."""

__version__ = "0.1.0"
