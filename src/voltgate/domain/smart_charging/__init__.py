"""Smart charging: charging profiles (`profiles`) and planning over domain values (pure
functions; DESIGN.md, "domain/smart_charging"). `planning` computes the charge plan of one
device."""
