"""From files to a checked ledger: reading, the contract's rules, exchange rates, engine arrays."""
