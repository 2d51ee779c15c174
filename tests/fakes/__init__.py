"""Real, local stand-ins for remote services the tests must not reach."""
