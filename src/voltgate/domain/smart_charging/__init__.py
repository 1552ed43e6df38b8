"""Smart charging: charging profiles and, later, the planning over them (pure functions over
domain values; DESIGN.md, "domain/smart_charging")."""
