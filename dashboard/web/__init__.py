"""The Dash app: component ids, layouts, callbacks and serving. Uses views/ and output/."""
