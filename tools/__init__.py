"""Development tools that are not part of the installed package (the wheel holds scanner, rules, reports)."""
