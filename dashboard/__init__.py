"""Samarbeidskartet, in layers: data → views → output/web → cli (see .importlinter and README's code map)."""
