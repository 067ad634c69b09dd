"""Bottom layer: municipality names, users' sheets, the built-in loader and the model. Imports no other layer."""
