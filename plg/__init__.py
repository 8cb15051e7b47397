"""PLG analytics: landing generator, checks and command-line helpers for the dbt project."""
