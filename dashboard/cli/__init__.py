"""`python -m dashboard …`: one module per command group, wired together in cli.main."""
