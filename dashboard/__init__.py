"""Samarbeidskartet, in layers: data → store → views → output → web | cli (see .importlinter and the README's code map)."""
