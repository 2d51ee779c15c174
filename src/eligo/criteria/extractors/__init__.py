"""The extractors of each family of rule kinds; the chain that runs them in order is `eligo.rules.extract`."""
