"""Reports: obligations as rows (the contract), and the views of them (table, JSON, CSV)."""
