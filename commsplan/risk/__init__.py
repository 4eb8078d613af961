"""Annual risk profiles per business unit (deliverable 2B), and later the plans drawn from them."""
