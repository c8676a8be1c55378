"""From the engine's arrays to tables, the results JSON, Monte Carlo ranges and files."""
