"""Rule evaluation: the rule pack (rules.py), its conditions and fields, the retirement calendar, and
the evaluation of a pack over an inventory (evaluate.py)."""
