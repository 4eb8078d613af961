"""Communication plans (deliverable 2B) and the integrated plan drawn from them (2C)."""
