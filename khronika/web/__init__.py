"""The web app (`khronika serve`): see app.py."""
from khronika.web.app import create_app

__all__ = ["create_app"]
