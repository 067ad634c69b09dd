"""Samarbeidskartet: data model, loading and the Dash app parts for inter-municipal cooperation."""
