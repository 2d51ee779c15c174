"""Trial alerts: subscriptions with double opt-in, what newly matches after an import, and the emails that say so."""
