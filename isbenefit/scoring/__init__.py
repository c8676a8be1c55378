"""Where per-unit scores come from: factor-set folders, Brightway projects and databases."""
